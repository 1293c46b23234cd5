-- Admin search in one folded form. SQLite's lower() and LIKE fold ASCII letters only, and names
-- arrive in whatever Unicode normalisation the student's system used (macOS decomposes accents),
-- so "Élodie Østergård" could not be found even typed exactly as stored. The worker writes
-- search_text = NFKC + Unicode case fold of the key, file, student, course and assignment names
-- (edge/src/services/search.ts, searchTextFor) and folds each query the same way; the names
-- themselves stay as typed, for display.
--
-- No backfill here: SQL cannot fold non-ASCII text, and an ASCII-only fold would be wrong for
-- exactly the names this column exists for. Rows written before this migration keep NULL until
-- the worker fills them: every admin listing first folds up to a batch of NULL rows in JS
-- (backfillSearchText), and until a row is folded the search still matches it the old way.
ALTER TABLE videos ADD COLUMN search_text TEXT;
CREATE INDEX videos_search_text_missing ON videos (id) WHERE search_text IS NULL;

-- The dashboard's recent failures name the person from their latest upload (events keep only ids).
CREATE INDEX videos_by_user ON videos (site, userid, id DESC);
