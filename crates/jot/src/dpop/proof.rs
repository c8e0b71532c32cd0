//! Making a DPoP proof (RFC 9449 §4.2), the client's side.

use serde_json::{Map, Value};

use super::htu::normalize_htu;
use super::PROOF_TYP;
use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::jws::Header;
use crate::jwt::NumericDate;
use crate::key::SigningKey;

/// `ath`: the base64url SHA-256 of an access token (RFC 9449 §4.2), which
/// ties a proof to the token it is sent with.
pub fn access_token_hash(access_token: &str) -> String {
    b64::encode(crate::backend::sha256(access_token.as_bytes()))
}

/// A DPoP proof for one HTTP request.
///
/// `htu` is given without its query and fragment (they are removed if
/// present). The proof gets a random 128-bit `jti` and `iat` = now unless
/// set; its header carries `typ: dpop+jwt`, the key's `alg` and its public
/// JWK (and the key's `kid`, if it has one: the verifier goes by the JWK).
#[derive(Debug, Clone)]
pub struct ProofBuilder {
    htm: String,
    htu: String,
    ath: Option<String>,
    nonce: Option<String>,
    iat: Option<i64>,
    jti: Option<String>,
}

impl ProofBuilder {
    /// A proof for a `htm` request (`"POST"`, exactly as sent) to `htu`.
    pub fn new(htm: impl Into<String>, htu: impl Into<String>) -> Self {
        ProofBuilder {
            htm: htm.into(),
            htu: htu.into(),
            ath: None,
            nonce: None,
            iat: None,
            jti: None,
        }
    }

    /// Sent with this access token: the proof gets its `ath`.
    pub fn access_token(mut self, access_token: &str) -> Self {
        self.ath = Some(access_token_hash(access_token));
        self
    }

    /// The nonce the server provided (`DPoP-Nonce`).
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// `iat` at this UNIX time instead of now.
    pub fn issued_at(mut self, unix: i64) -> Self {
        self.iat = Some(unix);
        self
    }

    /// This `jti` instead of a random one.
    pub fn jwt_id(mut self, jti: impl Into<String>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// Signs the proof with the client's private key (any asymmetric
    /// algorithm; an HMAC key is refused, RFC 9449 §4.2).
    pub fn sign(&self, key: &SigningKey) -> Result<String> {
        let alg = key.algorithm();
        let public = match key.public_jwk() {
            Some(jwk) if !alg.is_symmetric() => jwk,
            _ => return Err(Error::AlgorithmNotAllowed(alg.name().into())),
        };
        let jwk = serde_json::to_value(public).map_err(|e| Error::json(Part::Key, &e))?;
        let mut header = Header::new(alg);
        header.typ = Some(PROOF_TYP.into());
        header.other.insert("jwk".into(), jwk);

        let htu = normalize_htu(&self.htu)?;
        let jti = match &self.jti {
            Some(jti) => jti.clone(),
            None => {
                let mut bytes = [0u8; 16];
                crate::backend::fill_random(&mut bytes)?;
                b64::encode(bytes)
            }
        };
        let iat = self.iat.unwrap_or_else(|| NumericDate::now().0);
        let mut claims = Map::new();
        claims.insert("jti".into(), Value::String(jti));
        claims.insert("htm".into(), Value::String(self.htm.clone()));
        claims.insert("htu".into(), Value::String(htu));
        claims.insert("iat".into(), Value::from(iat));
        if let Some(ath) = &self.ath {
            claims.insert("ath".into(), Value::String(ath.clone()));
        }
        if let Some(nonce) = &self.nonce {
            claims.insert("nonce".into(), Value::String(nonce.clone()));
        }
        let payload = serde_json::to_vec(&claims).map_err(|e| Error::json(Part::Payload, &e))?;
        crate::jws::compact::sign_with_header(&payload, key, Some(&header))
    }
}
