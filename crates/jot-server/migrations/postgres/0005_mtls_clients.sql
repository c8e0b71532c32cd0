-- mTLS client authentication (RFC 8705 §2). tls_client_auth: the subject
-- DN (RFC 4514, as jot writes it back) the client's certificate must carry,
-- its chain checked against --tls-client-ca. self_signed_tls_client_auth:
-- the x5t#S256 (base64url SHA-256 of the DER) of the certificate registered
-- for it. At most one is set; NULL for both: a secret or private_key_jwt
-- client. Same text on both backends.
ALTER TABLE clients ADD COLUMN tls_subject_dn TEXT;
ALTER TABLE clients ADD COLUMN tls_cert_x5t TEXT;
