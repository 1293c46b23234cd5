import { MAX_CAPTION_BYTES, type CaptionFault } from '../contract';

/**
 * A strict check of a WebVTT file (W3C WebVTT §4 "Syntax"), the same in the browser (before
 * anything is sent) and at the edge (before anything is stored):
 *
 * - at most MAX_CAPTION_BYTES of UTF-8 (`too_large`), no NUL and no unpaired surrogate
 *   (`encoding`; a JSON body can carry those even though UTF-8 cannot);
 * - an optional BOM, then `WEBVTT` alone or followed by a space or tab and text (`header`);
 * - blocks separated by blank lines: `NOTE` comments, `STYLE` and `REGION` blocks before the
 *   first cue, and cues: an optional identifier, then `start --> end [settings]` with
 *   timestamps `[hh:]mm:ss.ttt` (minutes and seconds 00–59), end after start, starts in order,
 *   and no `-->` in the cue text (`timing`, with the line);
 * - at least one cue (`no_cues`).
 *
 * The line terminators may be CRLF, LF or CR. Returns the cue count, or the first fault.
 */
export type WebVttVerdict = { ok: true; cues: number } | { ok: false; fault: CaptionFault; line: number | null };

const TIMESTAMP = String.raw`(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})`;
const TIMING = new RegExp(String.raw`^${TIMESTAMP}[ \t]+-->[ \t]+${TIMESTAMP}(?:[ \t]+.*)?$`);

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD would: 3). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const fault = (f: CaptionFault, line: number | null = null): WebVttVerdict => ({ ok: false, fault: f, line });

export function validateWebVtt(text: string): WebVttVerdict {
  if (text.length === 0) return fault('empty');
  if (utf8Length(text) > MAX_CAPTION_BYTES) return fault('too_large');
  // eslint-disable-next-line no-control-regex
  if (/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text)) return fault('encoding');
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0]!)) return fault('header', 1);

  let i = 1;
  // The header block runs to the first blank line; a timing there means a missing blank line.
  for (; i < lines.length && lines[i] !== ''; i++) if (lines[i]!.includes('-->')) return fault('timing', i + 1);

  let cues = 0;
  let lastStart = -1;
  while (i < lines.length) {
    while (i < lines.length && lines[i] === '') i++;
    if (i >= lines.length) break;
    const start = i;
    let end = i;
    while (end < lines.length && lines[end] !== '') end++;
    const block = lines.slice(start, end);
    i = end;
    const first = block[0]!;
    if (/^NOTE(?:[ \t]|$)/.test(first)) {
      if (block.some((l) => l.includes('-->'))) return fault('timing', start + 1);
      continue;
    }
    if (cues === 0 && /^(?:STYLE|REGION)[ \t]*$/.test(first)) {
      if (block.some((l) => l.includes('-->'))) return fault('timing', start + 1);
      continue;
    }
    // A cue: an identifier line (no "-->") is optional, then the timings.
    const timingAt = first.includes('-->') ? 0 : 1;
    const timing = block[timingAt];
    const match = timing === undefined ? null : TIMING.exec(timing);
    if (!match) return fault('timing', start + timingAt + 1);
    const from = seconds(match[1], match[2]!, match[3]!, match[4]!);
    const to = seconds(match[5], match[6]!, match[7]!, match[8]!);
    if (to <= from || from < lastStart) return fault('timing', start + timingAt + 1);
    for (let k = timingAt + 1; k < block.length; k++) if (block[k]!.includes('-->')) return fault('timing', start + k + 1);
    lastStart = from;
    cues++;
  }
  return cues === 0 ? fault('no_cues') : { ok: true, cues };
}
