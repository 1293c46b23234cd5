-- Part URLs signed for a multipart upload over its whole life, counted against a budget of
-- MAX_SIGNATURES_PER_PART per part (edge/src/contract.ts) so one session cannot ask for
-- signatures without end. Each URL pins its part's exact length and MD5, so this bounds
-- the signing work; the bytes a session can park are bounded by the lengths themselves.
ALTER TABLE videos ADD COLUMN signatures INTEGER NOT NULL DEFAULT 0;
