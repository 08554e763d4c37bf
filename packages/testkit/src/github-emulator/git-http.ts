import { type ChildProcess, spawn } from 'node:child_process';
import type http from 'node:http';
import { splitCgiOutput } from './cgi-response.js';
import { isolatedGitEnv } from './git-cli.js';

/** One smart-HTTP request to hand to `git http-backend`. */
export interface GitHttpRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Folder that holds `<owner>/<name>.git`. */
  projectRoot: string;
  /** `/<owner>/<name>.git/<rest>`, with the names as stored on disk. */
  pathInfo: string;
  /** Raw query string without `?`. */
  queryString: string;
  /** Recorded as REMOTE_USER (git logs it in reflogs of pushes). */
  remoteUser: string;
  /** Running backends, so the emulator can kill them when it closes. */
  children: Set<ChildProcess>;
}

/**
 * Serves one request with `git http-backend` as a CGI program (see
 * https://git-scm.com/docs/git-http-backend): request body streamed to its stdin, its output
 * parsed for CGI headers (including `Status:`) and streamed back. Resolves when the response is
 * finished or the client went away; answers 502 when the backend dies before sending headers.
 */
export function serveGitHttp(request: GitHttpRequest): Promise<void> {
  const { req, res } = request;
  const header = (name: string): string => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const env = isolatedGitEnv({
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: request.pathInfo,
    QUERY_STRING: request.queryString,
    REQUEST_METHOD: (req.method ?? 'GET').toUpperCase(),
    CONTENT_TYPE: header('content-type'),
    REMOTE_USER: request.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    // Clients gzip large upload-pack requests; the backend inflates them itself.
    HTTP_CONTENT_ENCODING: header('content-encoding'),
    // Protocol v2 is negotiated through this header (https://git-scm.com/docs/protocol-v2#_http_transport).
    GIT_PROTOCOL: header('git-protocol'),
  });
  // Without CONTENT_LENGTH (chunked uploads) the backend reads its stdin to EOF.
  const contentLength = header('content-length');
  if (contentLength) env.CONTENT_LENGTH = contentLength;

  return new Promise<void>((resolve) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    request.children.add(child);
    const stderr: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let headersSent = false;

    const finish = (): void => {
      request.children.delete(child);
      resolve();
    };
    const fail = (reason: string): void => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`git http-backend failed: ${reason}\n`);
      } else {
        res.destroy();
      }
    };

    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        if (!res.write(chunk)) {
          child.stdout.pause();
          res.once('drain', () => child.stdout.resume());
        }
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      let parsed: ReturnType<typeof splitCgiOutput>;
      try {
        parsed = splitCgiOutput(pending);
      } catch (err) {
        child.kill('SIGKILL');
        fail(err instanceof Error ? err.message : String(err));
        return;
      }
      if (!parsed) return;
      headersSent = true;
      res.writeHead(parsed.head.status, parsed.head.statusText, parsed.head.headers.flat());
      if (parsed.body.length > 0) res.write(parsed.body);
    });
    child.once('error', (err) => {
      fail(err.message);
      finish();
    });
    child.once('close', (code) => {
      if (!headersSent) {
        fail(`exit code ${code}: ${Buffer.concat(stderr).toString('utf8').trim()}`);
      } else {
        res.end();
      }
      finish();
    });
    // A client that hangs up must not leave a backend running.
    res.once('close', () => {
      if (child.exitCode === null && child.signalCode === null && !res.writableFinished) child.kill('SIGKILL');
    });
    // The backend may exit before reading everything (e.g. a refused push); that is not our error.
    child.stdin.on('error', () => {});
    req.pipe(child.stdin);
  });
}
