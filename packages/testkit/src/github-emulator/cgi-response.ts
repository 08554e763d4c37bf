/** Status and headers of a CGI response (RFC 3875 §6). */
export interface CgiHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}

/**
 * Finds the end of the CGI header block in `buffer` (a blank line, `\r\n\r\n` or `\n\n`).
 * Returns the parsed head and the body bytes that followed it, or null when the block is not
 * complete yet. Throws `Error` on a malformed header line. Pure.
 */
export function splitCgiOutput(buffer: Buffer): { head: CgiHead; body: Buffer } | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  let end = -1;
  let sep = 0;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    end = crlf;
    sep = 4;
  } else if (lf !== -1) {
    end = lf;
    sep = 2;
  }
  if (end === -1) return null;
  return { head: parseCgiHeaders(buffer.subarray(0, end).toString('latin1')), body: buffer.subarray(end + sep) };
}

/** Parses CGI header lines; `Status: 404 Not Found` sets the status (200 when absent). Pure. */
export function parseCgiHeaders(text: string): CgiHead {
  let status = 200;
  let statusText = 'OK';
  const headers: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed CGI header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const match = /^(\d{3})\s*(.*)$/.exec(value);
      if (!match) throw new Error(`malformed CGI Status header: ${JSON.stringify(value)}`);
      status = Number(match[1]);
      statusText = match[2] ?? '';
    } else {
      headers.push([name, value]);
    }
  }
  return { status, statusText, headers };
}
