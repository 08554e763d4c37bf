/**
 * A per-call AbortSignal linked to a long-lived one. Some clients (the openai SDK) add an abort
 * listener to the signal of every request and never remove it; handed one long-lived signal (a
 * poll's, an agent loop's) they pile listeners up on it until Node warns. Giving each call its own
 * signal, linked to the caller's only while the call runs, keeps the caller's signal clean.
 */

/** A signal of one call and how to unlink it from its parent. */
export interface LinkedAbortSignal {
  signal: AbortSignal;
  /** Unlinks from the parent. Idempotent. */
  dispose(): void;
}

/**
 * A fresh signal that aborts, with the same reason, when `parent` does, until `dispose` unlinks
 * it; undefined without a parent. An already aborted parent gives an aborted signal.
 */
export function linkedAbortSignal(parent: AbortSignal | undefined): LinkedAbortSignal | undefined {
  if (parent === undefined) return undefined;
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', onAbort) };
}
