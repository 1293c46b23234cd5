/**
 * What the browser can learn from the file itself before it is uploaded:
 * its length (sent at confirm) and a small still to show while it travels.
 * Only the header is read (preload=metadata on an object URL), and a timeout
 * bounds it: a container this browser cannot decode (AVI, some MOV) simply
 * yields nothing, which is not an error.
 */

export interface VideoMetadata {
  /** Seconds; null when unknown. */
  duration: number | null;
  /** A JPEG data URL of an early frame; null when none could be drawn. */
  poster: string | null;
}

/** Headers sit at the start of a web-ready file; 8 s is generous even for a slow disk. */
export const METADATA_TIMEOUT_MS = 8000;
const POSTER_WIDTH = 320;

export function readVideoMetadata(file: Blob, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<VideoMetadata> {
  const { signal, timeoutMs = METADATA_TIMEOUT_MS } = options;
  return new Promise((resolve) => {
    const result: VideoMetadata = { duration: null, poster: null };
    const url = URL.createObjectURL(file);
    const video = document.createElement('video');
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
      resolve(result);
    };
    const timer = setTimeout(finish, timeoutMs);
    signal?.addEventListener('abort', finish, { once: true });
    if (signal?.aborted) return finish();

    video.addEventListener('loadedmetadata', () => {
      if (Number.isFinite(video.duration) && video.duration > 0) result.duration = video.duration;
      if (video.videoWidth === 0) return finish();
      // Not frame 0: it is often black.
      video.currentTime = Math.min(1, (result.duration ?? 0) / 10);
    });
    video.addEventListener('seeked', () => {
      try {
        const canvas = document.createElement('canvas');
        canvas.width = POSTER_WIDTH;
        canvas.height = Math.round((POSTER_WIDTH * video.videoHeight) / video.videoWidth);
        canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
        result.poster = canvas.toDataURL('image/jpeg', 0.7);
      } catch {
        // A frame that cannot be drawn only costs the preview.
      }
      finish();
    });
    video.addEventListener('error', finish);
    video.muted = true;
    video.preload = 'metadata';
    video.src = url;
  });
}
