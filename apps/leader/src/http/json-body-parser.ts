/**
 * JSON body parsing: Fastify's own parser (secure-json-parse; `__proto__` and `constructor`
 * keys are errors), except that an empty body counts as no body. Many clients send
 * `content-type: application/json` on every request, also a bodiless DELETE or approve; those
 * must not fail, while a route that needs a body still says "body is required".
 */
import type { FastifyInstance } from 'fastify';

/** Replaces the `application/json` parser of `app` (and of every plugin registered after). */
export function installJsonBodyParser(app: FastifyInstance): void {
  const strictParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    // Fastify's parser is callback-style (it returns nothing); `void` states that.
    void strictParser(request, text, done);
  });
}
