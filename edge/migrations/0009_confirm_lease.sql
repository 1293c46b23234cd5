-- One confirm at a time may copy an upload's bytes to its final key (routes/uploads.ts,
-- services/video-states.ts leaseConfirm). A presigned POST stays valid for its whole lifetime,
-- so two confirms of one upload can check two different versions of the staging object; without
-- the lease the one that loses the D1 transition could still copy its bytes over the winner's.
-- The lease names its holder (a random token) and ends at confirm_lease_until (Unix seconds), so
-- a confirm killed half way holds nobody up for longer than that.
ALTER TABLE videos ADD COLUMN confirm_lease TEXT;
ALTER TABLE videos ADD COLUMN confirm_lease_until INTEGER;
