/**
 * @khitomer/leader — polls Jira, plans tickets and starts `ImplementationWorkflow` runs; serves
 * the REST and gRPC façades over one application service.
 */
export { createLeaderAdapters, type LeaderAdapters } from './adapters.js';
export { type Leader, type LeaderOptions, startLeader } from './leader.js';
export { createPlanner, type Planner, PlanningError } from './planning/planner.js';
export type { Poller, PollResult } from './poller/poller.js';
export type { SkipReason } from './poller/ticket-processor.js';
export { createTemporalWorkflowService } from './service/temporal-workflow-service.js';
export * from './service/types.js';
