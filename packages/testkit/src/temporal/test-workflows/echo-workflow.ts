// A trivial workflow used to prove the suite's Temporal dev server works end to end.
import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';

const { shout } = proxyActivities<{ shout(text: string): Promise<string> }>({ startToCloseTimeout: '10s' });

/** Upserts the Khitomer search attributes and echoes its input through one activity. */
export async function echoWorkflow(text: string): Promise<string> {
  upsertSearchAttributes({ JiraIssueKey: ['ECHO-1'], Repository: ['acme/echo'] });
  return shout(text);
}
