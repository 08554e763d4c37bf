/**
 * @khitomer/contracts — workflow-safe contracts shared by leader and worker: types, names,
 * signal/query definitions, failure type names. Imports nothing but `@temporalio/workflow`.
 */
export * from './errors.js';
export * from './messages.js';
export * from './names.js';
export * from './workflow-types.js';
