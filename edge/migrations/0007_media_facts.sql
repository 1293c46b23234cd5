-- What the uploader read from the file's header before sending it (components/media/probe.ts):
-- container, codecs (RFC 6381 codecs parameters, else the container's own identifier), display
-- size, duration, whether an MP4/MOV keeps its index (moov) before the media data, and the
-- edge's own verdict on where it plays (edge/src/media/playability.ts). Display only: nothing is
-- decided on these columns. NULL media_container: no facts were sent (an older uploader, or a
-- header the browser could not read).
ALTER TABLE videos ADD COLUMN media_container TEXT;
ALTER TABLE videos ADD COLUMN media_video_codec TEXT;
ALTER TABLE videos ADD COLUMN media_audio_codec TEXT;
ALTER TABLE videos ADD COLUMN media_width INTEGER;
ALTER TABLE videos ADD COLUMN media_height INTEGER;
ALTER TABLE videos ADD COLUMN media_duration REAL;
ALTER TABLE videos ADD COLUMN media_faststart INTEGER;
ALTER TABLE videos ADD COLUMN media_playability TEXT;
