-- Large files go to S3 as multipart uploads: the record keeps S3's upload id until completion,
-- so parts can be re-signed and listed (resume) and an abandoned upload can be aborted.
ALTER TABLE videos ADD COLUMN multipart_upload_id TEXT;
