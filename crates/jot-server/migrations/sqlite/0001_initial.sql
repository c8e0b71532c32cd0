-- The service's whole state. The PostgreSQL migration has the same tables,
-- columns and constraints; only the column types are spelled differently.
-- Times are Unix seconds. Secrets are stored as SHA-256 digests, private
-- keys sealed under the key-encryption key.

CREATE TABLE clients (
    id                TEXT PRIMARY KEY,
    secret_digest     BLOB NOT NULL,
    scopes            TEXT NOT NULL,          -- JSON array of strings
    audiences         TEXT NOT NULL,          -- JSON array of strings
    grants            TEXT NOT NULL,          -- JSON array of grant_type values
    token_ttl         INTEGER NOT NULL,
    jwks              TEXT,
    jwks_uri          TEXT,
    created_at        INTEGER NOT NULL,
    secret_rotated_at INTEGER NOT NULL
);

CREATE TABLE signing_keys (
    kid            TEXT PRIMARY KEY,
    alg            TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('next', 'current', 'retired')),
    created_at     INTEGER NOT NULL,
    activated_at   INTEGER,
    retired_at     INTEGER,
    public_jwk     TEXT NOT NULL,
    private_sealed BLOB NOT NULL
);

-- Single values: the key ring's epoch (optimistic concurrency for
-- rotation) and the KEK check value.
CREATE TABLE meta (
    name       TEXT PRIMARY KEY,
    int_value  INTEGER,
    blob_value BLOB
);
INSERT INTO meta (name, int_value) VALUES ('key_epoch', 0);

CREATE TABLE refresh_families (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scope      TEXT NOT NULL,
    audience   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX refresh_families_subject ON refresh_families (subject);
CREATE INDEX refresh_families_client ON refresh_families (client_id);

CREATE TABLE refresh_tokens (
    digest                 BLOB PRIMARY KEY,
    family_id              TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    created_at             INTEGER NOT NULL,
    expires_at             INTEGER NOT NULL,
    used_at                INTEGER,
    successor              BLOB,
    sealed_for_predecessor BLOB NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- Access tokens minted with a family's refresh tokens: denylisted when the
-- family is revoked.
CREATE TABLE family_access_tokens (
    family_id TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    jti       TEXT NOT NULL,
    exp       INTEGER NOT NULL,
    PRIMARY KEY (family_id, jti)
);

CREATE TABLE denied_access_tokens (
    jti TEXT PRIMARY KEY,
    exp INTEGER NOT NULL
);

CREATE TABLE subject_cutoffs (
    subject        TEXT PRIMARY KEY,
    revoked_before INTEGER NOT NULL
);

-- kind 'jti': value = jti, at = its exp; kind 'subject': value = sub,
-- at = the cut-off.
CREATE TABLE revocation_feed (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind  TEXT NOT NULL CHECK (kind IN ('jti', 'subject')),
    value TEXT NOT NULL,
    at    INTEGER NOT NULL
);

CREATE TABLE used_jtis (
    issuer TEXT NOT NULL,
    jti    TEXT NOT NULL,
    exp    INTEGER NOT NULL,
    PRIMARY KEY (issuer, jti)
);
