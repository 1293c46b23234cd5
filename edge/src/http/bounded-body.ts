/**
 * A request body of at most `maxBytes`, or null when it is longer. A longer body is still read
 * to its end (and dropped as it arrives, never held): answering before the client has sent its
 * body makes workerd and many proxies reset the connection, and the client then sees a network
 * error instead of the refusal (and an HTTP/1.1 client that reuses the connection loses its
 * next request too). The platform's own request-size limit bounds what is read.
 */
export async function readBodyAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length <= maxBytes) chunks.push(value);
  }
  if (length > maxBytes) return null;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads what is left of a request's body and drops it, so a refusal answers a client that has
 * finished sending (see {@link readBodyAtMost}); app.ts does this for every error answer.
 */
export async function drainBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed) return;
  try {
    await readBodyAtMost(req.body, 0);
  } catch {
    // The client went away: nothing left to protect.
  }
}
