/** A request an emulator received. */
export interface RecordedRequest {
  method: string;
  /** Path without query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Raw body as UTF-8 text (empty for none). */
  body: string;
  at: number;
}

/** Bounded log of received requests, for assertions (secret hygiene, request counts). */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];
  constructor(private readonly max = 100_000) {}

  /** Appends a request, dropping the oldest past the bound. */
  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) this.entries.shift();
  }

  /** Requests matching method and path (RegExp or exact). */
  filter(method: string | undefined, path?: string | RegExp): RecordedRequest[] {
    return this.entries.filter(
      (e) =>
        (method === undefined || e.method === method.toUpperCase()) &&
        (path === undefined || (path instanceof RegExp ? path.test(e.path) : e.path === path)),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** Flattens Node's header object into lower-cased single strings. */
export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
