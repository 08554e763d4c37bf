import { unpinnedImageReason } from './image-reference.js';

/** One Dockerfile instruction with its continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  arguments: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

/** A build stage: its FROM and the instructions up to the next FROM. */
export interface DockerStage {
  /** The base: an image reference or the name of an earlier stage. */
  base: string;
  /** The `AS` name, if any. */
  name: string | undefined;
  instructions: DockerInstruction[];
}

/** What `checkDockerfile` requires beyond the rules every Khitomer image follows. */
export interface DockerfileCheckOptions {
  /** The workspace package that is deployed, e.g. `@khitomer/leader`. */
  deployedPackage: string;
  /** Packages the final stage installs with apt-get/apk, e.g. `git`. */
  requiredPackages?: readonly string[];
  /** Repository files the final stage copies in, e.g. `proto/leader.proto`. */
  requiredFiles?: readonly string[];
}

/** Names that hold secrets: they must not be baked into an image with ENV or ARG. */
const SECRET_NAME = /(TOKEN|_KEY|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i;

/**
 * Splits a Dockerfile into instructions: comment and blank lines dropped (also inside
 * continuations), lines ending in `\` joined. Heredocs and a changed `# escape=` directive are
 * not supported (Khitomer's Dockerfiles use neither). Pure; never throws.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const continues = trimmed.endsWith('\\');
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending) pending.parts.push(body);
    else pending = { parts: [body], line: index + 1 };
    if (continues) return;
    const joined = pending.parts.filter((p) => p !== '').join(' ');
    const match = /^(\S+)\s*(.*)$/s.exec(joined);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), arguments: match[2]!, line: pending.line });
    pending = undefined;
  });
  if (pending) {
    const joined = pending.parts.join(' ');
    const match = /^(\S+)\s*(.*)$/s.exec(joined);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), arguments: match[2]!, line: pending.line });
  }
  return instructions;
}

/** Groups instructions into build stages; instructions before the first FROM (ARG) are dropped. Pure. */
export function splitStages(instructions: readonly DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.arguments.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        base: words[0] ?? '',
        name: asIndex === -1 ? undefined : words[asIndex + 1],
        instructions: [],
      });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Variable names declared by an ENV or ARG instruction (`A=1 B=2`, legacy `A 1`, `ARG A`). */
function declaredNames(instruction: DockerInstruction): string[] {
  const args = instruction.arguments.trim();
  if (instruction.keyword === 'ENV' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    return [args.split(/\s+/)[0] ?? ''];
  }
  return [...args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)(?==|\s|$)/g)].map((m) => m[1]!);
}

function isExecForm(args: string): boolean {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
  } catch {
    return false;
  }
}

function installsPackage(run: string, pkg: string): boolean {
  if (!/\b(apt-get|apt|apk)\s+(?:[^&|;]*\s)?(install|add)\b/.test(run)) return false;
  return new RegExp(`(^|\\s)${pkg.replace(/[.+]/g, '\\$&')}(=\\S*)?(\\s|$)`).test(run);
}

/**
 * Every problem of `text` as a Khitomer Dockerfile; an empty list means it passes:
 * multi-stage (≥ 2 FROM), every base image pinned (earlier stages excepted), a `pnpm deploy
 * --prod` of `deployedPackage` in a build stage, a non-root USER, a HEALTHCHECK and an exec-form
 * CMD in the final stage, no ENV/ARG named like a secret, and the required packages and files.
 * Pure; never throws.
 */
export function checkDockerfile(text: string, options: DockerfileCheckOptions): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const stages = splitStages(instructions);
  if (stages.length < 2) problems.push(`is not multi-stage: ${stages.length} FROM`);

  const stageNames = new Set<string>();
  for (const stage of stages) {
    if (!stageNames.has(stage.base)) {
      const reason = unpinnedImageReason(stage.base);
      if (reason) problems.push(`base image ${stage.base} ${reason}`);
    }
    if (stage.name) stageNames.add(stage.name);
  }

  for (const instruction of instructions) {
    if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
    for (const name of declaredNames(instruction)) {
      if (SECRET_NAME.test(name)) {
        problems.push(`line ${instruction.line}: ${instruction.keyword} ${name} bakes a secret into the image`);
      }
    }
  }

  const buildRuns = stages
    .slice(0, -1)
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'RUN');
  const deploys = buildRuns.some(
    (i) =>
      /\bpnpm\b.*\bdeploy\b/.test(i.arguments) &&
      /(^|\s)(--prod|-P)(\s|$)/.test(i.arguments) &&
      i.arguments.includes(options.deployedPackage),
  );
  if (!deploys) problems.push(`no build stage runs pnpm deploy --prod of ${options.deployedPackage}`);

  const final = stages[stages.length - 1];
  if (!final) return problems;
  const finalOf = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);

  const user = finalOf('USER').at(-1);
  if (!user) problems.push('final stage has no USER, so it runs as root');
  else if (/^(root|0)(:.*)?$/.test(user.arguments.trim())) problems.push(`final stage runs as ${user.arguments}`);

  const healthcheck = finalOf('HEALTHCHECK').at(-1);
  if (!healthcheck || /^NONE\b/i.test(healthcheck.arguments.trim()) || !/\bCMD\b/.test(healthcheck.arguments)) {
    problems.push('final stage has no HEALTHCHECK … CMD');
  }

  const cmd = finalOf('CMD').at(-1);
  if (!cmd) problems.push('final stage has no CMD');
  else if (!isExecForm(cmd.arguments)) problems.push('final stage CMD is not in exec (JSON array) form');

  const finalRuns = finalOf('RUN').map((i) => i.arguments);
  for (const pkg of options.requiredPackages ?? []) {
    if (!finalRuns.some((run) => installsPackage(run, pkg))) problems.push(`final stage does not install ${pkg}`);
  }
  const copies = [...finalOf('COPY'), ...finalOf('ADD')].map((i) => i.arguments);
  for (const file of options.requiredFiles ?? []) {
    if (!copies.some((args) => args.split(/\s+/).some((word) => word === file || word.endsWith(`/${file}`)))) {
      problems.push(`final stage does not copy ${file}`);
    }
  }
  return problems;
}
