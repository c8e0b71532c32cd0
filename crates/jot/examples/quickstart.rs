//! Signs a JWT with a freshly prepared key and verifies it.
//! Run with `cargo run -p jot --example quickstart`.

use std::time::Duration;

use jot::jwk::Jwk;
use jot::jwt::{self, Claims, Validation};
use jot::key::{SigningKey, VerifyingKey};
use jot::Algorithm;

fn main() -> Result<(), jot::Error> {
    // The RFC 7515 Appendix A.3 P-256 key.
    let jwk: Jwk = r#"{"kty":"EC","crv":"P-256",
        "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI","kid":"demo"}"#
        .parse()?;
    let signer = SigningKey::from_jwk(&jwk, Algorithm::ES256)?;
    let token = jwt::Builder::new()
        .issuer("https://issuer.example")
        .audience("api")
        .subject("user-1")
        .expires_in(Duration::from_secs(300))
        .sign(&signer)?;
    println!("{token}");

    let verifier = VerifyingKey::from_jwk(&jwk.to_public()?, Algorithm::ES256)?;
    let rules = Validation::new()
        .issuer("https://issuer.example")
        .audience("api");
    let verified = jwt::verify::<Claims>(&token, &verifier, &rules)?;
    println!(
        "verified: sub={:?} kid={:?}",
        verified.claims.sub, verified.header.kid
    );
    Ok(())
}
