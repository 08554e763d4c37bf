/**
 * OpenAI Chat Completions emulator for tests, the benchmark and the demo
 * (`@khitomer/testkit/llm`). Start it with {@link startLlmEmulator}, point the real `openai`
 * client at `emulator.baseURL`, script answers per ticket with `addScenario` /
 * `setStructuredAnswer`.
 */

export { validateJson } from './json-schema.js';
export { DEFAULT_LLM_API_KEY, type LlmEmulator, startLlmEmulator } from './llm-emulator.js';
export { OpenAiFaultInjector } from './openai-faults.js';
export { ScenarioDefinitionError } from './scenario-steps.js';
export { checkStrictSchema, type StrictSchemaTarget } from './strict-schema.js';
export type * from './types.js';
