import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    [' 2m ', 120_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'm', '1.5m', '-1s', '5 m', '10d', 'five minutes'])('rejects %j with a hint', (text) => {
    expect(() => parseDuration(text)).toThrow(/500ms, 30s, 5m or 1h/);
  });

  it('formats back to the largest exact unit', () => {
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(250)).toBe('250ms');
  });
});
