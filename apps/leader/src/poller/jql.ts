/**
 * JQL the poller runs (PRODUCT.md §4.1). Values are always quoted so project keys and status
 * names with spaces or reserved words work.
 */

/** A JQL string literal: double quotes, `"` and `\` escaped. Pure. */
export function jqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `project = "<KEY>" AND status = "<STATUS>" ORDER BY created ASC`: the tickets of one project
 * in one status, oldest first. Pure.
 */
export function ticketsInStatusJql(projectKey: string, status: string): string {
  return `project = ${jqlString(projectKey)} AND status = ${jqlString(status)} ORDER BY created ASC`;
}
