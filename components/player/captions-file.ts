import { MAX_CAPTION_BYTES, type CaptionFault } from '../../edge/src/contract';
import { validateWebVtt } from '../../edge/src/media/webvtt';
import { subripToWebVtt } from './captions-subrip';

/**
 * A caption file the person picked, made ready to send: read (at most MAX_CAPTION_BYTES),
 * decoded as strict UTF-8, converted from SubRip when it is one (by name, or by content when it
 * does not start with WEBVTT), then checked exactly as the edge will check it.
 */
export type CaptionFileResult = { ok: true; vtt: string } | { ok: false; fault: CaptionFault; line: number | null };

export async function readCaptionFile(file: Blob & { name?: string }): Promise<CaptionFileResult> {
  if (file.size === 0) return { ok: false, fault: 'empty', line: null };
  if (file.size > MAX_CAPTION_BYTES) return { ok: false, fault: 'too_large', line: null };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return { ok: false, fault: 'encoding', line: null };
  }
  const looksVtt = /^\ufeff?WEBVTT/.test(text);
  if (/\.srt$/i.test(file.name ?? '') || !looksVtt) {
    const converted = subripToWebVtt(text);
    if (converted !== null) text = converted;
  }
  const verdict = validateWebVtt(text);
  return verdict.ok ? { ok: true, vtt: text } : verdict;
}
