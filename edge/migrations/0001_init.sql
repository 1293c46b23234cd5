-- s3video records. Times are Unix seconds (UTC).

CREATE TABLE videos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The Moodle site (token iss): ids below are only unique within one site.
  site TEXT NOT NULL,
  courseid INTEGER NOT NULL,
  assignmentid INTEGER NOT NULL,
  submissionid INTEGER NOT NULL,
  userid TEXT NOT NULL,
  s3_key TEXT NOT NULL UNIQUE,
  s3_bucket TEXT NOT NULL,
  upload_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (upload_status IN ('pending', 'ready', 'error', 'deleted')),
  filename TEXT NOT NULL,
  file_size INTEGER,
  duration REAL,
  mime_type TEXT NOT NULL,
  -- Names as Moodle put them in the upload token, for the admin table.
  coursename TEXT,
  assignmentname TEXT,
  fullname TEXT,
  upload_timestamp INTEGER NOT NULL,
  presign_expires INTEGER NOT NULL,
  confirmed_timestamp INTEGER,
  -- Set when Moodle saved the form with this video's receipt.
  claimed_timestamp INTEGER,
  -- Set when another video took this one's place; cleanup then removes it.
  retired_timestamp INTEGER,
  deleted_timestamp INTEGER,
  error_message TEXT
);

-- At most one current claimed video per submission.
CREATE UNIQUE INDEX videos_claimed_per_submission
  ON videos (site, submissionid)
  WHERE claimed_timestamp IS NOT NULL AND retired_timestamp IS NULL;
-- Confirm, claim and playback look up a submission's videos.
CREATE INDEX videos_by_submission ON videos (site, submissionid, upload_status);
-- Admin table: newest first, optionally by course or status.
CREATE INDEX videos_by_site_time ON videos (site, upload_timestamp DESC, id DESC);
CREATE INDEX videos_by_course ON videos (site, courseid, upload_timestamp DESC);
CREATE INDEX videos_by_status ON videos (upload_status, upload_timestamp);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  userid TEXT NOT NULL,
  assignmentid INTEGER,
  submissionid INTEGER,
  s3_key TEXT,
  event_type TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  error_context TEXT,
  file_size INTEGER,
  duration REAL,
  retry_count INTEGER,
  user_role TEXT,
  timestamp INTEGER NOT NULL
);

-- Stats and recent failures are per site and period.
CREATE INDEX events_by_site_type_time ON events (site, event_type, timestamp);
CREATE INDEX events_by_site_time ON events (site, timestamp);
