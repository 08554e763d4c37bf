import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { MIRROR_CACHE_DIR_NAME, mirrorCacheDirFor, workspaceDirFor } from './workspace-path.js';

describe('workspaceDirFor', () => {
  it('gives one folder per run and attempt directly below the root', () => {
    const dir = workspaceDirFor('/ws', { workflowId: 'khitomer-KHI-1', runId: 'abc-123', attempt: 2 });
    expect(dir).toBe('/ws/khitomer-KHI-1--abc-123--a2');
    expect(workspaceDirFor('/ws', { workflowId: 'khitomer-KHI-1', runId: 'abc-123', attempt: 3 })).not.toBe(dir);
  });

  it('cannot be steered out of the root', () => {
    for (const workflowId of ['../../etc', '/etc/passwd', 'a/../../b', '..']) {
      const dir = workspaceDirFor('/ws', { workflowId, runId: '..', attempt: 1 });
      expect(path.dirname(dir)).toBe('/ws');
    }
  });

  it('rejects malformed keys as non-retryable InvalidInput', () => {
    expect(() => workspaceDirFor('/ws', { workflowId: '', runId: 'r', attempt: 1 })).toThrow(ApplicationFailure);
    expect(() => workspaceDirFor('/ws', { workflowId: 'w', runId: 'r', attempt: 0 })).toThrow(/invalid workspace key/);
  });

  it('never names a workspace like the clone cache folder next to it', () => {
    expect(mirrorCacheDirFor('/ws/')).toBe(`/ws/${MIRROR_CACHE_DIR_NAME}`);
    for (const workflowId of ['.mirrors', '.', '..', '.mirrors--x']) {
      for (const runId of ['.mirrors', 'r']) {
        const dir = workspaceDirFor('/ws', { workflowId, runId, attempt: 1 });
        expect(dir).not.toBe(mirrorCacheDirFor('/ws'));
        expect(path.basename(dir)).toMatch(/--a1$/);
      }
    }
  });
});
