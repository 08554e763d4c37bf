/**
 * A bounded ring buffer for process output: keeps only the last `capacity` bytes however much is
 * written (a test printing 200 MB costs at most `capacity` plus one pipe chunk of memory) and counts
 * the total.
 */

/** Default bytes retained: comfortably more than the ~200 lines the agent is shown. */
export const DEFAULT_TAIL_CAPACITY = 64 * 1024;

/** Last lines of a captured stream. Not thread-safe (single event loop). */
export class OutputTail {
  readonly capacity: number;
  private chunks: Buffer[] = [];
  private retained = 0;
  private total = 0;

  /** @throws RangeError when `capacity` is not a positive integer. */
  constructor(capacity: number = DEFAULT_TAIL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  /** Appends output; drops the oldest bytes beyond the capacity. */
  push(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += buffer.length;
    if (buffer.length >= this.capacity) {
      // Copy, so the (possibly huge) source buffer is not kept alive by a view.
      this.chunks = [Buffer.from(buffer.subarray(buffer.length - this.capacity))];
      this.retained = this.capacity;
      return;
    }
    this.chunks.push(buffer);
    this.retained += buffer.length;
    while (this.retained > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.retained - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.retained -= first.length;
      } else {
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.retained -= excess;
      }
    }
  }

  /** Bytes written in total. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes currently held (≤ capacity). */
  get retainedBytes(): number {
    return this.retained;
  }

  /** True when older output was dropped. */
  get truncated(): boolean {
    return this.total > this.retained;
  }

  /** The retained output as text (a character cut at the start is dropped). */
  text(): string {
    return Buffer.concat(this.chunks, this.retained)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
  }

  /**
   * The last `maxLines` lines, then at most `maxBytes` bytes of them (starting at a line boundary
   * when one is available). Pure with respect to the buffer.
   */
  tail(maxLines: number, maxBytes: number): string {
    return tailOf(this.text(), maxLines, maxBytes);
  }
}

/** Last `maxLines` lines of `text`, then at most `maxBytes` UTF-8 bytes of those. Pure. */
export function tailOf(text: string, maxLines: number, maxBytes: number): string {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let tail = lines.slice(-maxLines).join('\n');
  if (Buffer.byteLength(tail) > maxBytes) {
    const buffer = Buffer.from(tail);
    tail = buffer
      .subarray(buffer.length - maxBytes)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
    const newline = tail.indexOf('\n');
    if (newline !== -1 && newline < tail.length - 1) tail = tail.slice(newline + 1);
  }
  return tail;
}
