#!/usr/bin/env python3
"""Writes the fuzz seed corpora and fixed keys from the RFC 7520 vectors.

Usage: python3 fuzz/seed.py [VECTORS_DIR]   (default: testdata/
in the repository). Re-running rewrites fuzz/seeds/ and fuzz/keys/
identically; both are committed so a fuzz run needs no vectors.
"""
import base64
import hashlib
import json
import pathlib
import shutil
import sys
import urllib.parse

FUZZ = pathlib.Path(__file__).resolve().parent
REPO = FUZZ.parent
VECTORS = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "testdata"
RFC = VECTORS / "rfc7520"
SEEDS = FUZZ / "seeds"
KEYS = FUZZ / "keys"

TARGETS = ["compact_parse", "json_parse", "jwk_parse", "pem_der_import",
           "jws_verify", "jwe_decrypt", "claims_validation",
           "serve_request_parsers"]


def listify(v):
    return v if isinstance(v, list) else [v]


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    (SEEDS / target / name).write_bytes(data)


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    for t in TARGETS:
        (SEEDS / t).mkdir(parents=True)
    KEYS.mkdir(exist_ok=True)

    files = sorted(RFC.glob("*/*.json"))
    jws_keys, jwe_lines, all_keys = {}, [], []
    for f in files:
        doc = json.loads(f.read_text())
        inp, out = doc.get("input", {}), doc.get("output")
        if f.parent.name == "jwk":
            all_keys.append(doc)
            continue
        is_jwe = "enc" in inp
        keys = listify(inp.get("key", []))
        algs = listify(inp.get("alg"))
        all_keys.extend(keys)
        if is_jwe:
            if "pwd" in inp:
                jwe_lines.append(f"{algs[0]} password:{inp['pwd']}")
                put("jwk_parse", inp["plaintext"])  # a JWK Set
            for k, a in zip(keys, algs):
                # RFC 7520 §5.6 and §5.7 keys name their content algorithm
                # in "alg"; Jot binds a key to its key management algorithm.
                k = {m: v for m, v in k.items() if m != "alg" or v == a}
                jwe_lines.append(f"{a} {json.dumps(k, separators=(',', ':'))}")
        else:
            for k in keys:
                jws_keys[json.dumps(k, sort_keys=True)] = k
        if not isinstance(out, dict):
            continue
        if "compact" in out:
            put("compact_parse", out["compact"])
            put("jwe_decrypt" if is_jwe else "jws_verify", out["compact"])
        for form in ("json", "json_flat"):
            if form in out:
                put("jwe_decrypt" if is_jwe else "jws_verify", out[form])
                if not is_jwe:
                    put("json_parse", out[form])

    nest = json.loads((RFC / "6.nesting_signatures_and_encryption.json").read_text())
    put("compact_parse", nest["sign"]["output"]["compact"])
    put("jws_verify", nest["sign"]["output"]["compact"])
    put("claims_validation", nest["sign"]["input"]["payload"])
    k = nest["sign"]["input"]["key"]
    jws_keys[json.dumps(k, sort_keys=True)] = k
    ek = nest["encrypt"]["input"]
    jwe_lines.append(f"{ek['alg']} {json.dumps(ek['key'], separators=(',', ':'))}")
    for form in ("compact", "json", "json_flat"):
        put("jwe_decrypt", nest["encrypt"]["output"][form])

    for k in all_keys:
        put("jwk_parse", k)
    put("jwk_parse", {"keys": all_keys})

    for claims in [
        {"iss": "hobbiton.example", "aud": "fuzz", "exp": 1300819380, "iat": 1300819000,
         "nbf": 1300818000, "jti": "x", "sub": "frodo"},
        {"iss": "hobbiton.example", "aud": ["fuzz", "other"], "exp": 1300819380.5, "jti": "y"},
        {"exp": "1300819380", "aud": 1, "iss": None},
        {"exp": 1e300, "nbf": -1, "iat": 18446744073709551616},
        {"iss": "a", "iss2": {"nested": [1, 2, {"x": []}]}},
    ]:
        put("claims_validation", claims)

    key_dir = REPO / "crates" / "jot" / "tests" / "data" / "keys"
    for p in sorted(key_dir.iterdir()):
        if p.suffix in (".pem", ".der"):
            put("pem_der_import", p.read_bytes())

    serve_seeds(key_dir)

    jwks = {"keys": list(jws_keys.values())}
    (KEYS / "jws.jwks").write_text(json.dumps(jwks, indent=1) + "\n")
    hmac = next(k for k in jws_keys.values() if k.get("kty") == "oct")
    (KEYS / "hmac.jwk").write_text(json.dumps(hmac) + "\n")
    (KEYS / "jwe.keys").write_text("\n".join(dict.fromkeys(jwe_lines)) + "\n")
    for t in TARGETS:
        print(f"{t}: {len(list((SEEDS / t).iterdir()))} seeds")


def serve_seeds(key_dir):
    """jot serve's request parsers: token forms, Basic credentials, DPoP
    headers and forwarded certificates, including the oversized, repeated,
    badly percent-encoded and non-UTF-8 inputs issue 14 names. The large
    ones also raise libFuzzer's default maximum input length to theirs."""
    t = "serve_request_parsers"
    b64 = lambda b: base64.b64encode(b).decode()
    for body in [
        "grant_type=client_credentials&scope=read+write&client_id=app",
        "grant_type=refresh_token&refresh_token=abc&refresh_token=abc",
        "grant_type=client_credentials&scope=&scope=x",
        "a=%zz&b=%&c=%4&d=%%41",
        "client_secret=%C3%A9t%C3%A9%2B%26%3D&client_id=my%3Aapp",
    ]:
        put(t, body)
    put(t, b"grant_type=\xff\xfe&client_id=\xc3\x28&\x80=1")
    put(t, b"scope=" + b"a" * 65536)
    put(t, "&".join(f"p{i}=v{i}" for i in range(6000)) + "&p17=again")
    put(t, "Basic " + b64(b"my%3Aapp:s+e%2Bc%25"))
    put(t, "basic   " + b64(b"id:secret") + "  ")
    put(t, b"Basic " + base64.b64encode(b"\xff\xfe:\x00\x01"))
    put(t, b"Basic \xff\xfe\x80")
    put(t, "Basic " + b64(b"client:" + b"s" * 49152))
    put(t, "Basic " + "A" * 65536)
    put(t, b"id with spaces+and+plus\x00s\xc3\xa9cret:%25")
    proof = ".".join(base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
                     for p in [{"typ": "dpop+jwt", "alg": "ES256",
                                "jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}},
                               {"htm": "POST", "htu": "https://jot.example/token",
                                "iat": 1700000000, "jti": "j"}]) + ".AAAA"
    put(t, proof)
    put(t, proof + "\n" + proof)
    put(t, b"ey\x7f.\x00")
    for p in sorted(key_dir.iterdir()):
        if p.name.startswith("cert-"):
            pem = p.read_bytes()
            put(t, urllib.parse.quote(pem, safe="").encode())
            put(t, urllib.parse.quote(pem[: len(pem) // 2], safe="").encode())


if __name__ == "__main__":
    main()
