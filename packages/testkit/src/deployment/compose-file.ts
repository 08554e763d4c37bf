import { parse } from 'yaml';
import { unpinnedImageReason } from './image-reference.js';

/** A `depends_on` entry; `condition` is undefined in the short (list) form. */
export interface ComposeDependency {
  service: string;
  condition: string | undefined;
}

/** A `ports` entry: the container port and, when fixed, the host port it is published on. */
export interface ComposePort {
  target: string;
  published: string | undefined;
}

/** The parts of one compose service that the checks look at, normalised from either syntax. */
export interface ComposeService {
  name: string;
  image: string | undefined;
  hasBuild: boolean;
  containerName: string | undefined;
  /** `environment` keys with their values (undefined for pass-through `- NAME` entries). */
  environment: Map<string, string | undefined>;
  envFiles: string[];
  ports: ComposePort[];
  dependsOn: ComposeDependency[];
  /** A `healthcheck` with a test that is not disabled. */
  hasHealthcheck: boolean;
  restart: string | undefined;
  /** `entrypoint` and `command` joined into one text, for searching. */
  commandText: string;
}

/** A parsed compose file: its services by name. */
export interface ComposeFile {
  services: Map<string, ComposeService>;
}

/** What `checkComposeFile` checks the file against. */
export interface ComposeCheckOptions {
  /** Variable names the apps accept: the config schema's keys plus documented extras. */
  knownVariables: ReadonlySet<string>;
  /** Services running Khitomer (built from this repo): env names checked, `.env` required. */
  appServices: readonly string[];
  /** Services that must scale with `--scale`: no container_name, no fixed host port. */
  scaledServices: readonly string[];
  /** Keyword search attributes a one-shot service must register before the apps start. */
  searchAttributes: readonly string[];
  /** Container ports that must be published to the host, by service. */
  publishedPorts: Readonly<Record<string, readonly number[]>>;
}

/**
 * Variables that compose may set on the apps although the config schema does not read them,
 * each with the reason. Anything else in an app's `environment` is a typo or a stale name.
 */
export const DOCUMENTED_EXTRA_VARIABLES: Readonly<Record<string, string>> = {
  NODE_ENV: 'read by Node.js libraries, not by Khitomer',
  NODE_OPTIONS: 'Node.js runtime flags such as --max-old-space-size',
};

/** The options for Khitomer's own docker-compose.yml, given the config schema's variable names. */
export function khitomerComposeOptions(schemaVariables: Iterable<string>): ComposeCheckOptions {
  return {
    knownVariables: new Set([...schemaVariables, ...Object.keys(DOCUMENTED_EXTRA_VARIABLES)]),
    appServices: ['leader', 'worker'],
    scaledServices: ['worker'],
    searchAttributes: ['JiraIssueKey', 'Repository'],
    publishedPorts: { leader: [8080, 9090] },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function parseEnvironment(value: unknown): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  if (Array.isArray(value)) {
    for (const entry of value) {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq === -1) env.set(text.trim(), undefined);
      else env.set(text.slice(0, eq).trim(), text.slice(eq + 1));
    }
  } else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) env.set(key, scalarText(v));
  }
  return env;
}

function parseEnvFiles(value: unknown): string[] {
  const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return entries.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    if (isRecord(entry) && typeof entry.path === 'string') return [entry.path];
    return [];
  });
}

function parsePort(entry: unknown): ComposePort {
  if (isRecord(entry)) {
    return { target: String(entry.target ?? ''), published: scalarText(entry.published) };
  }
  // "[host_ip:][published:]target[/protocol]"
  const parts = String(entry)
    .replace(/\/\w+$/, '')
    .split(':');
  const target = parts[parts.length - 1] ?? '';
  const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { target, published: published === '' ? undefined : published };
}

function parseDependsOn(value: unknown): ComposeDependency[] {
  if (Array.isArray(value)) return value.map((service) => ({ service: String(service), condition: undefined }));
  if (isRecord(value)) {
    return Object.entries(value).map(([service, spec]) => ({
      service,
      condition: isRecord(spec) && typeof spec.condition === 'string' ? spec.condition : undefined,
    }));
  }
  return [];
}

function commandText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(' ');
  return scalarText(value) ?? '';
}

function hasActiveHealthcheck(value: unknown): boolean {
  if (!isRecord(value) || value.disable === true) return false;
  const test = value.test;
  if (Array.isArray(test)) return test.length > 0 && test[0] !== 'NONE';
  return typeof test === 'string' && test.trim() !== '';
}

/**
 * Parses compose YAML into the normalised view the checks use. Both the short and the long
 * syntax of `environment`, `env_file`, `ports` and `depends_on` are understood.
 *
 * Throws `Error` when the text is not valid YAML or has no `services` mapping. Pure.
 */
export function parseComposeFile(text: string): ComposeFile {
  const document: unknown = parse(text);
  if (!isRecord(document) || !isRecord(document.services)) {
    throw new Error('compose file has no "services" mapping');
  }
  const services = new Map<string, ComposeService>();
  for (const [name, raw] of Object.entries(document.services)) {
    const spec = isRecord(raw) ? raw : {};
    services.set(name, {
      name,
      image: scalarText(spec.image),
      hasBuild: spec.build !== undefined,
      containerName: scalarText(spec.container_name),
      environment: parseEnvironment(spec.environment),
      envFiles: parseEnvFiles(spec.env_file),
      ports: Array.isArray(spec.ports) ? spec.ports.map(parsePort) : [],
      dependsOn: parseDependsOn(spec.depends_on),
      hasHealthcheck: hasActiveHealthcheck(spec.healthcheck),
      restart: scalarText(spec.restart),
      commandText: `${commandText(spec.entrypoint)} ${commandText(spec.command)}`.trim(),
    });
  }
  return { services };
}

/**
 * Names set in the `environment` of `serviceNames` that are not in `knownVariables` (e.g. a
 * typo such as `JIRA_TOKN`, which the app would silently ignore). A missing service is reported
 * too. Pure.
 */
export function findUnknownEnvironmentNames(
  compose: ComposeFile,
  serviceNames: readonly string[],
  knownVariables: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const name of serviceNames) {
    const service = compose.services.get(name);
    if (!service) {
      problems.push(`service "${name}" is missing`);
      continue;
    }
    for (const key of service.environment.keys()) {
      if (!knownVariables.has(key)) {
        problems.push(`service "${name}" sets ${key}, which is not a configuration variable`);
      }
    }
  }
  return problems;
}

/** Services whose `image` is not pinned to an explicit version (see `unpinnedImageReason`). Pure. */
export function findUnpinnedImages(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const service of compose.services.values()) {
    if (service.image === undefined) {
      if (!service.hasBuild) problems.push(`service "${service.name}" has neither image nor build`);
      continue;
    }
    // An image next to `build` only names the local build result.
    if (service.hasBuild) continue;
    const reason = unpinnedImageReason(service.image);
    if (reason) problems.push(`service "${service.name}" image ${service.image} ${reason}`);
  }
  return problems;
}

/**
 * What stops `docker compose up --scale <service>=N` for `serviceNames`: a `container_name`
 * (names must be unique) or a fixed host port (only one replica can bind it). Pure.
 */
export function findScalingBlockers(compose: ComposeFile, serviceNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of serviceNames) {
    const service = compose.services.get(name);
    if (!service) {
      problems.push(`service "${name}" is missing`);
      continue;
    }
    if (service.containerName !== undefined) {
      problems.push(`service "${name}" has container_name ${service.containerName}, so it cannot be scaled`);
    }
    for (const port of service.ports) {
      if (port.published !== undefined) {
        problems.push(`service "${name}" publishes host port ${port.published}, so it cannot be scaled`);
      }
    }
  }
  return problems;
}

const ORDERING_CONDITIONS = new Set(['service_healthy', 'service_completed_successfully']);
const LONG_RUNNING_RESTARTS = new Set(['always', 'unless-stopped']);

/**
 * Start-up order problems: a `depends_on` entry without a `service_healthy` /
 * `service_completed_successfully` condition, on an unknown service, on a service with no
 * health check (unless it is built here, where the Dockerfile's HEALTHCHECK applies), or waiting
 * for completion of a service that restarts forever. Pure.
 */
export function findStartupOrderProblems(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const service of compose.services.values()) {
    for (const dependency of service.dependsOn) {
      const label = `service "${service.name}" depends on "${dependency.service}"`;
      const target = compose.services.get(dependency.service);
      if (!target) {
        problems.push(`${label}, which does not exist`);
        continue;
      }
      if (dependency.condition === undefined || !ORDERING_CONDITIONS.has(dependency.condition)) {
        problems.push(`${label} without a service_healthy or service_completed_successfully condition`);
        continue;
      }
      if (dependency.condition === 'service_healthy' && !target.hasHealthcheck && !target.hasBuild) {
        problems.push(`${label} being healthy, but "${dependency.service}" has no healthcheck`);
      }
      if (
        dependency.condition === 'service_completed_successfully' &&
        LONG_RUNNING_RESTARTS.has(target.restart ?? '')
      ) {
        problems.push(`${label} completing, but "${dependency.service}" restarts ${target.restart}`);
      }
    }
  }
  return problems;
}

/**
 * Checks that one service registers every name of `attributes` as a Keyword search attribute
 * (`temporal operator search-attribute create … --type Keyword`) and that every app service waits
 * for it with `service_completed_successfully`. Pure.
 */
export function findSearchAttributeProblems(
  compose: ComposeFile,
  attributes: readonly string[],
  appServices: readonly string[],
): string[] {
  const registrars = [...compose.services.values()].filter((s) => /search-attribute\s+create\b/.test(s.commandText));
  if (registrars.length === 0) {
    return ['no service runs "temporal operator search-attribute create"'];
  }
  const problems: string[] = [];
  const text = registrars.map((s) => s.commandText).join('\n');
  if (!/--type\s+Keyword\b/.test(text)) problems.push('search attributes are not created with --type Keyword');
  for (const attribute of attributes) {
    if (!new RegExp(`(^|[^A-Za-z0-9_])${attribute}([^A-Za-z0-9_]|$)`).test(text)) {
      problems.push(`search attribute ${attribute} is not registered`);
    }
  }
  const registrarNames = new Set(registrars.map((s) => s.name));
  for (const name of appServices) {
    const service = compose.services.get(name);
    if (!service) continue; // reported by the environment check
    const waits = service.dependsOn.some(
      (d) => registrarNames.has(d.service) && d.condition === 'service_completed_successfully',
    );
    if (!waits) {
      problems.push(
        `service "${name}" does not wait (service_completed_successfully) for ${[...registrarNames].join(', ')}`,
      );
    }
  }
  return problems;
}

/**
 * App service wiring: reads `.env` through `env_file`, and a `TEMPORAL_ADDRESS` it sets names a
 * service of this file. Pure.
 */
export function findAppServiceProblems(compose: ComposeFile, appServices: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of appServices) {
    const service = compose.services.get(name);
    if (!service) continue; // reported by the environment check
    if (!service.envFiles.some((file) => file === '.env' || file === './.env')) {
      problems.push(`service "${name}" does not read .env (env_file)`);
    }
    if (!service.hasBuild) problems.push(`service "${name}" is not built from this repository`);
    const address = service.environment.get('TEMPORAL_ADDRESS');
    if (address !== undefined) {
      const host = address.replace(/:\d+$/, '');
      if (!compose.services.has(host)) {
        problems.push(`service "${name}" TEMPORAL_ADDRESS ${address} does not name a service of this file`);
      }
    }
  }
  return problems;
}

/** Container ports of `required` that are not published to the host. Pure. */
export function findMissingPublishedPorts(
  compose: ComposeFile,
  required: Readonly<Record<string, readonly number[]>>,
): string[] {
  const problems: string[] = [];
  for (const [name, ports] of Object.entries(required)) {
    const service = compose.services.get(name);
    if (!service) continue; // reported by the environment check
    for (const port of ports) {
      if (!service.ports.some((p) => p.target === String(port) && p.published !== undefined)) {
        problems.push(`service "${name}" does not publish container port ${port}`);
      }
    }
  }
  return problems;
}

/**
 * Every problem of `text` as a compose file for Khitomer: an empty list means it passes. An
 * unparseable file is reported as a problem rather than thrown. Pure.
 */
export function checkComposeFile(text: string, options: ComposeCheckOptions): string[] {
  let compose: ComposeFile;
  try {
    compose = parseComposeFile(text);
  } catch (err) {
    return [`compose file does not parse: ${err instanceof Error ? err.message : String(err)}`];
  }
  return [
    ...findUnknownEnvironmentNames(compose, options.appServices, options.knownVariables),
    ...findAppServiceProblems(compose, options.appServices),
    ...findUnpinnedImages(compose),
    ...findScalingBlockers(compose, options.scaledServices),
    ...findStartupOrderProblems(compose),
    ...findSearchAttributeProblems(compose, options.searchAttributes, options.appServices),
    ...findMissingPublishedPorts(compose, options.publishedPorts),
  ];
}
