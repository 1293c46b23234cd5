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

export function subripToWebVtt(srt: string): string | null {
  const blocks = srt.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).reduce<string[][]>((acc, line) => {
    if (line.trim() === '') acc.push([]);
    else acc[acc.length - 1]!.push(line);
    return acc;
  }, [[]]).filter((b) => b.length > 0);
  const cues: string[] = [];
  for (const block of blocks) {
    const at = SRT_TIMING.test(block[0]!) ? 0 : 1;
    const match = block[at] === undefined ? null : SRT_TIMING.exec(block[at]!);
    if (!match) return null;
    const [, h1, m1, s1, t1, h2, m2, s2, t2] = match;
    const text = block.slice(at + 1).map(cueText).filter((l) => l.trim() !== '');
    cues.push([`${vttTime(h1!, m1!, s1!, t1!)} --> ${vttTime(h2!, m2!, s2!, t2!)}`, ...text].join('\n'));
  }
  return cues.length === 0 ? null : `WEBVTT\n\n${cues.join('\n\n')}\n`;
}
