import type { JsonSchema } from './types.js';

/**
 * A small JSON-schema validator for the subset OpenAI structured outputs allow
 * (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas): `type` (also as an
 * array with `null`), `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
 * `anyOf`, local `$ref` into `$defs`/`definitions`, string `pattern`/`minLength`/`maxLength`, number
 * bounds and `multipleOf`, `minItems`/`maxItems`. Other keywords are ignored.
 */

/** True for a plain (non-array, non-null) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolves a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer into `root`).
 * Returns `undefined` when it points nowhere.
 */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return isPlainObject(node) ? node : undefined;
}

/** The `type` keyword as a list (empty when absent). */
export function schemaTypes(schema: JsonSchema): string[] {
  const { type } = schema;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Validates `value` against `schema` (with `root` for `$ref`). Returns human-readable problems as
 * `path: problem`, empty when valid. Pure; never throws.
 */
export function validateJson(value: unknown, schema: JsonSchema, root: JsonSchema = schema): string[] {
  const problems: string[] = [];
  check(value, schema, root, '$', problems, 0);
  return problems;
}

function check(value: unknown, schema: JsonSchema, root: JsonSchema, path: string, out: string[], depth: number): void {
  if (depth > 64) {
    out.push(`${path}: schema recursion too deep`);
    return;
  }
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    if (!target) {
      out.push(`${path}: unresolvable $ref ${schema.$ref}`);
      return;
    }
    check(value, target, root, path, out, depth + 1);
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf.filter(isPlainObject);
    const ok = branches.some((branch) => validateJsonAt(value, branch, root, path, depth + 1).length === 0);
    if (!ok) out.push(`${path}: matches none of the anyOf branches`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((candidate) => deepEqual(candidate, value))) {
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && !deepEqual(schema.const, value)) {
    out.push(`${path}: must equal ${JSON.stringify(schema.const)}`);
  }
  const types = schemaTypes(schema);
  if (types.length > 0 && !types.some((t) => matchesType(value, t))) {
    out.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
    return;
  }
  if (typeof value === 'string') checkString(value, schema, path, out);
  if (typeof value === 'number') checkNumber(value, schema, path, out);
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      out.push(`${path}: fewer than ${schema.minItems} items`);
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      out.push(`${path}: more than ${schema.maxItems} items`);
    }
    if (isPlainObject(schema.items)) {
      const items = schema.items;
      value.forEach((item, i) => {
        check(item, items, root, `${path}[${i}]`, out, depth + 1);
      });
    }
  }
  if (isPlainObject(value)) checkObject(value, schema, root, path, out, depth);
}

function validateJsonAt(value: unknown, schema: JsonSchema, root: JsonSchema, path: string, depth: number): string[] {
  const out: string[] = [];
  check(value, schema, root, path, out, depth);
  return out;
}

function checkString(value: string, schema: JsonSchema, path: string, out: string[]): void {
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      out.push(`${path}: invalid pattern ${schema.pattern}`);
    }
    if (pattern && !pattern.test(value)) out.push(`${path}: does not match pattern ${schema.pattern}`);
  }
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    out.push(`${path}: shorter than ${schema.minLength}`);
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    out.push(`${path}: longer than ${schema.maxLength}`);
  }
}

function checkNumber(value: number, schema: JsonSchema, path: string, out: string[]): void {
  if (typeof schema.minimum === 'number' && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
    out.push(`${path}: not above ${schema.exclusiveMinimum}`);
  }
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
    out.push(`${path}: not below ${schema.exclusiveMaximum}`);
  }
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
    const ratio = value / schema.multipleOf;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) out.push(`${path}: not a multiple of ${schema.multipleOf}`);
  }
}

function checkObject(
  value: Record<string, unknown>,
  schema: JsonSchema,
  root: JsonSchema,
  path: string,
  out: string[],
  depth: number,
): void {
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (typeof key === 'string' && !(key in value)) out.push(`${path}: missing required property '${key}'`);
    }
  }
  for (const [key, child] of Object.entries(value)) {
    const propertySchema = properties[key];
    if (isPlainObject(propertySchema)) {
      check(child, propertySchema, root, `${path}.${key}`, out, depth + 1);
    } else if (schema.additionalProperties === false) {
      out.push(`${path}: unexpected property '${key}'`);
    } else if (isPlainObject(schema.additionalProperties)) {
      check(child, schema.additionalProperties, root, `${path}.${key}`, out, depth + 1);
    }
  }
}
