#!/bin/sh
# Regenerates the key fixtures with the OpenSSL CLI (3.x). The files are
# committed; this script documents how they were made. Test-only keys.
set -eu
cd "$(dirname "$0")"
o() { openssl "$@" 2>/dev/null; }

# RSA: PKCS#8, PKCS#1 private/public, SPKI, DER of each.
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.pkcs8.pem
o pkcs8 -topk8 -nocrypt -in rsa2048.pkcs8.pem -outform DER -out rsa2048.pkcs8.der
o rsa -in rsa2048.pkcs8.pem -traditional -out rsa2048.pkcs1.pem
o rsa -in rsa2048.pkcs8.pem -traditional -outform DER -out rsa2048.pkcs1.der
o pkey -in rsa2048.pkcs8.pem -pubout -out rsa2048.spki.pem
o pkey -in rsa2048.pkcs8.pem -pubout -outform DER -out rsa2048.spki.der
o rsa -in rsa2048.pkcs8.pem -RSAPublicKey_out -out rsa2048.pkcs1pub.pem
o rsa -in rsa2048.pkcs8.pem -RSAPublicKey_out -outform DER -out rsa2048.pkcs1pub.der
o rsa -in rsa2048.pkcs8.pem -noout -modulus | sed "s/Modulus=//" > rsa2048.modulus.hex
o genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pkcs8.pem
o genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out rsapss2048.pkcs8.pem
o pkey -in rsapss2048.pkcs8.pem -pubout -out rsapss2048.spki.pem

# EC: PKCS#8, SEC1 (with and without the public key), SPKI, DER of each.
for c in P-256:p256 P-384:p384 P-521:p521 secp256k1:secp256k1; do
  crv=${c%%:*}; n=${c##*:}
  o genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$crv -pkeyopt ec_param_enc:named_curve -out ec-$n.pkcs8.pem
  o pkcs8 -topk8 -nocrypt -in ec-$n.pkcs8.pem -outform DER -out ec-$n.pkcs8.der
  o ec -in ec-$n.pkcs8.pem -out ec-$n.sec1.pem
  o ec -in ec-$n.pkcs8.pem -outform DER -out ec-$n.sec1.der
  o ec -in ec-$n.pkcs8.pem -no_public -out ec-$n.sec1-nopub.pem
  o pkcs8 -topk8 -nocrypt -in ec-$n.sec1-nopub.pem -out ec-$n.pkcs8-nopub.pem
  o pkey -in ec-$n.pkcs8.pem -pubout -out ec-$n.spki.pem
  o pkey -in ec-$n.pkcs8.pem -pubout -outform DER -out ec-$n.spki.der
done
# `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
o ecparam -name prime256v1 -genkey -out ec-p256.with-params.pem

# OKP (RFC 8410).
for a in ED25519:ed25519 ED448:ed448 X25519:x25519 X448:x448; do
  alg=${a%%:*}; n=${a##*:}
  o genpkey -algorithm $alg -out $n.pkcs8.pem
  o pkcs8 -topk8 -nocrypt -in $n.pkcs8.pem -outform DER -out $n.pkcs8.der
  o pkey -in $n.pkcs8.pem -pubout -out $n.spki.pem
  o pkey -in $n.pkcs8.pem -pubout -outform DER -out $n.spki.der
done

# Self-signed certificates and a two-certificate bundle.
o req -x509 -new -key ec-p256.pkcs8.pem -subj /CN=jot-test-ec -days 36500 -out cert-ec-p256.pem
o x509 -in cert-ec-p256.pem -outform DER -out cert-ec-p256.der
o req -x509 -new -key rsa2048.pkcs8.pem -subj /CN=jot-test-rsa -days 36500 -out cert-rsa2048.pem
o req -x509 -new -key ed25519.pkcs8.pem -subj /CN=jot-test-ed -days 36500 -out cert-ed25519.pem
cat cert-rsa2048.pem cert-ec-p256.pem > bundle-rsa-then-ec.pem

# Encrypted PKCS#8 (PBES2: PBKDF2 + AES-256-CBC, and scrypt), password
# "jot-test"; and a legacy OpenSSL-encrypted PEM (not supported).
o pkcs8 -topk8 -in ec-p256.pkcs8.pem -v2 aes-256-cbc -passout pass:jot-test -out ec-p256.enc.pem
o pkcs8 -topk8 -in rsa2048.pkcs8.pem -v2 aes-128-cbc -passout pass:jot-test -outform DER -out rsa2048.enc.der
o pkcs8 -topk8 -in ed25519.pkcs8.pem -scrypt -passout pass:jot-test -out ed25519.enc-scrypt.pem
o ec -in ec-p256.pkcs8.pem -aes256 -passout pass:jot-test -out ec-p256.legacy-enc.pem
