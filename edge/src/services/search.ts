/**
 * The admin search's one folded form of text: NFKC (composed and compatibility forms made
 * equal: "é" typed as one code point or as e + U+0301, the "ﬁ" ligature as "fi") and a full
 * Unicode case fold (upper- then lower-casing maps "ß" to "ss" and "ς" to "σ", as CaseFolding.txt
 * does, which toLowerCase alone does not). D1's own lower() folds ASCII only, so the fold is
 * computed here, stored in `videos.search_text` and compared with instr().
 */

/** The fields a search looks in, in the order they are joined. */
export interface SearchFields {
  s3_key: string;
  filename: string;
  fullname: string | null;
  coursename: string | null;
  assignmentname: string | null;
}

/** Between fields, so that no query matches across two of them: control characters are taken out of queries. */
const SEPARATOR = '\u001f';

export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** What `videos.search_text` holds for a row: bind it wherever a row is inserted. */
export function searchTextFor(f: SearchFields): string {
  return [f.s3_key, f.filename, f.fullname, f.coursename, f.assignmentname]
    .map((v) => foldForSearch(v ?? ''))
    .join(SEPARATOR);
}

/** A query as it is compared: folded like the stored text, without control characters. */
export function searchQuery(q: string): string {
  return foldForSearch(q.replace(/\p{Cc}/gu, ''));
}

/**
 * The WHERE part for a query: instr() (no LIKE: D1 caps LIKE patterns at 50 bytes, and the
 * text is taken literally, % and _ included) over the folded column; a row not yet folded
 * (written before migration 0006 and not yet reached by video-states' `fillSearchText`) is matched as
 * before, by SQLite's ASCII lower().
 */
export function searchClause(q: string): { sql: string; params: string[] } {
  const folded = searchQuery(q);
  const legacy = ['s3_key', 'filename', 'fullname', 'coursename', 'assignmentname'];
  return {
    sql: `(instr(search_text, ?) > 0 OR (search_text IS NULL AND (${legacy.map((col) => `instr(lower(${col}), ?) > 0`).join(' OR ')})))`,
    params: [folded, ...legacy.map(() => q.toLowerCase())],
  };
}
