-- Issue 13: a poster and caption tracks beside each video, under its final prefix.
--
-- `poster_key`: the video's poster (`videos/…/poster.jpg`), written by the edge itself while the
-- upload is pending (never presigned); null when the uploader could draw none. Deleting the video
-- (admin, privacy, cleanup's sweep) deletes it with the video's own key.
ALTER TABLE videos ADD COLUMN poster_key TEXT;

-- One WebVTT file per language per video, written by the edge (never presigned) under the
-- video's prefix. A replacing file gets a new key (keys are never reused, so the CDN never serves
-- a stale copy); the row keeps the current one. Rows and objects go when their video goes.
-- Written only by edge/src/services/captions.ts.
CREATE TABLE captions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  videoid INTEGER NOT NULL,
  -- BCP 47 tag as given (case kept), compared case-insensitively.
  language TEXT NOT NULL,
  label TEXT NOT NULL,
  s3_key TEXT NOT NULL UNIQUE,
  file_size INTEGER NOT NULL,
  created_timestamp INTEGER NOT NULL,
  -- Moodle user id and role of whoever attached it.
  created_by TEXT NOT NULL,
  created_role TEXT NOT NULL
);

CREATE UNIQUE INDEX captions_per_language ON captions (videoid, language COLLATE NOCASE);
