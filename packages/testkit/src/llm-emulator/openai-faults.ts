import type http from 'node:http';
import { FaultInjector, type FaultOutcome, type FaultRule } from '../emulator-support/index.js';
import { errorForStatus } from './openai-error.js';

/**
 * The shared {@link FaultInjector}, speaking OpenAI: a rule with a `status` and no `body` answers
 * OpenAI's error object for that status (e.g. 429 `rate_limit_exceeded`), and a 429 reports its
 * request budget as spent in `x-ratelimit-remaining-requests` (the `x-ratelimit-*` headers are
 * described in https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
 */
export class OpenAiFaultInjector extends FaultInjector {
  /** Adds a rule (see {@link FaultInjector.add}); returns a function that removes it. */
  override add(rule: FaultRule): () => void {
    if (rule.status !== undefined && rule.body === undefined) {
      return super.add({ ...rule, body: errorForStatus(rule.status).toBody() });
    }
    return super.add(rule);
  }

  /** Applies the first matching rule (see {@link FaultInjector.apply}). */
  override async apply(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<FaultOutcome> {
    const writeHead = res.writeHead;
    // The base class writes the fault response itself; adjust the rate-limit header on the way.
    res.writeHead = ((...args: Parameters<typeof writeHead>) => {
      if (args[0] === 429) res.setHeader('x-ratelimit-remaining-requests', '0');
      return writeHead.apply(res, args);
    }) as typeof writeHead;
    try {
      return await super.apply(req, res, path);
    } finally {
      res.writeHead = writeHead;
    }
  }
}
