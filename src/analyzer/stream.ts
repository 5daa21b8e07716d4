// Reading entry data without buffering more than asked for. `collect` caps a whole small entry;
// `ForwardSource` serves increasing (offset, length) requests from one inflating stream, so an
// executable of hundreds of MiB is walked once and only the few byte ranges we need are kept.
import type { Readable } from 'node:stream';
import { AnalyzerError } from './errors.ts';

export interface ByteSource {
  /** Bytes [offset, offset + length) of the entry's uncompressed data. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): void;
}

export async function collect(stream: Readable, cap: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap) {
        throw new AnalyzerError('zip_bomb', `${what} inflates beyond its declared size limit of ${cap} bytes`);
      }
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** Serves reads whose offsets only move forward; anything else is an error of the caller's format. */
export class ForwardSource implements ByteSource {
  private readonly iter: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private pendingStart = 0; // stream offset of pending[0]

  constructor(
    private readonly stream: Readable,
    private readonly onBackward: (offset: number) => AnalyzerError,
  ) {
    this.iter = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async read(offset: number, length: number): Promise<Buffer> {
    if (offset < this.pendingStart) throw this.onBackward(offset);
    const out = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const at = offset + filled;
      const rel = at - this.pendingStart;
      if (rel < this.pending.length) {
        const n = this.pending.copy(out, filled, rel, Math.min(this.pending.length, rel + length - filled));
        filled += n;
        continue;
      }
      await this.advance(at);
    }
    // Keep only what is at or after the end of this read: later reads never go back.
    this.drop(offset + length);
    return out;
  }

  private async advance(wanted: number): Promise<void> {
    const next = await this.iter.next();
    if (next.done) {
      throw new AnalyzerError('truncated', `entry data ends at byte ${this.pendingStart + this.pending.length}, before byte ${wanted}`);
    }
    this.pendingStart += this.pending.length;
    this.pending = next.value;
  }

  private drop(upTo: number): void {
    const k = Math.min(upTo - this.pendingStart, this.pending.length);
    if (k <= 0) return;
    this.pending = this.pending.subarray(k);
    this.pendingStart += k;
  }

  close(): void {
    this.stream.destroy();
  }
}
