/**
 * Server interceptor that requires the metadata `authorization: Bearer <API_TOKEN>` (PRODUCT.md
 * §9) before a call reaches its handler. It guards the leader service and reflection; the
 * standard health service stays open, like REST's `/health`, so probes need no secret.
 */
import {
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
  status,
} from '@grpc/grpc-js';
import { type ApiErrorRecorder, createBearerTokenCheck } from '../api-schemas/index.js';

/** Method paths under this prefix need no token. */
export const PUBLIC_METHOD_PREFIX = '/grpc.health.v1.Health/';

/**
 * Returns the interceptor for `apiToken`: a call without the right bearer token ends with
 * UNAUTHENTICATED before any request message is read (the token is never logged or echoed).
 */
export function createBearerInterceptor(apiToken: string, recordError: ApiErrorRecorder): ServerInterceptor {
  const isAuthorized = createBearerTokenCheck(apiToken);
  return (methodDescriptor, call: ServerInterceptingCallInterface) => {
    if (methodDescriptor.path.startsWith(PUBLIC_METHOD_PREFIX)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start: (next) => {
        const listener = new ServerListenerBuilder()
          .withOnReceiveMetadata((metadata, nextMetadata) => {
            const values = metadata.get('authorization');
            const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
            if (isAuthorized(header)) {
              nextMetadata(metadata);
              return;
            }
            recordError('unauthenticated');
            call.sendStatus({
              code: status.UNAUTHENTICATED,
              details: header === undefined ? 'missing bearer token' : 'invalid bearer token',
            });
          })
          .build();
        next(listener);
      },
    });
  };
}
