/**
 * The OpenAPI 3 document, generated from the routes' zod schemas by @fastify/swagger with the
 * zod type provider's transform, and the Swagger UI that shows it at `/docs` (JSON at
 * `/docs/json`).
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Where the UI is served; the document is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';

/**
 * Registers the document generator on `app`. Must be registered before the route plugins so it
 * sees every route (it collects them with an `onRoute` hook).
 */
export function registerOpenApiDocument(app: FastifyInstance): void {
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Khitomer leader API',
        description:
          'Start, inspect, cancel, approve and list Khitomer runs (one Temporal workflow per Jira ticket). ' +
          'When the leader runs with API_TOKEN, every route except GET /health needs ' +
          '`Authorization: Bearer <API_TOKEN>`; errors are `{error: {code, message, details?}}`.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

/** Serves the Swagger UI at {@link DOCS_PREFIX} and the JSON document at `/docs/json`. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
};
