/**
 * Reads byte ranges of a Blob (a picked File) with Blob.slice, counting what
 * it read: the header reader must never read a whole multi-gigabyte file,
 * and the count is how tests and bench/ prove it.
 */
export class ByteReader {
  /** Bytes read so far, over every call. */
  bytesRead = 0;
  /** Reads made so far. */
  reads = 0;

  constructor(
    readonly blob: Blob,
    private readonly signal?: AbortSignal,
  ) {}

  get size(): number {
    return this.blob.size;
  }

  /** Bytes [start, end), clamped to the file; fewer at its end. */
  async read(start: number, end: number): Promise<Uint8Array> {
    this.signal?.throwIfAborted();
    const from = Math.max(0, Math.min(start, this.size));
    const to = Math.max(from, Math.min(end, this.size));
    const bytes = new Uint8Array(await this.blob.slice(from, to).arrayBuffer());
    this.bytesRead += bytes.length;
    this.reads += 1;
    this.signal?.throwIfAborted();
    return bytes;
  }
}

export function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

export function u32be(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
}

export function u32le(bytes: Uint8Array, at: number): number {
  return bytes[at]! + (bytes[at + 1]! << 8) + (bytes[at + 2]! << 16) + ((bytes[at + 3]! << 24) >>> 0);
}
