/**
 * Everything measured on the generated big repository, done once for the clone (4) and LLM
 * context (6) scenarios: direct clone timings (plain shallow clone through the bare git adapter;
 * first and second clone through the mirror cache, and a warm clone with no spare parked), then two
 * tickets end to end through the real leader and worker with the worker's own adapters (which clone
 * through its cache in WORKSPACE_DIR/.mirrors), with the LLM emulator's records of every prompt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGitWorkspace, createMirrorCache, type MirrorCloneReport } from '@khitomer/integrations';
import { createLogger } from '@khitomer/observability';
import type { ChatRequest } from '@khitomer/testkit/llm';
import { CALCULATOR_TICKET } from '@khitomer/testkit/scenarios';
import { startEmulatorStack } from '@khitomer/testkit/stack';
import { createAdapters } from '@khitomer/worker';
import { type BigRepo, createBigRepo, TAIL_SENTINELS } from '../support/big-repo.js';
import { CleanupStack } from '../support/cleanup-stack.js';
import { startInProcessProduct } from '../support/in-process-product.js';
import { settleDisk } from '../support/settle-disk.js';
import { startScenarioTemporal } from '../support/temporal.js';
import { timed } from '../support/timing.js';
import { bigRepoAgentScenario } from './big-repo-agent.js';
import type { BenchContext } from './scenario.js';

/** Which optional parts to run. */
export interface BigRepoStudyParts {
  /** Direct clone timings through the adapter (scenario 4). */
  adapterClones: boolean;
}

/** Direct clone timings, in milliseconds, one value per repetition. */
export interface CloneSamples {
  /** `createGitWorkspace().clone` (depth 1): the clone without a cache. */
  plainMs: number[];
  /** First clone through an empty cache: builds the mirror (full history), clones locally, checks out. */
  firstMs: number[];
  firstReports: MirrorCloneReport[];
  /**
   * From the end of the first clone until the spare it started in the background was parked (off
   * the critical path: a ticket's agent and tests run meanwhile).
   */
  spareBuildMs: number[];
  /** Second clone through the same cache: fetch (nothing new), take-over of the spare, reset to the tip. */
  secondMs: number[];
  secondReports: MirrorCloneReport[];
  /** A clone with the mirror warm but no spare parked (spares off): fetch, local clone, full checkout. */
  noSpareMs: number[];
  noSpareReports: MirrorCloneReport[];
}

/** What the LLM saw of one ticket. */
export interface TicketPrompts {
  /** Model calls (plan included). */
  calls: number;
  /** Characters of each request's messages, in order. */
  promptChars: number[];
  /** Largest tool result (bytes, UTF-8) in any of the ticket's prompts. */
  maxToolResultBytes: number;
  /** Tail sentinels of the large files found in any prompt (a whole file leaked). */
  leakedSentinels: string[];
  /** Every tool result of the ticket's last prompt: tool, size and first line (evidence for the JSON file). */
  toolResults: { tool: string; bytes: number; firstLine: string }[];
}

/** One end-to-end ticket on the big repository. */
export interface StudyTicket {
  key: string;
  /** Start request → run result. */
  wallMs: number;
  /** The run's `preparing_workspace` stage (host lookup + clone + branch). */
  prepareMs: number;
  tokensUsed: number;
  agentSteps: number;
  prompts: TicketPrompts;
}

/** Result of {@link runBigRepoStudy}. */
export interface BigRepoStudy {
  repo: BigRepo;
  clones: CloneSamples | undefined;
  /** First ticket (cold cache), then second (warm cache). */
  tickets: StudyTicket[];
}

function promptsOf(requests: readonly ChatRequest[]): TicketPrompts {
  let maxToolResultBytes = 0;
  const leaked = new Set<string>();
  const promptChars: number[] = [];
  for (const request of requests) {
    const raw = JSON.stringify(request.body.messages ?? []);
    promptChars.push(raw.length);
    for (const sentinel of TAIL_SENTINELS) if (raw.includes(sentinel)) leaked.add(sentinel);
    for (const message of request.messages) {
      if (message.role === 'tool') {
        maxToolResultBytes = Math.max(maxToolResultBytes, Buffer.byteLength(message.content));
      }
    }
  }
  const toolNames = new Map<string, string>();
  const toolResults: TicketPrompts['toolResults'] = [];
  for (const message of requests.at(-1)?.messages ?? []) {
    if (message.role === 'assistant') for (const call of message.toolCalls) toolNames.set(call.id, call.name);
    if (message.role === 'tool') {
      toolResults.push({
        tool: toolNames.get(message.toolCallId) ?? '?',
        bytes: Buffer.byteLength(message.content),
        firstLine: message.content.split('\n')[0]?.slice(0, 160) ?? '',
      });
    }
  }
  return { calls: requests.length, promptChars, maxToolResultBytes, leakedSentinels: [...leaked], toolResults };
}

async function measureClones(
  ctx: BenchContext,
  token: string,
  cloneUrl: string,
  root: string,
  repetitions: number,
): Promise<CloneSamples> {
  const git = createGitWorkspace({ token });
  const samples: CloneSamples = {
    plainMs: [],
    firstMs: [],
    firstReports: [],
    spareBuildMs: [],
    secondMs: [],
    secondReports: [],
    noSpareMs: [],
    noSpareReports: [],
  };
  for (let r = 0; r <= repetitions; r++) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await settleDisk();
    const dir = path.join(root, `rep-${r}`);
    const cacheDir = path.join(dir, 'cache');
    const cache = createMirrorCache({ token, cacheDir });
    const plain = await timed(() => git.clone({ url: cloneUrl, dir: path.join(dir, 'plain'), branch: 'main' }));
    await settleDisk();
    const first = await timed(() => cache.clone({ url: cloneUrl, dir: path.join(dir, 'first'), branch: 'main' }));
    // "Warm" = what the next ticket finds: the mirror and the spare the first clone started.
    const spare = await timed(() => cache.idle());
    await settleDisk();
    const second = await timed(() => cache.clone({ url: cloneUrl, dir: path.join(dir, 'second'), branch: 'main' }));
    if (!second.result.spareUsed) throw new Error('the second clone did not find the spare');
    await cache.idle();
    await settleDisk();
    const withoutSpare = createMirrorCache({ token, cacheDir, spares: false });
    const noSpare = await timed(() =>
      withoutSpare.clone({ url: cloneUrl, dir: path.join(dir, 'no-spare'), branch: 'main' }),
    );
    // Repetition 0 warms the server side (page cache) and is not counted.
    if (r > 0) {
      samples.plainMs.push(plain.ms);
      samples.firstMs.push(first.ms);
      samples.firstReports.push(first.result);
      samples.spareBuildMs.push(spare.ms);
      samples.secondMs.push(second.ms);
      samples.secondReports.push(second.result);
      samples.noSpareMs.push(noSpare.ms);
      samples.noSpareReports.push(noSpare.result);
    }
    // Clones are kept until the study ends, so no deletion of a 20k-file tree runs between timed steps.
    ctx.log(`clone: ${r === 0 ? 'warm-up' : `repetition ${r}/${repetitions}`} done`);
  }
  return samples;
}

/**
 * Generates the big repository on a fresh emulator stack, measures clones (when asked) and runs two
 * tickets end to end; stops everything it started before returning (also on failure or abort,
 * through `ctx.cleanup`).
 * @throws when generation, a clone or a ticket fails.
 */
export async function runBigRepoStudy(ctx: BenchContext, parts: BigRepoStudyParts): Promise<BigRepoStudy> {
  const cleanup = new CleanupStack();
  ctx.cleanup.defer('big repository study', () => cleanup.runAll());
  try {
    const stack = await startEmulatorStack({ repositories: {} });
    cleanup.defer('emulators', () => stack.close());
    ctx.log('big repo: generating ~20k files and 1000 commits with git fast-import…');
    const repo = await createBigRepo(stack.github, 'acme', 'monorepo');
    ctx.log(`big repo: ${repo.files} files, ${repo.commits} commits in ${(repo.generateMs / 1000).toFixed(1)} s`);

    const scratch = await mkdtemp(path.join(os.tmpdir(), 'khitomer-bench-clone-'));
    cleanup.defer('clone scratch folder', () => rm(scratch, { recursive: true, force: true }));
    const clones = parts.adapterClones
      ? await measureClones(ctx, stack.github.token, repo.cloneUrl, scratch, ctx.quick ? 2 : 5)
      : undefined;

    const temporal = await startScenarioTemporal();
    cleanup.defer('temporal dev server', () => temporal.stop());
    const logger = createLogger({ service: 'bench', level: 'error', destination: process.stderr });
    // The worker's own adapters: its clones go through its cache in WORKSPACE_DIR/.mirrors.
    const adapters = (config: Parameters<typeof createAdapters>[0]) => createAdapters(config, logger);
    const product = await startInProcessProduct({
      stack,
      temporal,
      taskQueue: 'bench-big-repo',
      workflowCode: await ctx.shared.workflowBundle(),
      cleanup,
      adapters,
    });

    const tickets: StudyTicket[] = [];
    for (const order of ['first', 'second']) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await settleDisk();
      const key = stack.jira.seedIssue({
        summary: CALCULATOR_TICKET.summary,
        description: CALCULATOR_TICKET.description,
        status: 'Ready for Development',
        repository: 'acme/monorepo',
      });
      stack.llm.addScenario(key, bigRepoAgentScenario());
      const { result, ms } = await timed(() => product.runTicket(key, { owner: 'acme', name: 'monorepo' }));
      if (!result.finalTests?.passed) throw new Error(`big repo ticket ${key} ended with failing tests`);
      tickets.push({
        key,
        wallMs: ms,
        prepareMs: result.stageTimings.preparing_workspace ?? Number.NaN,
        tokensUsed: result.tokensUsed,
        agentSteps: result.agentSteps,
        prompts: promptsOf(stack.llm.chatRequests.filter((r) => r.ticketKey === key)),
      });
      ctx.log(`big repo: ${order} ticket ${key} done in ${(ms / 1000).toFixed(1)} s`);
    }
    return { repo, clones, tickets };
  } finally {
    const failures = await cleanup.runAll();
    for (const failure of failures) ctx.log(`cleanup problem: ${failure}`);
  }
}
