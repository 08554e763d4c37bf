/**
 * What the REST and gRPC façades share: the zod schemas of every request and response, the
 * field-by-field validation report, the bearer-token check and the API error counter. Both
 * façades validate with these, so they accept and refuse exactly the same inputs.
 */
export * from './api-error-metrics.js';
export * from './bearer-token.js';
export * from './field-schemas.js';
export * from './request-schemas.js';
export * from './response-schemas.js';
export * from './validation-problems.js';
