import { describe, expect, it } from 'vitest';
import { adfDoc, bulletList, codeBlock, heading, link, paragraph, text } from './adf.js';
import { adfToText } from './adf-text.js';

describe('ADF builders', () => {
  it('builds a valid document with every node kind', () => {
    const doc = adfDoc(
      heading(2, 'Pull request opened'),
      paragraph('See ', link('https://github.com/o/r/pull/1', 'PR #1'), '.'),
      bulletList(['tests: passed', ['exit code ', text('0', [{ type: 'code' }])]]),
      codeBlock('npm test', 'shell'),
    );
    expect(doc).toEqual({
      version: 1,
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Pull request opened' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'See ' },
            {
              type: 'text',
              text: 'PR #1',
              marks: [{ type: 'link', attrs: { href: 'https://github.com/o/r/pull/1' } }],
            },
            { type: 'text', text: '.' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'tests: passed' }] }] },
            {
              type: 'listItem',
              content: [
                {
                  type: 'paragraph',
                  content: [
                    { type: 'text', text: 'exit code ' },
                    { type: 'text', text: '0', marks: [{ type: 'code' }] },
                  ],
                },
              ],
            },
          ],
        },
        { type: 'codeBlock', attrs: { language: 'shell' }, content: [{ type: 'text', text: 'npm test' }] },
      ],
    });
  });

  it('drops empty strings, which Jira rejects as text nodes', () => {
    expect(paragraph('', 'a', '')).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'a' }] });
    expect(codeBlock('')).toEqual({ type: 'codeBlock', content: [] });
  });

  it('clamps heading levels and defaults the link label to the URL', () => {
    expect(heading(9, 'x').attrs).toEqual({ level: 6 });
    expect(heading(0, 'x').attrs).toEqual({ level: 1 });
    expect(link('https://x.test').text).toBe('https://x.test');
  });

  it('round-trips through adfToText', () => {
    const doc = adfDoc(heading(1, 'Title'), paragraph('Body'), bulletList(['one', 'two']));
    expect(adfToText(doc)).toBe('# Title\n\nBody\n\n- one\n- two');
  });
});
