export { createJiraIssueTracker, type JiraIssueTrackerOptions } from './jira-issue-tracker.js';
