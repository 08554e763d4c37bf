import { describe, expect, it } from 'vitest';
import { validateJson } from './json-schema.js';
import { sampleFromSchema } from './schema-sample.js';

const node = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    children: { type: 'array', items: { $ref: '#/$defs/node' } },
  },
  required: ['name', 'children'],
  additionalProperties: false,
};
const schema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['bug', 'feature'] },
    score: { type: 'integer', minimum: 3, multipleOf: 2 },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    maybe: { type: ['boolean', 'null'] },
    root: { $ref: '#/$defs/node' },
    empty: { type: 'array', items: { type: 'string' }, maxItems: 0 },
  },
  required: ['id', 'kind', 'score', 'note', 'maybe', 'root', 'empty'],
  additionalProperties: false,
  $defs: { node },
};

describe('validateJson', () => {
  it('reports type, required, enum, additional-property and bound problems with paths', () => {
    const problems = validateJson(
      { id: 3, kind: 'chore', score: 1, note: null, maybe: null, root: { name: 'r' }, x: 1 },
      schema,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        '$.id: expected string, got number',
        "$: missing required property 'empty'",
        '$.kind: "chore" is not one of ["bug","feature"]',
        '$.score: below 3',
        "$.root: missing required property 'children'",
        "$: unexpected property 'x'",
      ]),
    );
  });

  it('follows $ref recursively and checks anyOf branches', () => {
    const value = { name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [] }] }] };
    expect(validateJson(value, node, { $defs: { node }, ...node })).toEqual([]);
    expect(validateJson({ note: 5 }, { type: 'object', properties: { note: schema.properties.note } })).toEqual([
      '$.note: matches none of the anyOf branches',
    ]);
  });
});

describe('sampleFromSchema', () => {
  it('builds a deterministic value that validates, recursion included', () => {
    const value = sampleFromSchema(schema, 'KHI-5');
    expect(validateJson(value, schema)).toEqual([]);
    expect(value).toMatchObject({
      id: '00000000-0000-4000-8000-000000000000',
      kind: 'bug',
      score: 4,
      note: 'note for KHI-5',
      maybe: true,
      empty: [],
    });
    expect(sampleFromSchema(schema, 'KHI-5')).toEqual(value);
  });
});
