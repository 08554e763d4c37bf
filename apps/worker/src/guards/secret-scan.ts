/**
 * Pre-push secret scan (PRODUCT.md §5.1): looks at the ADDED lines of a diff for configured secret
 * values (also base64-encoded), and for well-known token shapes. Shapes are checked twice: with
 * secretlint's recommended preset (`@secretlint/core` + `@secretlint/secretlint-rule-preset-recommend`,
 * maintained rules with exact formats; async but fast — milliseconds per diff) and with our own
 * looser regexes (`secret-patterns.ts`) for the shapes the product names. Findings never contain
 * the secret: at most a masked preview.
 */
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig } from '@secretlint/types';
import { maskSecret, SECRET_PATTERNS, secretValueVariants } from './secret-patterns.js';
import type { DiffFile } from './unified-diff.js';
import { displayPath, parseUnifiedDiff } from './unified-diff.js';

/** One secret found on an added line. */
export interface SecretFinding {
  /** Path of the file in the new tree. */
  file: string;
  /** Line number in the new file (1-based). */
  line: number;
  /** What was found, e.g. `github-token`, `configured-secret`, or a secretlint rule id. */
  kind: string;
  /** Masked preview; never the secret itself. */
  preview: string;
  /** Which check found it. */
  source: 'configured' | 'pattern' | 'secretlint';
}

/** Options of {@link scanForSecrets}. */
export interface ScanForSecretsOptions {
  /** Configured secret values (GITHUB_TOKEN, OPENAI_API_KEY, JIRA_TOKEN, API_TOKEN …); blanks and very short values are ignored. */
  secretValues: readonly string[];
  /** Disable the secretlint pass (our own regexes still run). Default true. */
  useSecretlint?: boolean;
  /** Told when secretlint fails (the regex pass still runs). */
  logger?: { warn(obj: Record<string, unknown>, msg: string): void };
}

/** Configured values shorter than this are not searched (they would match everywhere). */
export const MIN_SECRET_VALUE_LENGTH = 8;

const SECRETLINT_CONFIG: SecretLintCoreConfig = {
  rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }],
};

/** secretlint rule ids mapped to our kinds, so one secret found twice is reported once. */
const SECRETLINT_KINDS: Record<string, string> = {
  '@secretlint/secretlint-rule-github': 'github-token',
  '@secretlint/secretlint-rule-aws': 'aws-access-key',
  '@secretlint/secretlint-rule-openai': 'openai-key',
  '@secretlint/secretlint-rule-slack': 'slack-token',
  '@secretlint/secretlint-rule-privatekey': 'private-key',
};

function scanConfigured(file: DiffFile, variants: readonly string[], out: SecretFinding[]): void {
  for (const added of file.added) {
    if (variants.some((v) => added.text.includes(v))) {
      out.push({
        file: displayPath(file),
        line: added.line,
        kind: 'configured-secret',
        preview: '(a configured secret value)',
        source: 'configured',
      });
    }
  }
}

function scanPatterns(file: DiffFile, out: SecretFinding[]): void {
  for (const added of file.added) {
    for (const { kind, pattern, showPrefix } of SECRET_PATTERNS) {
      pattern.lastIndex = 0;
      const match = pattern.exec(added.text);
      if (match) {
        out.push({
          file: displayPath(file),
          line: added.line,
          kind,
          preview: maskSecret(match[0], showPrefix),
          source: 'pattern',
        });
      }
    }
  }
}

async function scanSecretlint(file: DiffFile, out: SecretFinding[]): Promise<void> {
  if (file.added.length === 0) return;
  const filePath = displayPath(file);
  const extension = /\.[^./]+$/.exec(filePath)?.[0] ?? '';
  const result = await lintSource({
    source: { content: file.added.map((a) => a.text).join('\n'), filePath, ext: extension, contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  for (const message of result.messages) {
    const added = file.added[message.loc.start.line - 1];
    if (added === undefined) continue;
    out.push({
      file: filePath,
      line: added.line,
      kind: SECRETLINT_KINDS[message.ruleId] ?? message.ruleId,
      preview: `(${message.ruleId.replace('@secretlint/secretlint-rule-', '')} match, masked)`,
      source: 'secretlint',
    });
  }
}

/**
 * Scans a unified diff (`git diff` output) for secrets on added lines only.
 * @returns findings sorted by file and line, one per (file, line, kind); empty when clean.
 *   Never throws: if secretlint fails, the regex pass still decides (and `logger.warn` is told).
 *   Pure apart from that; idempotent.
 */
export async function scanForSecrets(diffText: string, options: ScanForSecretsOptions): Promise<SecretFinding[]> {
  const files = parseUnifiedDiff(diffText).filter((f) => !f.binary);
  const variants = [
    ...new Set(
      options.secretValues
        .filter((v) => v.trim().length >= MIN_SECRET_VALUE_LENGTH)
        .flatMap((v) => secretValueVariants(v, MIN_SECRET_VALUE_LENGTH)),
    ),
  ];
  const raw: SecretFinding[] = [];
  for (const file of files) {
    if (variants.length > 0) scanConfigured(file, variants, raw);
    scanPatterns(file, raw);
    if (options.useSecretlint !== false) {
      try {
        await scanSecretlint(file, raw);
      } catch (err) {
        options.logger?.warn(
          { file: displayPath(file), error: err instanceof Error ? err.name : 'error' },
          'secretlint failed; regex scan only',
        );
      }
    }
  }
  const seen = new Set<string>();
  const findings: SecretFinding[] = [];
  for (const finding of raw) {
    const key = `${finding.file}\0${finding.line}\0${finding.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
