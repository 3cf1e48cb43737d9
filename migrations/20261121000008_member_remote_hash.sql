-- The fingerprint of a member as its member platform last reported it (a pull, a webhook,
-- or our own change once the platform has it). A later pull compares with it to tell "the
-- platform changed this member" from "only our unsent change differs", which decides
-- whether a waiting local change meets a conflict (seed 000 two-way member sync).
ALTER TABLE member_syncs ADD COLUMN remote_hash TEXT;
