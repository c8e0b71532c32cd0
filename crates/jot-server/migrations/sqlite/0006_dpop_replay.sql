-- DPoP (RFC 9449 §11.1): proofs accepted by any replica sharing this store,
-- so that none accepts a proof twice. id: SHA-256 over the proof key's
-- RFC 7638 thumbprint and the proof's jti (jot::dpop::ReplayId), a fixed 32
-- bytes however long the jti. exp: Unix seconds until which the proof must
-- be refused (its iat plus the accepted age and leeway); the janitor deletes
-- rows past it in bounded batches through the index.
CREATE TABLE dpop_proofs (
    id  BLOB PRIMARY KEY,
    exp INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX dpop_proofs_exp ON dpop_proofs (exp);
