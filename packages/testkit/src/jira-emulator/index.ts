/**
 * Jira Cloud REST v3 emulator for tests and the demo (`@khitomer/testkit/jira`).
 * Drive it with the real jira.js `Version3Client`; control it through the returned object or
 * over HTTP under `/_emulator/*`.
 */
export { adfToPlainText, isAdfDocument, plainTextToAdf, validateAdfDocument } from './adf.js';
export { startJiraEmulator } from './emulator.js';
export { JqlError } from './jql-lexer.js';
export { type JqlClause, type JqlOperator, type JqlQuery, parseJql } from './jql-parser.js';
export type {
  AdfDocument,
  AdfNode,
  AppliedTransition,
  CustomFieldDef,
  EmulatedChange,
  EmulatedChangeItem,
  EmulatedComment,
  EmulatedIssue,
  EmulatedRemoteLink,
  JiraEmulator,
  JiraEmulatorOptions,
  ProjectDef,
  RemoteLinkObject,
  SeedIssueInput,
  StatusCategoryKey,
  StatusDef,
  TransitionDef,
} from './types.js';
