import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../service/types.js';
import { decideStart } from './rerun-policy.js';

const runStart = new Date('2030-01-02T10:00:00.000Z');
const closed: RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT'];

describe('decideStart', () => {
  it('starts a ticket that never had a run', () => {
    expect(decideStart(null, null)).toEqual({ start: true, reason: 'no_previous_run' });
  });

  it('never starts while a run is open, whatever the ticket did', () => {
    expect(decideStart({ status: 'RUNNING', startTime: runStart }, new Date('2031-01-01'))).toEqual({
      start: false,
      reason: 'run_open',
    });
  });

  it.each(closed)('after a %s run, starts only when the ticket re-entered ready after the run started', (status) => {
    const latest = { status, startTime: runStart };
    expect(decideStart(latest, new Date(runStart.getTime() + 1))).toEqual({ start: true, reason: 're_entered_ready' });
    expect(decideStart(latest, new Date(runStart.getTime() - 1))).toEqual({
      start: false,
      reason: 'not_re_entered_ready',
    });
  });

  it('does not count entering ready in the very millisecond the run started', () => {
    expect(decideStart({ status: 'COMPLETED', startTime: runStart }, runStart).start).toBe(false);
  });

  it('does not start again when the time the ticket entered ready is unknown', () => {
    expect(decideStart({ status: 'FAILED', startTime: runStart }, null)).toEqual({
      start: false,
      reason: 'not_re_entered_ready',
    });
  });
});
