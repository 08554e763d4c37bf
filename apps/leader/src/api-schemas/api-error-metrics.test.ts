import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { API_ERRORS_METRIC, createApiErrorRecorder } from './api-error-metrics.js';

describe('createApiErrorRecorder', () => {
  it('shares one counter between both façades on one registry', async () => {
    const registry = new Registry();
    createApiErrorRecorder(registry, 'rest')('not_found');
    createApiErrorRecorder(registry, 'grpc')('not_found');
    createApiErrorRecorder(registry, 'grpc')('internal');
    const text = await registry.metrics();
    expect(text).toContain(`${API_ERRORS_METRIC}{api="rest",code="not_found"} 1`);
    expect(text).toContain(`${API_ERRORS_METRIC}{api="grpc",code="not_found"} 1`);
    expect(text).toContain(`${API_ERRORS_METRIC}{api="grpc",code="internal"} 1`);
  });

  it('does nothing without a registry', () => {
    expect(() => createApiErrorRecorder(undefined, 'rest')('internal')).not.toThrow();
  });
});
