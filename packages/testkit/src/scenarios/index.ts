/** Scripted LLM scenarios on the fixture repositories, shared by tests, the demo and the benchmark. */
export * from './calculator-scenarios.js';
