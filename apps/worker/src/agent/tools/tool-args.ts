/**
 * Argument helpers for the agent tools. The model's arguments arrive as raw JSON and may be
 * malformed; every helper throws {@link ToolArgumentError} with a message the model can act on.
 * Optional parameters accept `null` as "absent" (OpenAI strict schemas express optional as nullable).
 */
import { ToolArgumentError } from './tool-types.js';

/**
 * Parses the raw JSON arguments of a tool call into an object. Empty text means `{}`.
 * @throws ToolArgumentError when the text is not a JSON object.
 */
export function parseArgumentsJson(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new ToolArgumentError(
      `arguments are not valid JSON (${err instanceof Error ? err.message : 'parse error'}); send a JSON object`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ToolArgumentError('arguments must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * A required string argument.
 * @throws ToolArgumentError when missing or not a string (or empty, unless `allowEmpty`).
 */
export function requireString(args: Record<string, unknown>, name: string, allowEmpty = false): string {
  const value = args[name];
  if (value === undefined || value === null) throw new ToolArgumentError(`missing required argument "${name}"`);
  if (typeof value !== 'string') throw new ToolArgumentError(`argument "${name}" must be a string`);
  if (!allowEmpty && value === '') throw new ToolArgumentError(`argument "${name}" must not be empty`);
  return value;
}

/**
 * An optional string argument (`undefined` when absent or null).
 * @throws ToolArgumentError when present but not a string.
 */
export function optionalString(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ToolArgumentError(`argument "${name}" must be a string`);
  return value;
}

/**
 * An optional positive integer argument (`undefined` when absent or null).
 * @throws ToolArgumentError when present but not an integer ≥ 1.
 */
export function optionalPositiveInteger(args: Record<string, unknown>, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ToolArgumentError(`argument "${name}" must be an integer ≥ 1`);
  }
  return value;
}

/** JSON schema of an optional (nullable) parameter, strict-mode compatible. */
export function nullable(type: 'string' | 'integer', description: string): Record<string, unknown> {
  return { type: [type, 'null'], description };
}

/** JSON schema of a strict-mode object: every property required, no additional properties. */
export function strictObject(properties: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}
