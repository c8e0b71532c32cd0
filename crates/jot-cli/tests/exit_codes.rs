//! Exit codes (0 ok, 1 rejected, 2 usage/config), `--json` shapes and
//! error messages that say what to do without printing secrets or tokens.

mod common;

use common::{ok, run, Fixtures, HS256_SECRET};
use serde_json::Value;

fn verify_json(fx: &Fixtures, token: &str, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["verify", token, "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(fx.path(), &args, b"");
    let v = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, v, err)
}

fn hs_token(fx: &Fixtures, extra: &[&str]) -> String {
    let mut args = vec!["sign", "--alg", "HS256", "--secret-file", "hs256.key"];
    args.extend_from_slice(extra);
    ok(fx.path(), &args).trim().to_owned()
}

#[test]
fn valid_json_shape() {
    let fx = Fixtures::new();
    let (code, v, _) = verify_json(&fx, &fx.token(), &["--key", "ec.pub.jwk", "--aud", "api"]);
    assert_eq!(code, 0);
    let obj = v.as_object().unwrap();
    assert_eq!(
        obj.keys().collect::<Vec<_>>(),
        ["valid", "header", "claims"]
    );
    assert_eq!(v["valid"], true);
    assert_eq!(v["header"]["alg"], "ES256");
    assert_eq!(v["header"]["typ"], "JWT");
    assert_eq!(v["claims"]["iss"], "https://issuer.example");
}

/// Each rejection: exit 1, `{"valid":false,"error":{code,message}}`.
#[test]
fn rejections_exit_1_with_stable_codes() {
    let fx = Fixtures::new();
    let key = ["--secret-file", "hs256.key"];
    let good = hs_token(
        &fx,
        &["--exp", "1h", "--aud", "api", "--iss", "me", "--sub", "s"],
    );
    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    // 'A' and 'E' both leave the two unused low bits of the last character
    // zero (43 characters carry 256 bits): the result is canonical base64url
    // whose signature is wrong. ('B' after an 'A' made it a base64 error
    // instead, once in 16 runs.)
    tampered.push(if last == 'A' { 'E' } else { 'A' });
    let expired = hs_token(&fx, &["--exp", "-2h"]);
    let future = hs_token(&fx, &["--exp", "2h", "--nbf", "+1h"]);
    let no_exp = hs_token(&fx, &[]);
    let json_jws = ok(
        fx.path(),
        &[
            "jws",
            "sign",
            "--payload",
            "{}",
            "--alg",
            "HS256",
            "--secret-file",
            "hs256.key",
            "--json",
        ],
    );
    let jwe = common::load_json(&common::vector(
        "rfc7520/jwe/5_6.direct_encryption_using_aes-gcm.json",
    ))["output"]["compact"]
        .as_str()
        .unwrap()
        .to_owned();
    let other_key = ["--secret", "another secret that is 32 bytes!!"];
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("bad signature", &tampered, vec!["--aud", "api"]),
        ("wrong key", &good, vec!["--aud", "api"]),
        ("expired", &expired, vec![]),
        ("not yet valid", &future, vec![]),
        ("no exp", &no_exp, vec![]),
        ("aud not expected", &good, vec![]),
        ("wrong aud", &good, vec!["--aud", "other"]),
        ("wrong iss", &good, vec!["--aud", "api", "--iss", "them"]),
        ("wrong sub", &good, vec!["--aud", "api", "--sub", "t"]),
        (
            "missing claim",
            &good,
            vec!["--aud", "api", "--require", "jti"],
        ),
        ("typ", &good, vec!["--aud", "api", "--typ", "at+jwt"]),
        (
            "alg not allowed",
            &good,
            vec!["--aud", "api", "--alg", "HS512"],
        ),
        ("malformed", "not-a-token", vec![]),
        ("bad base64", "e3=.e30.abc", vec![]),
        ("json serialization", json_jws.trim(), vec![]),
        ("jwe", &jwe, vec![]),
    ];
    let expected_codes = [
        "ERR_SIGNATURE_INVALID",
        "ERR_SIGNATURE_INVALID",
        "ERR_JWT_EXPIRED",
        "ERR_JWT_NOT_YET_VALID",
        "ERR_JWT_CLAIM_MISSING",
        "ERR_JWT_AUDIENCE",
        "ERR_JWT_AUDIENCE",
        "ERR_JWT_ISSUER",
        "ERR_JWT_SUBJECT",
        "ERR_JWT_CLAIM_MISSING",
        "ERR_JWT_TYP",
        "ERR_ALG_NOT_ALLOWED",
        "ERR_MALFORMED",
        "ERR_BASE64",
        "ERR_MALFORMED",
        "ERR_NOT_JWS",
    ];
    for ((what, token, extra), want) in cases.into_iter().zip(expected_codes) {
        let long_secret = HS256_SECRET.repeat(2);
        let mut args: Vec<&str> = match what {
            "wrong key" => other_key.to_vec(),
            // A 64-byte secret can do HS512; allowing only that rejects HS256.
            "alg not allowed" => vec!["--secret", &long_secret],
            _ => key.to_vec(),
        };
        args.extend(extra);
        let (code, v, _) = verify_json(&fx, token, &args);
        assert_eq!(code, 1, "{what}");
        assert_eq!(v["valid"], false, "{what}");
        assert_eq!(v["error"]["code"], want, "{what}: {v}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_eq!(v.as_object().unwrap().len(), 2);
        // Without --json: nothing on stdout, the reason on stderr, exit 1.
        let mut plain = vec!["verify", token];
        plain.extend(args.iter().copied());
        let (code, out, err) = run(fx.path(), &plain, b"");
        assert_eq!(code, 1, "{what}");
        assert!(out.is_empty(), "{what}: {out}");
        assert!(err.starts_with("jot: rejected: "), "{what}: {err}");
        assert!(
            !err.contains(HS256_SECRET) && !err.contains(&good),
            "{what} leaks: {err}"
        );
    }
}

#[test]
fn messages_say_what_to_do() {
    let fx = Fixtures::new();
    let token = hs_token(&fx, &["--exp", "1h", "--aud", "api"]);
    let (_, _, err) = run(
        fx.path(),
        &["verify", &token, "--secret-file", "hs256.key"],
        b"",
    );
    assert!(err.contains("--aud") && err.contains("\"api\""), "{err}");
    let no_exp = hs_token(&fx, &[]);
    let (_, _, err) = run(
        fx.path(),
        &["verify", &no_exp, "--secret-file", "hs256.key"],
        b"",
    );
    assert!(err.contains("--allow-no-exp"), "{err}");
    ok(
        fx.path(),
        &[
            "verify",
            &no_exp,
            "--secret-file",
            "hs256.key",
            "--allow-no-exp",
        ],
    );
    let expired = hs_token(&fx, &["--exp", "-3h", "--no-iat"]);
    let (_, _, err) = run(
        fx.path(),
        &["verify", &expired, "--secret-file", "hs256.key"],
        b"",
    );
    assert!(
        err.contains("expired 3h ago") && err.contains("UTC"),
        "{err}"
    );
    // --at brings it back; --leeway too.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let at = (now - 4 * 3600).to_string();
    ok(
        fx.path(),
        &[
            "verify",
            &expired,
            "--secret-file",
            "hs256.key",
            "--at",
            &at,
        ],
    );
    ok(
        fx.path(),
        &[
            "verify",
            &expired,
            "--secret-file",
            "hs256.key",
            "--leeway",
            "4h",
        ],
    );
    // --max-age needs iat.
    let (code, v, _) = verify_json(
        &fx,
        &expired,
        &[
            "--secret-file",
            "hs256.key",
            "--leeway",
            "4h",
            "--max-age",
            "1h",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "ERR_JWT_CLAIM_MISSING");
    let old = hs_token(&fx, &["--exp", "1h", "--aud", "api"]);
    let (code, v, _) = verify_json(
        &fx,
        &old,
        &[
            "--secret-file",
            "hs256.key",
            "--aud",
            "api",
            "--max-age",
            "10s",
            "--at",
            &(now + 3000).to_string(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["error"]["code"], "ERR_JWT_TOO_OLD");
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let fx = Fixtures::new();
    let token = fx.token();
    let cases: Vec<Vec<&str>> = vec![
        vec!["verify", &token],                                          // no key
        vec!["verify", &token, "--key", "ec.pub.jwk", "--secret", "x"],  // two keys
        vec!["verify", &token, "--key", "missing.jwk"],                  // unreadable
        vec!["verify", &token, "--key", "payload.txt"],                  // not a key
        vec!["verify", &token, "--key", "ec.pub.jwk", "--alg", "hs256"], // unknown alg
        vec!["verify", &token, "--key", "ec.pub.jwk", "--alg", "none"],  // none
        vec!["verify", &token, "--key", "ec.pub.jwk", "--alg", "HS256"], // key can't
        vec!["verify", &token, "--key", "ec.pub.jwk", "--leeway", "soon"],
        vec!["verify", &token, "--secret", "short"], // weak secret
        vec!["sign", "--key", "ec.pub.jwk", "--alg", "ES256"], // public key
        vec!["sign", "--key", "ec.jwk", "--alg", "RS256"], // wrong alg
        vec!["sign", "--secret-file", "hs256.key"],  // no alg
        vec!["sign", "--key", "ec.jwk", "--exp", "tomorrow"],
        vec!["sign", "--key", "ec.jwk", "--header", "x=not json"],
        vec!["sign", "--key", "ec.jwk", "--header", "alg=\"HS256\""],
        vec!["sign", "payload.txt", "--key", "ec.jwk"], // not JSON
        vec!["sign", "--key", "ec.jwk", "--secret-b64", "!!"],
        vec!["frobnicate"],
        vec!["verify", &token, "--key", "ec.pub.jwk", "--no-such-flag"],
        vec!["key", "public", "hs256.key"], // raw bytes: not a key
        vec!["key", "convert", "ec.jwk", "--to", "yaml"],
        vec!["jwks", "build"],
        vec!["completions", "tcsh"],
    ];
    for args in cases {
        let (code, out, err) = run(fx.path(), &args, b"");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(!err.is_empty());
        assert!(!err.contains(&token), "{args:?} prints the token");
    }
    // Secrets never appear in messages.
    let (_, _, err) = run(
        fx.path(),
        &["verify", &token, "--secret", "short-secret-xyz"],
        b"",
    );
    assert!(!err.contains("short-secret-xyz"), "{err}");
    let (_, _, err) = run(
        fx.path(),
        &["verify", &token, "--secret-b64", "c2VjcmV0!!"],
        b"",
    );
    assert!(!err.contains("c2VjcmV0"), "{err}");
}

#[test]
fn empty_stdin_is_a_usage_error() {
    let fx = Fixtures::new();
    let (code, _, err) = run(fx.path(), &["verify", "--key", "ec.pub.jwk"], b"  \n");
    assert_eq!(code, 2);
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn no_colour_unless_a_terminal() {
    let fx = Fixtures::new();
    let out = ok(
        fx.path(),
        &["verify", &fx.token(), "--key", "ec.pub.jwk", "--aud", "api"],
    );
    assert!(!out.contains('\x1b'));
    assert!(out.starts_with("VALID"));
    let out = ok(fx.path(), &["decode", &fx.token(), "--no-color"]);
    assert!(!out.contains('\x1b') && out.starts_with("UNVERIFIED"));
}

#[test]
fn sign_options_end_up_in_the_token() {
    let fx = Fixtures::new();
    let token = ok(
        fx.path(),
        &[
            "sign",
            "claims.json",
            "--key",
            "ec.jwk",
            "--iss",
            "i",
            "--aud",
            "a1",
            "--aud",
            "a2",
            "--jti",
            "j1",
            "--exp",
            "1700000000",
            "--nbf",
            "1600000000",
            "--no-iat",
            "--kid",
            "k9",
            "--typ",
            "at+jwt",
            "--header",
            "x5t=\"abc\"",
            "-c",
            "n=5",
            "-c",
            "s=text",
            "-c",
            "o={\"a\":[1]}",
        ],
    );
    let v: Value =
        serde_json::from_str(&ok(fx.path(), &["decode", "--json", token.trim()])).unwrap();
    assert_eq!(v["header"]["kid"], "k9");
    assert_eq!(v["header"]["typ"], "at+jwt");
    assert_eq!(v["header"]["x5t"], "abc");
    let p = &v["payload"];
    assert_eq!(p["sub"], "alice", "from claims.json");
    assert_eq!(p["aud"], serde_json::json!(["a1", "a2"]));
    assert_eq!(p["iss"], "i");
    assert_eq!(p["jti"], "j1");
    assert_eq!(p["exp"], 1_700_000_000);
    assert_eq!(p["nbf"], 1_600_000_000);
    assert!(p.get("iat").is_none());
    assert_eq!(p["n"], 5);
    assert_eq!(p["s"], "text");
    assert_eq!(p["o"], serde_json::json!({"a":[1]}));
    // --random-jti: 128 bits, different each time.
    let t1 = ok(fx.path(), &["sign", "--key", "ec.jwk", "--random-jti"]);
    let t2 = ok(fx.path(), &["sign", "--key", "ec.jwk", "--random-jti"]);
    let jti = |t: &str| {
        let v: Value =
            serde_json::from_str(&ok(fx.path(), &["decode", "--json", t.trim()])).unwrap();
        v["payload"]["jti"].as_str().unwrap().to_owned()
    };
    assert_ne!(jti(&t1), jti(&t2));
    assert_eq!(jti(&t1).len(), 22);
}
