import { IntegrationError } from '@khitomer/integrations';
import { describe, expect, it } from 'vitest';
import { FakeIssueTracker } from '../testing/fakes.js';
import { createRepositoryFieldResolver, RepositoryFieldNotFoundError } from './repository-field.js';

describe('createRepositoryFieldResolver', () => {
  it('uses a literal customfield id without asking Jira', async () => {
    const jira = new FakeIssueTracker();
    const field = await createRepositoryFieldResolver(jira, 'customfield_12345').resolve();
    expect(field).toEqual({ id: 'customfield_12345', name: 'customfield_12345' });
    expect(jira.countCalls('listFields')).toBe(0);
  });

  it('resolves a name once (case-insensitive, custom fields first) and caches it', async () => {
    const jira = new FakeIssueTracker();
    jira.fields = [
      { id: 'repository', name: 'Repository', custom: false },
      { id: 'customfield_10050', name: 'Repository', custom: true },
    ];
    const resolver = createRepositoryFieldResolver(jira, 'repository');
    const [a, b] = await Promise.all([resolver.resolve(), resolver.resolve()]);
    await resolver.resolve();
    expect(a).toEqual({ id: 'customfield_10050', name: 'Repository' });
    expect(b).toEqual(a);
    expect(jira.countCalls('listFields')).toBe(1);
  });

  it('does not cache failures: a Jira outage or a missing field is retried on the next call', async () => {
    const jira = new FakeIssueTracker();
    jira.failNext('listFields', new IntegrationError('unavailable', 'down', { status: 503, system: 'jira' }));
    const resolver = createRepositoryFieldResolver(jira, 'Repo URL');
    await expect(resolver.resolve()).rejects.toMatchObject({ code: 'unavailable' });
    await expect(resolver.resolve()).rejects.toBeInstanceOf(RepositoryFieldNotFoundError);
    jira.fields.push({ id: 'customfield_2', name: 'Repo URL', custom: true });
    await expect(resolver.resolve()).resolves.toEqual({ id: 'customfield_2', name: 'Repo URL' });
    expect(jira.countCalls('listFields')).toBe(3);
  });
});
