-- The janitor deletes expired rows in bounded batches, choosing each
-- batch by its end time: these indexes make that a range scan instead of a
-- full scan of every table on every batch. Same text on both backends.
CREATE INDEX denied_access_tokens_exp ON denied_access_tokens (exp);
CREATE INDEX family_access_tokens_exp ON family_access_tokens (exp);
CREATE INDEX refresh_families_expires ON refresh_families (expires_at);
CREATE INDEX used_jtis_exp ON used_jtis (exp);
CREATE INDEX revocation_feed_kind_at ON revocation_feed (kind, at);
