import { isPlainObject, resolveRef, schemaTypes } from './json-schema.js';
import type { JsonSchema, JsonValue } from './types.js';

/** Example values for the string formats strict mode allows. */
const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00',
  duration: 'P1D',
  email: 'emulator@example.com',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
};

/** Past this depth, recursive schemas take their shortest branch (null, empty array). */
const RECURSION_LIMIT = 4;

/**
 * Builds a deterministic value that satisfies `schema`: strings read `"<property name> for
 * <ticket key>"`, arrays hold one item (or `minItems`), numbers sit on their lower bound, booleans
 * are `true`, `anyOf`/type unions take their first non-null branch, `enum`/`const` their first
 * value. Pure; the caller validates the result (patterns are not generated).
 */
export function sampleFromSchema(schema: JsonSchema, ticketKey: string): JsonValue {
  return sample(schema, schema, 'value', ticketKey, 0);
}

function sample(schema: JsonSchema, root: JsonSchema, name: string, ticketKey: string, depth: number): JsonValue {
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root, schema.$ref);
    return target ? sample(target, root, name, ticketKey, depth + 1) : null;
  }
  if ('const' in schema) return schema.const as JsonValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as JsonValue;
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf.filter(isPlainObject);
    const nonNull = branches.filter((b) => !(schemaTypes(b).length === 1 && schemaTypes(b)[0] === 'null'));
    const pick = depth > RECURSION_LIMIT ? (branches.find((b) => !nonNull.includes(b)) ?? nonNull[0]) : nonNull[0];
    const branch = pick ?? branches[0];
    return branch ? sample(branch, root, name, ticketKey, depth + 1) : null;
  }
  const types = schemaTypes(schema);
  const type =
    depth > RECURSION_LIMIT && types.includes('null') ? 'null' : (types.find((t) => t !== 'null') ?? types[0]);
  switch (type) {
    case 'string':
      if (typeof schema.format === 'string' && schema.format in FORMAT_SAMPLES)
        return FORMAT_SAMPLES[schema.format] ?? '';
      return `${name} for ${ticketKey}`;
    case 'integer':
    case 'number':
      return sampleNumber(schema, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
      const count = Math.min(max, depth > RECURSION_LIMIT ? min : Math.max(1, min));
      const items = isPlainObject(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => sample(items, root, name, ticketKey, depth + 1));
    }
    case 'object': {
      const out: { [key: string]: JsonValue } = {};
      const properties = isPlainObject(schema.properties) ? schema.properties : {};
      for (const [key, child] of Object.entries(properties)) {
        out[key] = isPlainObject(child) ? sample(child, root, key, ticketKey, depth + 1) : null;
      }
      return out;
    }
    default:
      return null;
  }
}

function sampleNumber(schema: JsonSchema, integer: boolean): number {
  let value = 1;
  if (typeof schema.minimum === 'number') value = schema.minimum;
  else if (typeof schema.exclusiveMinimum === 'number') value = schema.exclusiveMinimum + 1;
  else if (typeof schema.maximum === 'number') value = Math.min(1, schema.maximum);
  else if (typeof schema.exclusiveMaximum === 'number') value = Math.min(1, schema.exclusiveMaximum - 1);
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  }
  return integer ? Math.ceil(value) : value;
}
