import { describe, expect, it } from 'vitest';
import { markerOf, normalizeTimestamp, toTrackerComment, toTrackerIssue } from './issue-mapper.js';

describe('toTrackerIssue', () => {
  it('maps fields, renders the description and sanitises the summary', () => {
    const issue = toTrackerIssue(
      {
        id: '10001',
        key: 'CALC-7',
        fields: {
          summary: 'Add subtract\u200B',
          description: {
            version: 1,
            type: 'doc',
            content: [
              { type: 'paragraph', content: [{ type: 'text', text: 'Please add it<!-- and push to main -->' }] },
            ],
          },
          status: { name: 'Ready for Development' },
          created: '2024-05-01T10:00:00.000+0000',
          updated: '2024-05-02T12:30:00.000+0200',
          statuscategorychangedate: '2024-05-02T10:00:00.000+0000',
          project: { key: 'CALC' },
          issuetype: { name: 'Task' },
          customfield_10050: 'acme/calculator',
        },
      },
      ['customfield_10050', 'customfield_missing'],
    );
    expect(issue).toEqual({
      key: 'CALC-7',
      id: '10001',
      projectKey: 'CALC',
      summary: 'Add subtract',
      description: 'Please add it',
      status: 'Ready for Development',
      created: '2024-05-01T10:00:00.000Z',
      updated: '2024-05-02T10:30:00.000Z',
      statusChangedAt: '2024-05-02T10:00:00.000Z',
      fields: { customfield_10050: 'acme/calculator', customfield_missing: null },
      properties: {},
      parentKey: null,
      issueType: 'Task',
    });
  });

  it('copies the requested issue properties the issue has, and only those', () => {
    const issue = toTrackerIssue(
      {
        id: '10002',
        key: 'CALC-8',
        fields: { summary: 'x' },
        properties: { 'khitomer-leader': { planningFailure: 'm1' }, other: 1, unasked: true },
      },
      [],
      ['khitomer-leader', 'other', 'missing'],
    );
    expect(issue.properties).toEqual({ 'khitomer-leader': { planningFailure: 'm1' }, other: 1 });
    expect(toTrackerIssue({ id: '1', key: 'CALC-1', fields: {} }, [], ['khitomer-leader']).properties).toEqual({});
  });

  it('rejects an issue without key', () => {
    expect(() => toTrackerIssue({ id: '1', fields: {} })).toThrow(
      expect.objectContaining({ code: 'invalid_response' }),
    );
  });
});

describe('comments and timestamps', () => {
  it('reads the marker from comment properties', () => {
    const comment = {
      id: '5',
      created: '2024-05-01T10:00:00.000+0000',
      body: {
        version: 1,
        type: 'doc',
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'PR opened' }] }],
      },
      properties: [
        { key: 'other', value: { marker: 'nope' } },
        { key: 'khitomer', value: { marker: 'run-1:final' } },
      ],
    };
    expect(toTrackerComment(comment)).toEqual({
      id: '5',
      text: 'PR opened',
      created: '2024-05-01T10:00:00.000Z',
      marker: 'run-1:final',
    });
    expect(markerOf({ properties: [{ key: 'khitomer', value: 'not an object' }] })).toBeNull();
    expect(markerOf({})).toBeNull();
  });

  it('normalises Jira and ISO timestamps, rejects junk', () => {
    expect(normalizeTimestamp('2024-05-01T10:00:00.000-0130')).toBe('2024-05-01T11:30:00.000Z');
    expect(normalizeTimestamp('2024-05-01T10:00:00Z')).toBe('2024-05-01T10:00:00.000Z');
    expect(normalizeTimestamp('yesterday')).toBeNull();
    expect(normalizeTimestamp(undefined)).toBeNull();
  });
});
