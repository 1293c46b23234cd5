-- Issue 8: immutable videos, exact quotas, one event per state change.
--
-- Uploads land on a staging key (`uploads/…`, the only key ever presigned); confirm copies them
-- server-side to `s3_key` (`videos/…`, never presigned). `presign_expires` keeps its meaning: the
-- last moment any grant on the staging key (POST policy, part URL) can start a write.

-- The checksum the browser computed and storage matched at confirm (S3 ETag form: 32 hex digits,
-- or `hex-N` for a multipart object).
ALTER TABLE videos ADD COLUMN md5 TEXT;
-- Set when S3 assembled a multipart upload (then multipart_upload_id is cleared).
ALTER TABLE videos ADD COLUMN assembled_timestamp INTEGER;
-- The video whose confirm or claim retired this one.
ALTER TABLE videos ADD COLUMN replaced_by INTEGER;
-- An admin delete's CloudFront invalidation, so a repeated delete gets the same answer.
ALTER TABLE videos ADD COLUMN invalidation_id TEXT;
-- 0 for a session whose storage step failed: it gives its hourly upload slot back.
ALTER TABLE videos ADD COLUMN counts_for_quota INTEGER NOT NULL DEFAULT 1;
-- From when cleanup must delete this row's leftovers (the staging key; for deleted and error rows
-- the final key too): set by every transition out of pending and by deletion, cleared by the sweep.
ALTER TABLE videos ADD COLUMN sweep_due INTEGER;

-- Rows that existed before staging: sweep every finished one once (their final keys again when
-- deleted or error), as defence in depth.
UPDATE videos SET sweep_due = presign_expires WHERE upload_status <> 'pending';

-- The upload-session quota counts a user's sessions of the last hour.
CREATE INDEX videos_by_user_time ON videos (site, userid, upload_timestamp);
-- The sweep reads only rows with something due.
CREATE INDEX videos_sweep_due ON videos (sweep_due) WHERE sweep_due IS NOT NULL;
-- Claim answers which video it replaced.
CREATE INDEX videos_replaced_by ON videos (replaced_by) WHERE replaced_by IS NOT NULL;
-- Cleanup aborts the multipart uploads of finished rows that still name one.
CREATE INDEX videos_open_multipart ON videos (upload_status) WHERE multipart_upload_id IS NOT NULL;
