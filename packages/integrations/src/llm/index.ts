export { createOpenAiLlmClient, type OpenAiLlmClientOptions } from './openai-llm-client.js';
