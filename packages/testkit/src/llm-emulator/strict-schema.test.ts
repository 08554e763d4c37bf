import { describe, expect, it } from 'vitest';
import { checkStrictSchema } from './strict-schema.js';

const target = { kind: 'response_format' as const, name: 'plan', param: 'response_format' };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});

function problem(schema: unknown): string | undefined {
  return checkStrictSchema(schema, target)?.message;
}

describe('checkStrictSchema', () => {
  it('accepts nullable unions, enums, $defs with recursion and the documented keywords', () => {
    const schema = obj(
      {
        name: { type: ['string', 'null'], pattern: '^[a-z]+$' },
        kind: { type: 'string', enum: ['a', 'b'] },
        when: { type: 'string', format: 'date-time' },
        count: { type: 'integer', minimum: 0, maximum: 10 },
        tree: { $ref: '#/$defs/node' },
        either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
      },
      { $defs: { node: obj({ children: { type: 'array', items: { $ref: '#/$defs/node' } } }) } },
    );
    expect(problem(schema)).toBeUndefined();
  });

  it('reports the context of a nested problem as the API does', () => {
    const schema = obj({
      steps: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } },
    });
    expect(problem(schema)).toBe(
      "Invalid schema for response_format 'plan': In context=('properties', 'steps', 'items'), 'additionalProperties' is required to be supplied and to be false.",
    );
  });

  it('names the first property missing from required, and extra required keys', () => {
    expect(problem({ ...obj({ a: { type: 'string' }, b: { type: 'string' } }), required: ['a'] })).toContain(
      "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.",
    );
    expect(problem({ ...obj({ a: { type: 'string' } }), required: ['a', 'z'] })).toContain(
      "Extra required key 'z' supplied.",
    );
  });

  it('refuses keywords strict mode does not support', () => {
    for (const keyword of ['allOf', 'oneOf', 'not', 'if', 'patternProperties', 'default', 'minLength', 'uniqueItems']) {
      expect(problem(obj({ a: { type: 'string', [keyword]: 1 } }))).toContain(`'${keyword}' is not permitted.`);
    }
  });

  it('refuses a non-object root, a missing type, a dangling $ref and deep nesting', () => {
    expect(problem({ anyOf: [obj({})] })).toContain(
      `schema must be a JSON Schema of 'type: "object"', got 'type: "None"'`,
    );
    expect(problem(obj({ a: { description: 'x' } }))).toContain(
      "In context=('properties', 'a'), schema must have a 'type' key.",
    );
    expect(problem(obj({ a: { $ref: '#/$defs/missing' } }))).toContain("reference to component '#/$defs/missing'");
    let deep: Record<string, unknown> = obj({ leaf: { type: 'string' } });
    for (let i = 0; i < 10; i++) deep = obj({ inner: deep });
    expect(problem(deep)).toContain('nesting depth exceeds the limit of 10');
  });

  it('labels function schemas with the tool name and parameter path', () => {
    const error = checkStrictSchema(
      { type: 'object', properties: {} },
      { kind: 'function', name: 'read_file', param: 'tools[1].function.parameters' },
    );
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('tools[1].function.parameters');
    expect(error?.message).toBe(
      "Invalid schema for function 'read_file': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    );
  });
});
