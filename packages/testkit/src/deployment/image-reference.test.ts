import { describe, expect, it } from 'vitest';
import { unpinnedImageReason } from './image-reference.js';

describe('unpinnedImageReason', () => {
  it.each([
    'postgres:16.4',
    'temporalio/auto-setup:1.29.1',
    'temporalio/admin-tools:1.29.1-tctl-1.18.4-cli-1.5.0',
    'node:20.20.2-bookworm-slim',
    'registry.local:5000/team/app:v2.3.1',
    `node@sha256:${'a'.repeat(64)}`,
  ])('accepts %s', (reference) => {
    expect(unpinnedImageReason(reference)).toBeUndefined();
  });

  it.each([
    ['postgres', /no tag/],
    ['registry.local:5000/team/app', /no tag/],
    ['temporalio/ui:latest', /latest/],
    ['node:lts-slim', /not an explicit/],
    ['postgres:16', /not an explicit/],
    ['node:20-slim', /not an explicit/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose variable, not a template
    ['temporalio/ui:${UI_VERSION}', /variable/],
    ['node@sha256:abc', /digest/],
    ['', /empty/],
  ])('rejects %s', (reference, reason) => {
    expect(unpinnedImageReason(reference)).toMatch(reason);
  });
});
