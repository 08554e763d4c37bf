import { describe, expect, it } from 'vitest';
import { BoundedMap, ReadyEntryCache } from './ticket-memory.js';

describe('BoundedMap', () => {
  it('forgets the entry written longest ago beyond its bound; rewriting refreshes an entry', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(3);
    expect(map.get('c')).toBe(4);
    expect(map.size).toBe(2);
  });

  it('rejects a bound below 1', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});

describe('ReadyEntryCache', () => {
  it('answers only for the same `updated`, including a remembered null', () => {
    const cache = new ReadyEntryCache();
    cache.set('KHI-1', '2030-01-01T00:00:00.000Z', '2029-12-31T00:00:00.000Z');
    cache.set('KHI-2', '2030-01-01T00:00:00.000Z', null);
    expect(cache.get('KHI-1', '2030-01-01T00:00:00.000Z')).toBe('2029-12-31T00:00:00.000Z');
    expect(cache.get('KHI-2', '2030-01-01T00:00:00.000Z')).toBeNull();
    expect(cache.get('KHI-1', '2030-01-01T00:00:00.001Z')).toBeUndefined();
    expect(cache.get('KHI-3', '2030-01-01T00:00:00.000Z')).toBeUndefined();
  });

  it('does not remember a ticket without `updated`', () => {
    const cache = new ReadyEntryCache();
    cache.set('KHI-1', '', '2029-12-31T00:00:00.000Z');
    expect(cache.get('KHI-1', '')).toBeUndefined();
  });
});
