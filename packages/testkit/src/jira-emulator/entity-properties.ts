/**
 * Entity property rules shared by comment and issue properties: key up to 255 characters, value
 * any JSON up to 32768 bytes.
 * https://developer.atlassian.com/cloud/jira/platform/jira-entity-properties/
 */
import { badRequest } from './jira-error.js';
import type { RouteContext } from './router.js';

const MAX_PROPERTY_KEY = 255;
const MAX_PROPERTY_VALUE = 32_768;

/** What is wrong with a property key, or null. Pure. */
export function propertyKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'The property key cannot be empty.';
  if (key.length > MAX_PROPERTY_KEY) return `The property key cannot be longer than ${MAX_PROPERTY_KEY} characters.`;
  return null;
}

/** What is wrong with a property value, or null. Pure. */
export function propertyValueProblem(value: unknown): string | null {
  const json = JSON.stringify(value);
  if (json === undefined) return 'The property value must be valid JSON.';
  if (Buffer.byteLength(json) > MAX_PROPERTY_VALUE) {
    return `The property value cannot be longer than ${MAX_PROPERTY_VALUE} bytes.`;
  }
  return null;
}

/**
 * Answers a PUT of an entity property into `properties`: 400 for a bad key or value, else 201
 * when created and 200 when updated, with an empty body either way (as Jira does).
 */
export function putEntityProperty(ctx: RouteContext, properties: Map<string, unknown>): void {
  const key = ctx.params.propertyKey ?? '';
  const problem = propertyKeyProblem(key);
  if (problem) throw badRequest(problem);
  const value = ctx.json();
  const valueProblem = propertyValueProblem(value);
  if (valueProblem) throw badRequest(valueProblem);
  const existed = properties.has(key);
  properties.set(key, value);
  ctx.res.writeHead(existed ? 200 : 201);
  ctx.res.end();
}
