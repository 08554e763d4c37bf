/**
 * Bounded file reading for the agent tools: binary sniffing and a line stream that never holds
 * more than one (capped) line in memory, so a 1 GB file or a 50 MB single-line bundle is safe.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** How many leading bytes are inspected to decide "binary". */
export const BINARY_SNIFF_BYTES = 8192;

/** True when the sample contains a NUL byte (what git and grep use to call a file binary). */
export function isProbablyBinary(sample: Buffer): boolean {
  return sample.includes(0);
}

/**
 * Reads at most `bytes` bytes from the start of a file.
 * @throws the file-system error (ENOENT, EISDIR, …) unchanged.
 */
export async function readHead(file: string, bytes: number = BINARY_SNIFF_BYTES): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Called once per line (1-based); return false to stop reading. `truncated` = the line was cut at the cap. */
export type LineVisitor = (lineNumber: number, text: string, truncated: boolean) => boolean;

/**
 * Streams a file line by line (`\n` separated, a trailing `\r` removed), keeping at most
 * `maxLineBytes` of each line. A final line without newline counts; an empty last line does not.
 * @returns how many lines were visited and whether the whole file was read.
 * @throws the file-system error unchanged; the signal's reason when aborted.
 */
export async function streamLines(
  file: string,
  maxLineBytes: number,
  visit: LineVisitor,
  signal?: AbortSignal,
): Promise<{ lines: number; complete: boolean }> {
  const stream = createReadStream(file, { highWaterMark: 64 * 1024 });
  let lineNumber = 0;
  let parts: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  let pending = false;

  const emit = (): boolean => {
    lineNumber++;
    let text = Buffer.concat(parts).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    parts = [];
    kept = 0;
    const wasTruncated = truncated;
    truncated = false;
    pending = false;
    return visit(lineNumber, text, wasTruncated);
  };

  const append = (chunk: Buffer): void => {
    pending = true;
    if (kept >= maxLineBytes) {
      if (chunk.length > 0) truncated = true;
      return;
    }
    const room = maxLineBytes - kept;
    if (chunk.length > room) truncated = true;
    const piece = chunk.subarray(0, room);
    parts.push(piece);
    kept += piece.length;
  };

  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      const buffer = chunk as Buffer;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(10, start);
        if (newline === -1) {
          append(buffer.subarray(start));
          break;
        }
        append(buffer.subarray(start, newline));
        if (!emit()) return { lines: lineNumber, complete: false };
        start = newline + 1;
      }
    }
    if (pending && (kept > 0 || truncated)) {
      if (!emit()) return { lines: lineNumber, complete: false };
    }
    return { lines: lineNumber, complete: true };
  } finally {
    stream.destroy();
  }
}
