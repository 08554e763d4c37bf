/**
 * Finds and loads `proto/leader.proto` (the only source of the gRPC contract) with
 * @grpc/proto-loader. The file is found by walking up from this module, so the same code works
 * from `src/` (tsx, vitest) and from the compiled `dist/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';

/** Fully qualified name of the leader service. */
export const LEADER_SERVICE_NAME = 'khitomer.v1.LeaderService';

/** Where the proto sits relative to the repository (or image) root. */
const PROTO_RELATIVE_PATH = path.join('proto', 'leader.proto');

/**
 * Loader options shared by the server and the tests' clients: field names as written
 * (snake_case), int64 as JS numbers, proto3 defaults filled in for plain fields ("" / 0 /
 * false, exactly what the wire means) while unset `optional` fields stay absent.
 */
export const LEADER_PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: false,
};

/**
 * Absolute path of `proto/leader.proto`: the first one found walking up from `startDir`
 * (default: this module's directory).
 * @throws Error when no ancestor directory holds `proto/leader.proto`.
 */
export function findLeaderProtoPath(startDir: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, PROTO_RELATIVE_PATH);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${PROTO_RELATIVE_PATH} not found above ${startDir}`);
    dir = parent;
  }
}

/** The loaded leader proto. */
export interface LeaderProto {
  /** Every message and service of the file, as proto-loader describes them (for reflection). */
  packageDefinition: PackageDefinition;
  /** `khitomer.v1.LeaderService`, ready for `server.addService` or `makeGenericClientConstructor`. */
  service: ServiceDefinition;
}

/**
 * Loads the leader proto from `protoPath` (default {@link findLeaderProtoPath}).
 * @throws Error when the file is missing or does not parse, or lacks the leader service.
 */
export function loadLeaderProto(protoPath: string = findLeaderProtoPath()): LeaderProto {
  const packageDefinition = loadSync(protoPath, LEADER_PROTO_LOADER_OPTIONS);
  const service = packageDefinition[LEADER_SERVICE_NAME];
  if (service === undefined || !isServiceDefinition(service)) {
    throw new Error(`${protoPath} does not define ${LEADER_SERVICE_NAME}`);
  }
  return { packageDefinition, service };
}

function isServiceDefinition(value: PackageDefinition[string]): value is ServiceDefinition {
  // Message and enum definitions carry a `format` field; service definitions are method maps.
  return !('format' in value);
}
