/**
 * Bytes that are not a valid protobuf message are bad input, not a server fault: grpc-js would
 * answer INTERNAL when a request fails to decode, so the decoder is wrapped to hand the handler a
 * marker instead, which it answers with INVALID_ARGUMENT.
 */
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';

/** Stands in for a request whose bytes did not decode. */
export class UndecodableRequest {
  /** Message type that was expected, e.g. `StartWorkflowRequest`. */
  readonly typeName: string;
  constructor(typeName: string) {
    this.typeName = typeName;
  }
}

function tolerant(method: MethodDefinition<object, object>): MethodDefinition<object, object> {
  // `type` is the message's DescriptorProto; its `name` is the short type name.
  const descriptorName = (method.requestType.type as { name?: unknown }).name;
  const typeName = typeof descriptorName === 'string' ? descriptorName : 'request';
  return {
    ...method,
    requestDeserialize: (bytes: Buffer) => {
      try {
        return method.requestDeserialize(bytes);
      } catch {
        return new UndecodableRequest(typeName);
      }
    },
  };
}

/** A copy of `service` whose request decoders never throw (see {@link UndecodableRequest}). Pure. */
export function withTolerantDecoding(service: ServiceDefinition): ServiceDefinition {
  const copy: ServiceDefinition = {};
  for (const [name, method] of Object.entries(service)) copy[name] = tolerant(method);
  return copy;
}
