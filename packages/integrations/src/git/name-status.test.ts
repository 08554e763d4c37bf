import { describe, expect, it } from 'vitest';
import { parseNameStatus } from './name-status.js';

describe('parseNameStatus', () => {
  it('parses -z output including renames and odd file names', () => {
    const out = [
      'M',
      'src/a.js',
      'A',
      'new file.txt',
      'D',
      'old.js',
      'R087',
      'b.js',
      'c.js',
      'T',
      'link',
      'C100',
      'x',
      'y',
      '',
    ].join('\0');
    expect(parseNameStatus(out)).toEqual([
      { path: 'src/a.js', status: 'modified' },
      { path: 'new file.txt', status: 'added' },
      { path: 'old.js', status: 'deleted' },
      { path: 'c.js', status: 'renamed' },
      { path: 'link', status: 'modified' },
      { path: 'y', status: 'added' },
    ]);
  });

  it('returns nothing for empty output', () => {
    expect(parseNameStatus('')).toEqual([]);
  });
});
