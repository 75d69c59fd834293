// Output made a piece at a time into one reused buffer, for the commands whose stdout is
// big (list and `complete profiles` of 50,000 profiles: 3 MB and 1.5 MB). Holding the whole
// of it as one buffer, and the string it was made from, cost more than the rest of the
// command's data (issue 15, peak memory). The command computes everything that can fail
// first; what it hands the edge (run.ts) only copies bytes into chunks, so an error still
// leaves stdout as it was.

/** The size of a chunk (tests lower it to cross every boundary). */
export const CHUNK = { size: 64 * 1024 };

/** Writes bytes and strings into chunks of CHUNK.size, each given to `emit` when full (and at end()). */
export class ChunkWriter {
  private readonly buf = Buffer.allocUnsafe(CHUNK.size);
  private used = 0;

  constructor(private readonly emit: (bytes: Uint8Array) => void) {}

  private flush(): void {
    if (this.used > 0) this.emit(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** `text` as UTF-8. */
  string(text: string): void {
    if (this.used + 3 * text.length > this.buf.length) {
      // Too big to be sure it fits: exact length, and a piece of its own when the chunk cannot hold it.
      const need = Buffer.byteLength(text);
      if (this.used + need > this.buf.length) {
        this.flush();
        if (need > this.buf.length) {
          this.emit(Buffer.from(text));
          return;
        }
      }
    }
    this.used += this.buf.write(text, this.used);
  }

  /** from[start, end). */
  bytes(from: Uint8Array, start: number, end: number): void {
    if (this.used + (end - start) > this.buf.length) {
      this.flush();
      if (end - start > this.buf.length) {
        this.emit(from.subarray(start, end));
        return;
      }
    }
    this.buf.set(from.subarray(start, end), this.used);
    this.used += end - start;
  }

  byte(b: number): void {
    if (this.used === this.buf.length) this.flush();
    this.buf[this.used++] = b;
  }

  end(): void {
    this.flush();
  }
}

/** What a producer emits, as one buffer (tests; and a caller that wants it whole). */
export function collect(produce: (emit: (bytes: Uint8Array) => void) => void): Buffer {
  const pieces: Buffer[] = [];
  produce((bytes) => pieces.push(Buffer.from(bytes)));
  return Buffer.concat(pieces);
}
