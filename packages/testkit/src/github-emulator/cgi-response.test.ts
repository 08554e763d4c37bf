import { describe, expect, it } from 'vitest';
import { parseCgiHeaders, splitCgiOutput } from './cgi-response.js';

describe('CGI response parsing', () => {
  it('waits for the blank line that ends the header block', () => {
    expect(splitCgiOutput(Buffer.from('Content-Type: text/plain\r\n'))).toBeNull();
  });

  it('splits CRLF headers from the body and reads Status', () => {
    const out = splitCgiOutput(Buffer.from('Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nmissing'));
    expect(out?.head).toEqual({ status: 404, statusText: 'Not Found', headers: [['Content-Type', 'text/plain']] });
    expect(out?.body.toString()).toBe('missing');
  });

  it('accepts LF-only headers and defaults to 200', () => {
    const out = splitCgiOutput(
      Buffer.from('Expires: Fri, 01 Jan 1980 00:00:00 GMT\nContent-Type: application/x-git\n\n\u0000PACK'),
    );
    expect(out?.head.status).toBe(200);
    expect(out?.head.headers).toHaveLength(2);
    expect(out?.body).toEqual(Buffer.from('\u0000PACK'));
  });

  it('rejects malformed header lines', () => {
    expect(() => parseCgiHeaders('not a header')).toThrow(/malformed/);
    expect(() => parseCgiHeaders('Status: abc')).toThrow(/Status/);
  });
});
