/** Things several scenarios need, created on first use and shared. */
import { createLogger } from '@khitomer/observability';
import { bundleImplementationWorkflows } from '@khitomer/worker';
import { type BigRepoStudy, type BigRepoStudyParts, runBigRepoStudy } from './big-repo-study.js';
import type { BenchContext } from './scenario.js';

/** Lazily created, memoised resources. */
export class SharedResources {
  private bundle: Promise<string> | undefined;
  private study: Promise<BigRepoStudy> | undefined;

  /** @param studyParts - which parts of the big-repository study the selected scenarios need. */
  constructor(private readonly studyParts: BigRepoStudyParts) {}

  /** The workflow bundle's code, bundled once (webpack, a few seconds). @throws when bundling fails. */
  workflowBundle(): Promise<string> {
    this.bundle ??= bundleImplementationWorkflows(
      createLogger({ service: 'bench', level: 'error', destination: process.stderr }),
    ).then((b) => b.code);
    return this.bundle;
  }

  /**
   * The big-repository study (clone measurements and two end-to-end tickets), run once for the
   * clone and LLM scenarios; its servers are stopped when it is done.
   * @throws when the study fails.
   */
  bigRepoStudy(ctx: BenchContext): Promise<BigRepoStudy> {
    this.study ??= runBigRepoStudy(ctx, this.studyParts);
    return this.study;
  }
}
