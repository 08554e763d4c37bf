import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, quoteQueryValue, runInfoFromRaw } from './implementation-runs.js';
import { InvalidRunListRequestError } from './run-errors.js';

describe('page tokens', () => {
  it('round-trip Temporal tokens and refuse anything else at once', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 42]);
    const token = encodePageToken(bytes);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token)).toEqual(bytes);
    for (const bad of ['', 'abc', 'a b', `${token}A`, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect(() => decodePageToken(bad)).toThrow(InvalidRunListRequestError);
    }
  });
});

/** Proto timestamps are typed with Long; decoded ones may carry plain numbers, which the mapper accepts. */
type RawTimestamp = NonNullable<Parameters<typeof runInfoFromRaw>[0]['startTime']>;
const timestamp = (seconds: number, nanos: number) => ({ seconds, nanos }) as unknown as RawTimestamp;

describe('runInfoFromRaw', () => {
  it('maps status codes, timestamps and keyword search attributes', () => {
    const keyword = (value: string) => ({
      metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') },
      data: Buffer.from(JSON.stringify(value)),
    });
    const info = runInfoFromRaw({
      execution: { workflowId: 'khitomer-KHI-1', runId: 'r1' },
      status: 4,
      startTime: timestamp(1_900_000_000, 5_000_000),
      closeTime: timestamp(1_900_000_060, 0),
      searchAttributes: { indexedFields: { JiraIssueKey: keyword('KHI-1'), Repository: keyword('acme/app') } },
    });
    expect(info).toEqual({
      workflowId: 'khitomer-KHI-1',
      runId: 'r1',
      status: 'CANCELED',
      startTime: new Date(1_900_000_000_005),
      closeTime: new Date(1_900_000_060_000),
      jiraIssueKey: 'KHI-1',
      repository: 'acme/app',
    });
    expect(runInfoFromRaw({ status: 1 })).toMatchObject({ status: 'RUNNING', closeTime: null, jiraIssueKey: null });
  });

  it('quotes visibility query values', () => {
    expect(quoteQueryValue('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});
