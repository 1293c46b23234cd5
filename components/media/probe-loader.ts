/**
 * The header reader, fetched when a file is picked and not before: the AMD build
 * (scripts/build-amd.mjs) turns this dynamic import into a RequireJS request for a
 * `-lazy` chunk that holds mediabunny, so the student's page starts without it.
 * One fetch per page: the promise is kept, and a failed fetch may be tried again.
 */
import type { ProbeResult } from './probe';

export type { ProbeResult };

let loading: Promise<typeof import('./probe')> | null = null;

export function loadProbe(): Promise<typeof import('./probe')> {
  loading ??= import('./probe').catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** The file's facts and verdict; null when its header cannot be read or the reader cannot be fetched. */
export async function probeFile(file: Blob, signal?: AbortSignal): Promise<ProbeResult | null> {
  const { probeMedia } = await loadProbe();
  return probeMedia(file, signal);
}
