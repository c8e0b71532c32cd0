-- A client flagged admin may log a subject out everywhere over HTTP
-- (POST /admin/sessions/revoke), what `jot sessions revoke` does on the
-- store. Same text on both backends: SQLite reads BOOLEAN as a numeric
-- column and accepts FALSE.
ALTER TABLE clients ADD COLUMN admin BOOLEAN NOT NULL DEFAULT FALSE;
