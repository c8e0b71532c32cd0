-- DPoP (RFC 9449): the RFC 7638 thumbprint of the key a refresh family was
-- started with. A family with one accepts its refresh tokens only with a
-- proof of that key. NULL: not bound (started without a proof). Same text
-- on both backends.
ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;
