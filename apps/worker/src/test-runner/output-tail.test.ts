import { describe, expect, it } from 'vitest';
import { OutputTail, tailOf } from './output-tail.js';

describe('OutputTail', () => {
  it('never retains more than its capacity, whatever is written', () => {
    const tail = new OutputTail(1024);
    const chunk = Buffer.from('0123456789abcdef\n'.repeat(100));
    for (let i = 0; i < 1000; i++) {
      tail.push(chunk);
      expect(tail.retainedBytes).toBeLessThanOrEqual(1024);
    }
    expect(tail.totalBytes).toBe(chunk.length * 1000);
    expect(tail.truncated).toBe(true);
    expect(tail.text().endsWith('0123456789abcdef\n')).toBe(true);
  });

  it('keeps the newest bytes of a single huge chunk', () => {
    const tail = new OutputTail(10);
    tail.push(`${'a'.repeat(100)}0123456789`);
    expect(tail.text()).toBe('0123456789');
    tail.push('XY');
    expect(tail.text()).toBe('23456789XY');
  });

  it('drops a multi-byte character cut at the start', () => {
    const tail = new OutputTail(4);
    tail.push('éééé'); // 8 bytes
    expect(tail.text()).toBe('éé');
    tail.push('a');
    expect(tail.text()).toBe('éa');
  });

  it('rejects a bad capacity', () => {
    expect(() => new OutputTail(0)).toThrow(RangeError);
  });
});

describe('tailOf', () => {
  const text = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`).join('\n');
  it('keeps the last lines', () => {
    expect(tailOf(`${text}\n`, 2, 10_000)).toBe('line 299\nline 300');
  });
  it('then the last bytes, starting at a line boundary', () => {
    const out = tailOf(text, 200, 30);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(30);
    expect(out).toBe('line 298\nline 299\nline 300');
  });
});
