import { isPlainObject, resolveRef, schemaTypes } from './json-schema.js';
import { invalidRequest, type OpenAiApiError } from './openai-error.js';
import type { JsonSchema } from './types.js';

/**
 * The strict-mode rules OpenAI enforces on `response_format.json_schema` and on `strict` function
 * tools, per https://platform.openai.com/docs/guides/structured-outputs#supported-schemas:
 * the root is an object (not `anyOf`); every object has `additionalProperties: false` and lists all
 * of its properties in `required`; only the documented keywords are allowed; string `format`s from a
 * fixed list; at most 10 levels of object nesting. Messages follow the API's own wording, e.g.
 * "Invalid schema for response_format 'plan': In context=('properties', 'steps'), 'additionalProperties'
 * is required to be supplied and to be false." (as reported in https://github.com/vercel/ai/issues/6484
 * and https://github.com/dottxt-ai/outlines/issues/844).
 */

const COMMON_KEYWORDS = new Set([
  'type',
  'description',
  'title',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'definitions',
  '$schema',
]);
const TYPE_KEYWORDS: Record<string, ReadonlySet<string>> = {
  object: new Set(['properties', 'required', 'additionalProperties']),
  array: new Set(['items', 'minItems', 'maxItems']),
  string: new Set(['pattern', 'format']),
  number: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  integer: new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']),
  boolean: new Set(),
  null: new Set(),
};
const ANY_TYPE_KEYWORDS = new Set(Object.values(TYPE_KEYWORDS).flatMap((set) => [...set]));
const STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);
const MAX_OBJECT_DEPTH = 10;

type Context = readonly (string | number)[];

/** Python tuple repr, which is how the API prints the context of a schema problem. */
function formatContext(context: Context): string {
  const parts = context.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`));
  if (parts.length === 1) return `(${parts[0]},)`;
  return `(${parts.join(', ')})`;
}

/** What the schema is for, used in messages: `response_format 'plan'` or `function 'read_file'`. */
export interface StrictSchemaTarget {
  kind: 'response_format' | 'function';
  name: string;
  /** Request parameter reported in the error, e.g. `response_format` or `tools[0].function.parameters`. */
  param: string;
}

/**
 * Checks `schema` against the strict-mode rules. Returns the 400 error OpenAI would send, or
 * `undefined` when the schema is acceptable. Pure.
 */
export function checkStrictSchema(schema: unknown, target: StrictSchemaTarget): OpenAiApiError | undefined {
  const prefix = `Invalid schema for ${target.kind} '${target.name}'`;
  const fail = (context: Context, problem: string): OpenAiApiError =>
    invalidRequest(`${prefix}: In context=${formatContext(context)}, ${problem}`, target.param, 'invalid_json_schema');

  if (!isPlainObject(schema)) {
    return invalidRequest(`${prefix}: schema must be a JSON Schema object.`, target.param, 'invalid_json_schema');
  }
  const rootTypes = schemaTypes(schema);
  if (rootTypes.length !== 1 || rootTypes[0] !== 'object' || 'anyOf' in schema) {
    const got = rootTypes.length === 0 ? 'None' : rootTypes.join(', ');
    return invalidRequest(
      `${prefix}: schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`,
      target.param,
      'invalid_json_schema',
    );
  }

  const walk = (node: unknown, context: Context, objectDepth: number): OpenAiApiError | undefined => {
    if (!isPlainObject(node)) return fail(context, 'schema must be a JSON Schema object.');
    for (const key of Object.keys(node)) {
      if (!COMMON_KEYWORDS.has(key) && !ANY_TYPE_KEYWORDS.has(key)) return fail(context, `'${key}' is not permitted.`);
    }
    if (typeof node.$ref === 'string') {
      if (!resolveRef(schema, node.$ref)) {
        return fail(context, `reference to component '${node.$ref}' which was not found in the schema.`);
      }
    } else if ('$ref' in node) {
      return fail(context, "'$ref' must be a string.");
    }
    for (const defsKey of ['$defs', 'definitions'] as const) {
      const defs = node[defsKey];
      if (defs === undefined) continue;
      if (!isPlainObject(defs)) return fail(context, `'${defsKey}' must be an object.`);
      for (const [name, def] of Object.entries(defs)) {
        const problem = walk(def, [...context, defsKey, name], objectDepth);
        if (problem) return problem;
      }
    }
    if ('anyOf' in node) {
      if (!Array.isArray(node.anyOf) || node.anyOf.length === 0)
        return fail(context, "'anyOf' must be a non-empty array.");
      for (const [i, branch] of node.anyOf.entries()) {
        const problem = walk(branch, [...context, 'anyOf', i], objectDepth);
        if (problem) return problem;
      }
    }
    const types = schemaTypes(node);
    if (types.length === 0) {
      if ('$ref' in node || 'anyOf' in node || 'enum' in node || 'const' in node) return undefined;
      return fail(context, "schema must have a 'type' key.");
    }
    for (const type of types) {
      if (!(type in TYPE_KEYWORDS)) return fail(context, `'${type}' is not a valid type.`);
    }
    if (Array.isArray(node.enum) && node.enum.length > 1000) return fail(context, "'enum' has more than 1000 values.");
    if (types.includes('string') && node.format !== undefined) {
      if (typeof node.format !== 'string' || !STRING_FORMATS.has(node.format)) {
        return fail(context, `'${String(node.format)}' is not a valid format.`);
      }
    }
    if (types.includes('object')) {
      const problem = checkObject(node, context, objectDepth + 1);
      if (problem) return problem;
    }
    if (types.includes('array') && node.items !== undefined) {
      const problem = walk(node.items, [...context, 'items'], objectDepth);
      if (problem) return problem;
    }
    return undefined;
  };

  const checkObject = (node: JsonSchema, context: Context, depth: number): OpenAiApiError | undefined => {
    if (depth > MAX_OBJECT_DEPTH) {
      return fail(context, `schema nesting depth exceeds the limit of ${MAX_OBJECT_DEPTH} levels.`);
    }
    if (node.additionalProperties !== false) {
      return fail(context, "'additionalProperties' is required to be supplied and to be false.");
    }
    const properties = node.properties ?? {};
    if (!isPlainObject(properties)) return fail(context, "'properties' must be an object.");
    const keys = Object.keys(properties);
    const required = node.required;
    if (keys.length > 0 || required !== undefined) {
      if (!Array.isArray(required) || required.some((k) => typeof k !== 'string')) {
        return fail(
          context,
          `'required' is required to be supplied and to be an array including every key in properties. Missing '${keys[0] ?? ''}'.`,
        );
      }
      const missing = keys.filter((k) => !required.includes(k));
      if (missing.length > 0) {
        return fail(
          context,
          `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`,
        );
      }
      const extra = required.find((k) => typeof k === 'string' && !keys.includes(k));
      if (extra !== undefined) return fail(context, `Extra required key '${String(extra)}' supplied.`);
    }
    for (const key of keys) {
      const problem = walk(properties[key], [...context, 'properties', key], depth);
      if (problem) return problem;
    }
    return undefined;
  };

  return walk(schema, [], 0);
}
