/**
 * @khitomer/config — the zod-validated configuration of PRODUCT.md §3, parsed once per process.
 */
export * from './duration.js';
export * from './env-file.js';
export * from './load-config.js';
export * from './load-or-exit.js';
export { type Environment, EXAMPLES, environmentSchema, SECRET_VARIABLES } from './schema.js';
