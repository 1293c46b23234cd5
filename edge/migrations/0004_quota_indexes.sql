-- The hourly quotas count one user's recent events of some types in the same statement that
-- inserts the next one (services/rate-limit.ts): playback_access for playback-url, the report
-- types for POST /api/events and logged refusals. This index makes that count a range scan.
CREATE INDEX events_by_user_type_time ON events (site, userid, event_type, timestamp);
