#!/usr/bin/env python3
"""DPoP proofs (RFC 9449) made and checked by an independent implementation,
joserfc, for crates/jot-cli/tests/dpop_interop.rs.

    dpop_proof.py make --alg ES256|EdDSA|Ed25519 --htm M --htu URL [--ath-of TOKEN]
        Makes a key and a proof with it; prints JSON: proof, jkt (the key's
        RFC 7638 SHA-256 thumbprint, computed by joserfc), ath, jti, iat.

    dpop_proof.py verify --htm M --htu URL [--ath-of TOKEN] [--at UNIX] < proof
        Checks the proof as RFC 9449 section 4.3 asks, with joserfc verifying
        the signature against the jwk header; prints JSON: jkt, alg, jti.
        Exits 1, with the reason on stderr, when any check fails.

Only joserfc and the standard library: nothing here shares code with Jot.
"""

import argparse
import base64
import hashlib
import json
import secrets
import sys
import time
import warnings

from joserfc import jws
from joserfc.jwk import ECKey, OKPKey

# RFC 9449 section 4.2: asymmetric algorithms only, never "none" or a MAC.
ASYMMETRIC = ["ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"]
# The interop test uses the EdDSA name on purpose (Jot accepts it, and
# deployed clients still send it); joserfc warns that RFC 9864 deprecates it.
warnings.filterwarnings("ignore", message=".*deprecated via RFC 9864")

MAX_AGE = 300
LEEWAY = 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ath_of(token: str) -> str:
    # RFC 9449 section 4.2: base64url SHA-256 of the token's ASCII bytes.
    return b64url(hashlib.sha256(token.encode("ascii")).digest())


def new_key(alg: str):
    if alg == "ES256":
        return ECKey.generate_key("P-256")
    if alg in ("EdDSA", "Ed25519"):
        return OKPKey.generate_key("Ed25519")
    raise SystemExit(f"unsupported alg {alg}")


def import_public(jwk: dict):
    kty = jwk.get("kty")
    if kty == "EC":
        return ECKey.import_key(jwk)
    if kty == "OKP":
        return OKPKey.import_key(jwk)
    raise ValueError(f"jwk kty {kty!r} not handled here")


def make(args) -> None:
    key = new_key(args.alg)
    public = key.as_dict(private=False)
    iat = int(time.time())
    claims = {
        "jti": b64url(secrets.token_bytes(16)),
        "htm": args.htm,
        "htu": args.htu,
        "iat": iat,
    }
    if args.ath_of is not None:
        claims["ath"] = ath_of(args.ath_of)
    header = {"typ": "dpop+jwt", "alg": args.alg, "jwk": public}
    proof = jws.serialize_compact(
        header, json.dumps(claims).encode(), key, algorithms=[args.alg]
    )
    out = {
        "proof": proof,
        "jkt": key.thumbprint(),
        "ath": claims.get("ath"),
        "jti": claims["jti"],
        "iat": iat,
    }
    print(json.dumps(out))


def fail(reason: str) -> None:
    print(f"dpop_proof.py: refused: {reason}", file=sys.stderr)
    sys.exit(1)


def verify(args) -> None:
    proof = sys.stdin.read().strip()
    parts = proof.split(".")
    if len(parts) != 3:
        fail("not a compact JWS")
    try:
        header = json.loads(b64url_decode(parts[0]))
    except ValueError as e:
        fail(f"header: {e}")
    if header.get("typ") != "dpop+jwt":
        fail(f"typ is {header.get('typ')!r}")
    alg = header.get("alg")
    if alg not in ASYMMETRIC:
        fail(f"alg {alg!r} is not an allowed asymmetric algorithm")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict):
        fail("no jwk header")
    if any(member in jwk for member in ("d", "p", "q", "dp", "dq", "qi", "k")):
        fail("the jwk header holds private key material")
    try:
        key = import_public(jwk)
        # joserfc checks the signature with the key from the header.
        verified = jws.deserialize_compact(proof, key, algorithms=[alg])
    except Exception as e:  # noqa: BLE001 - any failure is a refusal
        fail(f"signature: {type(e).__name__}: {e}")
    claims = json.loads(verified.payload)
    for name in ("jti", "htm", "htu", "iat"):
        if name not in claims:
            fail(f"missing claim {name}")
    if claims["htm"] != args.htm:
        fail("htm is not the request's method")
    if claims["htu"] != args.htu:
        fail("htu is not the request's URI")
    now = args.at if args.at is not None else int(time.time())
    if not (now - MAX_AGE - LEEWAY <= claims["iat"] <= now + LEEWAY):
        fail("iat outside the window")
    if args.ath_of is not None and claims.get("ath") != ath_of(args.ath_of):
        fail("ath is not the hash of the access token")
    print(json.dumps({"jkt": key.thumbprint(), "alg": alg, "jti": claims["jti"]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("--alg", default="ES256")
    v = sub.add_parser("verify")
    v.add_argument("--at", type=int)
    for p in (m, v):
        p.add_argument("--htm", required=True)
        p.add_argument("--htu", required=True)
        p.add_argument("--ath-of")
    args = parser.parse_args()
    make(args) if args.command == "make" else verify(args)


if __name__ == "__main__":
    main()
