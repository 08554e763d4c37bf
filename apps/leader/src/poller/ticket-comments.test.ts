import { describe, expect, it } from 'vitest';
import {
  LEADER_MARKER_PREFIX,
  plainTextToAdf,
  planningFailureComment,
  planningFailureMarker,
  repositoryProblemComment,
  repositoryProblemMarker,
} from './ticket-comments.js';

const subject = {
  kind: 'invalid' as const,
  fieldId: 'customfield_10050',
  rawValue: 'not a repo',
  readyEnteredAt: '2030-01-01T00:00:00.000Z',
};

describe('repositoryProblemMarker', () => {
  it('is stable for the same field value and ready time (one comment across polls and leaders)', () => {
    expect(repositoryProblemMarker(subject)).toBe(repositoryProblemMarker({ ...subject }));
    expect(repositoryProblemMarker(subject)).toMatch(
      new RegExp(`^${LEADER_MARKER_PREFIX}:repository:invalid:[0-9a-f]{24}$`),
    );
  });

  it('changes when the ticket changed: another value, re-entering ready, another problem', () => {
    const base = repositoryProblemMarker(subject);
    expect(repositoryProblemMarker({ ...subject, rawValue: 'still/not a repo' })).not.toBe(base);
    expect(repositoryProblemMarker({ ...subject, readyEnteredAt: '2030-01-05T00:00:00.000Z' })).not.toBe(base);
    expect(repositoryProblemMarker({ ...subject, kind: 'not_found' })).not.toBe(base);
    expect(repositoryProblemMarker({ ...subject, rawValue: null })).not.toBe(
      repositoryProblemMarker({ ...subject, rawValue: '' }),
    );
  });
});

describe('planningFailureMarker', () => {
  const planning = {
    code: 'invalid_plan',
    summary: 'S',
    description: 'D',
    repository: { owner: 'acme', name: 'app' },
    baseBranch: undefined,
    readyEnteredAt: null,
  };
  it('is keyed by the ticket text, repository and error code', () => {
    const base = planningFailureMarker(planning);
    expect(planningFailureMarker({ ...planning })).toBe(base);
    expect(planningFailureMarker({ ...planning, description: 'D2' })).not.toBe(base);
    expect(planningFailureMarker({ ...planning, code: 'llm_rejected' })).not.toBe(base);
    expect(planningFailureMarker({ ...planning, baseBranch: 'dev' })).not.toBe(base);
  });
});

describe('comment bodies', () => {
  it('a repository problem names the field, quotes the value and gives a good example, as ADF', () => {
    const doc = repositoryProblemComment('Repository', 'not a repo', 'It has spaces.');
    expect(doc.type).toBe('doc');
    const text = JSON.stringify(doc);
    expect(text).toContain('\\"Repository\\" field');
    expect(text).toContain('not a repo');
    expect(text).toContain('acme/payments');
    expect(doc.content.every((n) => n.type === 'paragraph' && (n.content?.length ?? 0) > 0)).toBe(true);
  });

  it('a planning failure says why and whether Khitomer retries by itself', () => {
    expect(JSON.stringify(planningFailureComment('The model said no.', false))).toContain('will not try this version');
    expect(JSON.stringify(planningFailureComment('The model said no.', true))).toContain('will try again');
  });

  it('plainTextToAdf keeps single line breaks as hard breaks and drops empty paragraphs', () => {
    const doc = plainTextToAdf('a\nb\n\n\n\nc');
    expect(doc.content).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'c' }] },
    ]);
  });
});
