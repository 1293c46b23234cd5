/**
 * SubRip (.srt) → WebVTT, in the browser before anything is sent (the edge stores WebVTT only).
 * A SubRip file is blocks separated by blank lines: an optional counter, then
 * `hh:mm:ss,ttt --> hh:mm:ss,ttt` (optional X1… coordinates, dropped), then the text. The text
 * keeps `<b> <i> <u>`, loses `<font>` and `{\an8}`-style tags (not WebVTT), and escapes `&`,
 * `<` and `>` otherwise, as WebVTT cue text requires. Returns null when the file is not SubRip
 * (no block with a timing line); the WebVTT check (edge/src/media/webvtt.ts) judges the rest.
 */
const SRT_TIME = String.raw`(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})`;
const SRT_TIMING = new RegExp(String.raw`^\s*${SRT_TIME}\s*-->\s*${SRT_TIME}(?:\s+.*)?$`);

function vttTime(h: string, m: string, s: string, ms: string): string {
  return `${h.padStart(2, '0')}:${m.padStart(2, '0')}:${s.padStart(2, '0')}.${ms.padEnd(3, '0')}`;
}

function cueText(line: string): string {
  return line
    .replace(/\{\\[^}]*\}/g, '')
    .replace(/<\/?font[^>]*>/gi, '')
    .replace(/&(?![a-z]+;|#\d+;|#x[\da-f]+;)/gi, '&amp;')
    .replace(/<(?!\/?[biu]>)/gi, '&lt;')
    .replace(/(?<!<\/?[biu])>/gi, '&gt;')
    .replace(/-->/g, '→');
}

/** A SubRip file as WebVTT, and where each WebVTT line came from (to report faults in the person's own file). */
export interface SubripConversion {
  vtt: string;
  /** For each WebVTT line (index = line − 1), its SubRip line (1-based); 0 for lines the conversion added. */
  sourceLines: number[];
}

export function convertSubrip(srt: string): SubripConversion | null {
  const blocks: Array<Array<{ text: string; line: number }>> = [[]];
  srt.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).forEach((text, i) => {
    if (text.trim() === '') blocks.push([]);
    else blocks[blocks.length - 1]!.push({ text, line: i + 1 });
  });
  const out = ['WEBVTT'];
  const sourceLines = [0];
  const add = (text: string, line: number) => {
    out.push(text);
    sourceLines.push(line);
  };
  for (const block of blocks.filter((b) => b.length > 0)) {
    const at = SRT_TIMING.test(block[0]!.text) ? 0 : 1;
    const match = block[at] === undefined ? null : SRT_TIMING.exec(block[at]!.text);
    if (!match) return null;
    const [, h1, m1, s1, t1, h2, m2, s2, t2] = match;
    add('', 0);
    add(`${vttTime(h1!, m1!, s1!, t1!)} --> ${vttTime(h2!, m2!, s2!, t2!)}`, block[at]!.line);
    for (const { text, line } of block.slice(at + 1)) {
      const cue = cueText(text);
      if (cue.trim() !== '') add(cue, line);
    }
  }
  return out.length === 1 ? null : { vtt: `${out.join('\n')}\n`, sourceLines };
}

export function subripToWebVtt(srt: string): string | null {
  return convertSubrip(srt)?.vtt ?? null;
}
