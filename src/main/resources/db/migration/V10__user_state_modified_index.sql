-- The delivery queue looks for users switched to failover since its last check, every few
-- seconds, so it needs the change time indexed.
CREATE INDEX user_state_modified ON user_state (modified);
