/**
 * Turns schema issues into the words both façades answer with: one problem per field, each
 * naming the field ("repository_name must not be empty", "colour is not a known field").
 */

/** The parts of a zod issue this module reads (zod issues fit as they are). */
export interface IssueLike {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Set on `unrecognized_keys` issues. */
  readonly keys?: readonly string[];
}

/** One bad field. */
export interface FieldProblem {
  /** Dotted path of the field, or the name of the whole input when the input itself is wrong. */
  field: string;
  /** What is wrong, phrased to follow the field name. */
  problem: string;
}

/** All problems of one input, and a one-line message listing them. */
export interface ValidationReport {
  message: string;
  problems: FieldProblem[];
}

function fieldName(path: readonly PropertyKey[], root: string): string {
  return path.length === 0 ? root : path.map((part) => String(part)).join('.');
}

/**
 * Describes schema issues field by field; only the first problem of a field is kept (an empty
 * string also fails its pattern, which would say nothing new). `root` names the input itself,
 * e.g. `body` or `request`. Pure; never throws.
 */
export function describeIssues(issues: readonly IssueLike[], root: string): ValidationReport {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const add = (field: string, problem: string): void => {
    if (seen.has(field)) return;
    seen.add(field);
    problems.push({ field, problem });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) add(fieldName([...issue.path, key], root), 'is not a known field');
    } else {
      add(fieldName(issue.path, root), issue.message);
    }
  }
  if (problems.length === 0) problems.push({ field: root, problem: 'is invalid' });
  return { message: problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems };
}
