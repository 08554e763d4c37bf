import { describe, expect, it } from 'vitest';
import { adfToPlainText, isAdfDocument, plainTextToAdf, validateAdfDocument } from './adf.js';

describe('validateAdfDocument', () => {
  it('accepts well-formed documents with marks, lists, code and mentions', () => {
    expect(
      validateAdfDocument({
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'heading',
            attrs: { level: 2 },
            content: [{ type: 'text', text: 'Plan', marks: [{ type: 'strong' }] }],
          },
          { type: 'orderedList', content: [{ type: 'listItem', content: [{ type: 'paragraph' }] }] },
          { type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'x()' }] },
          {
            type: 'paragraph',
            content: [{ type: 'mention', attrs: { id: 'abc', text: '@Hana' } }, { type: 'hardBreak' }],
          },
          { type: 'rule' },
        ],
      }),
    ).toBeNull();
  });

  it.each([
    ['a string', 'hello', 'a plain string is not an ADF document'],
    ['a wrong root', { type: 'paragraph', version: 1, content: [] }, "the root node must have type 'doc'"],
    ['a missing version', { type: 'doc', content: [] }, 'the root node must have version 1'],
    [
      'a list item in a paragraph',
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'listItem' }] }] },
      "content[0].content[0]: 'listItem' is not allowed inside 'paragraph'",
    ],
    [
      'a link without href',
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link' }] }] }],
      },
      'content[0].content[0].marks[0] link mark needs attrs.href',
    ],
    [
      'a heading without level',
      { type: 'doc', version: 1, content: [{ type: 'heading', content: [] }] },
      'content[0]: heading needs attrs.level 1-6',
    ],
  ])('rejects %s', (_name, value, problem) => {
    expect(validateAdfDocument(value)).toBe(problem);
    expect(isAdfDocument(value)).toBe(false);
  });
});

describe('plain text', () => {
  it('round-trips lines through ADF paragraphs', () => {
    const doc = plainTextToAdf('first\n\nthird');
    expect(isAdfDocument(doc)).toBe(true);
    expect(doc.content).toHaveLength(3);
    expect(adfToPlainText(doc)).toBe('first\n\nthird');
  });

  it('extracts text from nested blocks, hard breaks, mentions and emoji', () => {
    expect(
      adfToPlainText({
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }],
          },
          {
            type: 'bulletList',
            content: [
              {
                type: 'listItem',
                content: [
                  {
                    type: 'paragraph',
                    content: [
                      { type: 'mention', attrs: { text: '@x' } },
                      { type: 'emoji', attrs: { shortName: ':tada:' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).toBe('a\nb\n@x:tada:');
    expect(adfToPlainText(null)).toBe('');
  });
});
