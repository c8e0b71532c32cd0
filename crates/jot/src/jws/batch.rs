//! Ed25519 batch verification of compact JWS from one issuer.
//!
//! [`Ed25519Batch::verify`] returns, for each token, what
//! [`compact::verify`](super::compact::verify) returns for it, at a fraction
//! of the cost when most tokens are good: the signatures are checked with one
//! random linear combination instead of one double-scalar multiplication each
//! (aws-lc-rs has no multi-scalar multiplication; the combination is computed
//! with `curve25519-dalek`). A batch that fails is re-checked token by token
//! with the ordinary single verification, which alone decides which tokens
//! are bad.
//!
//! # What the batch accepts
//!
//! Single verification is aws-lc-rs's cofactorless check (RFC 8032 §5.1.7
//! permits it; it is what other JOSE libraries do): the encoding of
//! `[S]B − [k]A` must equal the bytes of `R`, `k = SHA-512(R || A || M)`.
//! No random linear combination can decide that equation, so the batch
//! decides the cofactored one, `[8][S]B = [8]R + [8][k]A`, for all tokens
//! at once. The two differ in one case only, and the batch is documented
//! to differ there, as ed25519-dalek's `verify_batch` is:
//!
//! - **The batch may accept a token that single verification rejects, if
//!   its signature could only have been made by the private-key holder**:
//!   `R = [r]B + T` with `T` a point of order 2, 4 or 8, and
//!   `S = r + k·a` computed with the private scalar `a`. `[8]` removes `T`,
//!   so the batch accepts it when the rest of its chunk is good; when the
//!   chunk falls back to single verification, it is rejected. Nobody else
//!   can make it: it is an ordinary signature over its message except for
//!   `T`, and finding `S` for a given `R` and message without `a` is
//!   forging Ed25519. Rejecting it in the batch would cost a scalar
//!   multiplication per token (curve25519-dalek's `is_torsion_free`, ~19 µs
//!   on the reference machine, against ~9 µs per token for the whole batched
//!   verification); making single verification accept it would double the
//!   cost of every rejected signature (a second check after aws-lc-rs's),
//!   and cheap rejection of invalid tokens is worth more.
//! - **It accepts nothing else.** A token whose cofactored equation fails
//!   has a non-zero prime-order part in `[8](Rᵢ + [kᵢ]A − [Sᵢ]B)`; with
//!   independent random 128-bit `zᵢ` the combined sum vanishes with
//!   probability at most 2⁻¹²⁸, and otherwise the whole chunk is re-checked
//!   one token at a time by single verification.
//!
//! Everything else that could make the two disagree is settled before or
//! outside the batch:
//!
//! - Parsing, header rules, `alg` and key choice, signature base64 and the
//!   payload's base64 run through the very functions of
//!   [`compact`](super::compact); a token they reject gets their error.
//! - Tokens whose signature is not 64 bytes, whose `S` is not canonical
//!   (`S ≥ L`), whose `R` is not the canonical encoding of a curve point or
//!   is of small order, never enter the batch: single verification decides
//!   them. The key itself must be the canonical encoding of a point of prime
//!   order (a small-order `A` would let `[8][k]A` vanish), or nothing is
//!   batched.
//! - Any failure (batch equation, a random number generator error) sends
//!   every token of the chunk to single verification.

use super::compact::{self, Parts, Verified};
use super::VerifyOptions;
use crate::alg::Algorithm;
use crate::backend::ed25519::{self, BatchSig, Point};
use crate::error::KeyMismatch;
use crate::error::{Error, Result};
use crate::key::VerifyingKey;
use crate::limits::Limits;

/// Tokens checked by one batch equation. A bad token makes its whole chunk
/// fall back to single verification, so the chunk bounds that cost; 64 is
/// where the multi-scalar multiplication has most of its gain.
const CHUNK: usize = 64;

/// Verifies many compact EdDSA (Ed25519) JWS signed by one key.
///
/// ```
/// # use jot::{jws, key::{generate_for, SigningKey, VerifyingKey}, Algorithm};
/// let jwk = generate_for(Algorithm::EdDSA)?;
/// let signer = SigningKey::from_jwk(&jwk, Algorithm::EdDSA)?;
/// let tokens: Vec<String> = (0..3)
///     .map(|i| jws::compact::sign(format!("message {i}").as_bytes(), &signer))
///     .collect::<Result<_, _>>()?;
/// let batch = jws::batch::Ed25519Batch::new(&signer.verifying_key()?)?;
/// let results = batch.verify(&tokens, &jws::VerifyOptions::default());
/// assert!(results.iter().all(|r| r.is_ok()));
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Ed25519Batch {
    key: VerifyingKey,
    /// `A`, if it is fit for the batch equation (canonical, torsion-free).
    point: Option<Point>,
    public: [u8; 32],
}

/// A signature fit for the batch equation, with its message.
struct Candidate<'a, T> {
    index: usize,
    message: &'a [u8],
    /// `R` and `S` (`R` hashed as the token has it, like single
    /// verification).
    sig: BatchSig,
    /// What the caller needs to finish an accepted item.
    rest: T,
}

impl Ed25519Batch {
    /// Prepares `key`, which must verify `EdDSA` or `Ed25519` with an
    /// Ed25519 public key.
    pub fn new(key: &VerifyingKey) -> Result<Self> {
        let not_ed25519 = || Error::key_alg(key.algorithm(), KeyMismatch::Shape);
        if !matches!(key.algorithm(), Algorithm::EdDSA | Algorithm::Ed25519) {
            return Err(not_ed25519());
        }
        let public = *key.ed25519_public_key().ok_or_else(not_ed25519)?;
        // A key that is not the canonical encoding of a point of prime order
        // would make the reduced scalar [Σ zᵢkᵢ mod L]A differ from Σ zᵢkᵢA;
        // such a key is verified one token at a time instead.
        let point = key.ed25519_point().copied();
        Ok(Ed25519Batch {
            key: key.clone(),
            point,
            public,
        })
    }

    /// The key the tokens are verified with.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Verifies every token; `result[i]` is what
    /// [`compact::verify`](super::compact::verify) returns for `tokens[i]`.
    pub fn verify<S: AsRef<str>>(
        &self,
        tokens: &[S],
        opts: &VerifyOptions,
    ) -> Vec<Result<Verified>> {
        let limits = &opts.limits;
        let mut results: Vec<Option<Result<Verified>>> = Vec::with_capacity(tokens.len());
        results.resize_with(tokens.len(), || None);
        let single = |t: &str| compact::verify(t, &self.key, opts);
        let Some(a) = self.point else {
            return tokens.iter().map(|t| single(t.as_ref())).collect();
        };
        let mut candidates = Vec::with_capacity(CHUNK.min(tokens.len()));
        for (index, token) in tokens.iter().enumerate() {
            let token = token.as_ref();
            match self.prepare(index, token, limits) {
                Ok(Some(c)) => candidates.push(c),
                Ok(None) => put(&mut results, index, single(token)),
                Err(e) => put(&mut results, index, Err(e)),
            }
            if candidates.len() == CHUNK {
                self.settle(a, &mut candidates, tokens, opts, &mut results);
            }
        }
        self.settle(a, &mut candidates, tokens, opts, &mut results);
        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(Error::InvalidSignature)))
            .collect()
    }

    /// Runs the checks single verification runs before the signature. An
    /// error is the token's result; `None` means "let single verification
    /// decide" (a signature the batch must not judge).
    fn prepare<'a>(
        &self,
        index: usize,
        token: &'a str,
        limits: &Limits,
    ) -> Result<Option<Candidate<'a, JwsRest<'a>>>> {
        let parts = compact::split(token, limits)?;
        let (header, sig) = compact::decode_header_and_signature(&parts, limits)?;
        crate::jws::resolve_checked(&self.key, &header)?;
        let Some(sig) = ed25519::batch_sig(&sig) else {
            return Ok(None);
        };
        Ok(Some(Candidate {
            index,
            message: parts.signed.as_bytes(),
            sig,
            rest: (parts, header),
        }))
    }

    /// The signature layer alone, for raw `(message, signature)` pairs:
    /// the same prechecks, equation and fallback as the token path.
    #[cfg(test)]
    fn verify_raw(&self, items: &[(&[u8], &[u8])]) -> Vec<bool> {
        let single = |(m, s): &(&[u8], &[u8])| self.key.verify(m, s).is_ok();
        let Some(a) = self.point else {
            return items.iter().map(single).collect();
        };
        let mut out = vec![false; items.len()];
        let mut candidates = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match ed25519::batch_sig(item.1) {
                Some(sig) => candidates.push(Candidate {
                    index,
                    message: item.0,
                    sig,
                    rest: (),
                }),
                None => out[index] = single(item),
            }
        }
        for chunk in candidates.chunks(CHUNK) {
            let ok = self.equation_holds(a, chunk);
            for c in chunk {
                out[c.index] = ok || single(&items[c.index]);
            }
        }
        out
    }

    /// Checks the candidates with one equation and records their results,
    /// falling back to single verification if the equation fails.
    fn settle<S: AsRef<str>>(
        &self,
        a: Point,
        candidates: &mut Vec<Candidate<'_, JwsRest<'_>>>,
        tokens: &[S],
        opts: &VerifyOptions,
        results: &mut [Option<Result<Verified>>],
    ) {
        if candidates.is_empty() {
            return;
        }
        if self.equation_holds(a, candidates) {
            for c in candidates.drain(..) {
                let (parts, header) = c.rest;
                put(results, c.index, compact::finish(&parts, header));
            }
        } else {
            for c in candidates.drain(..) {
                let result = match tokens.get(c.index) {
                    Some(token) => compact::verify(token.as_ref(), &self.key, opts),
                    None => Err(Error::InvalidSignature),
                };
                put(results, c.index, result);
            }
        }
    }

    /// RFC 8032's cofactored equation for every candidate at once
    /// (`backend/ed25519.rs`).
    fn equation_holds<T>(&self, a: Point, candidates: &[Candidate<'_, T>]) -> bool {
        ed25519::batch_holds(&a, &self.public, candidates, |c| (c.message, &c.sig))
    }
}

/// Stores the result for token `index` (always in range: results has one
/// slot per token).
fn put(results: &mut [Option<Result<Verified>>], index: usize, value: Result<Verified>) {
    if let Some(slot) = results.get_mut(index) {
        *slot = Some(value);
    }
}

/// The parsed token a candidate came from.
type JwsRest<'a> = (Parts<'a>, crate::jws::Header);

#[cfg(test)]
mod tests {
    use super::*;

    use base64::Engine;
    use curve25519_dalek::constants::EIGHT_TORSION;
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::IsIdentity;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The verifying key for the private scalar `a`.
    fn key_for(a: &Scalar) -> (VerifyingKey, [u8; 32]) {
        let public = EdwardsPoint::mul_base(a).compress().0;
        let jwk = crate::jwk::Jwk::from_json(
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64(&public)).as_bytes(),
            &Default::default(),
        )
        .unwrap();
        (
            VerifyingKey::from_jwk(&jwk, Algorithm::EdDSA).unwrap(),
            public,
        )
    }

    /// A signature made with the private scalar `a`: `R = [r]B + T`,
    /// `S = r + k·a`. With `T` the identity it is an ordinary Ed25519
    /// signature; with `T` of small order only the batch accepts it.
    fn sign_with(a: &Scalar, public: &[u8; 32], t: &EdwardsPoint, message: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 64];
        aws_lc_rs::rand::fill(&mut nonce).unwrap();
        let r = Scalar::from_bytes_mod_order_wide(&nonce);
        let r_bytes = (EdwardsPoint::mul_base(&r) + t).compress().0;
        let k = ed25519::challenge(&r_bytes, public, message);
        [r_bytes, (r + k * a).to_bytes()].concat()
    }

    /// A compact EdDSA token carrying `sig` over `header.payload`.
    fn token(message: &str, sig: &[u8]) -> String {
        format!("{message}.{}", b64(sig))
    }

    const HEADER: &str = "eyJhbGciOiJFZERTQSJ9"; // {"alg":"EdDSA"}

    /// The documented difference, made the way only the key holder can:
    /// `R` with a small-order component (each of the seven non-identity
    /// torsion points, orders 2, 4 and 8) and `S` computed with the private
    /// scalar. aws-lc-rs and single verification reject it; the batch
    /// accepts it, alone and among good tokens, because it decides the
    /// cofactored equation; when its chunk falls back (a bad neighbour),
    /// single verification decides and rejects it.
    #[test]
    fn key_holder_small_order_r_batch_accepts_single_rejects() {
        let a = Scalar::from_bytes_mod_order([7u8; 32]);
        let (key, public) = key_for(&a);
        let batch = Ed25519Batch::new(&key).unwrap();
        let point = batch.point.expect("the key is fit for batching");
        let identity = EdwardsPoint::default();
        let message = format!("{HEADER}.{}", b64(b"signed by the key holder"));
        let good: Vec<String> = (0..5)
            .map(|_| {
                token(
                    &message,
                    &sign_with(&a, &public, &identity, message.as_bytes()),
                )
            })
            .collect();
        assert!(good
            .iter()
            .all(|t| compact::verify(t, &key, &Default::default()).is_ok()));
        for (order_index, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
            assert!(t.is_small_order() && !t.is_identity());
            let sig = sign_with(&a, &public, t, message.as_bytes());
            let parsed = aws_lc_rs::signature::UnparsedPublicKey::new(
                &aws_lc_rs::signature::ED25519,
                public,
            );
            assert!(
                parsed.verify(message.as_bytes(), &sig).is_err(),
                "T{order_index}: aws-lc-rs"
            );
            assert!(
                key.verify(message.as_bytes(), &sig).is_err(),
                "T{order_index}: single"
            );
            assert!(ed25519::cofactored_holds(
                &point,
                &public,
                message.as_bytes(),
                &sig
            ));
            let holder = token(&message, &sig);
            assert!(matches!(
                compact::verify(&holder, &key, &Default::default()),
                Err(Error::InvalidSignature)
            ));
            for _ in 0..16 {
                assert_eq!(batch.verify_raw(&[(message.as_bytes(), &sig[..])]), [true]);
            }
            let mut tokens = good.clone();
            tokens.insert(2, holder.clone());
            let results = batch.verify(&tokens, &Default::default());
            assert!(
                results.iter().all(Result::is_ok),
                "T{order_index}: among good tokens"
            );
            assert_eq!(
                results[2].as_ref().unwrap().payload,
                b"signed by the key holder"
            );
            // A bad neighbour sends the chunk to single verification.
            let mut bad_sig = sign_with(&a, &public, &identity, message.as_bytes());
            bad_sig[40] ^= 1;
            tokens.push(token(&message, &bad_sig));
            let results = batch.verify(&tokens, &Default::default());
            assert!(matches!(results[2], Err(Error::InvalidSignature)));
            assert!(matches!(results.last(), Some(Err(Error::InvalidSignature))));
            assert_eq!(results.iter().filter(|r| r.is_ok()).count(), good.len());
        }
    }

    /// What anybody without the private key can make is rejected by both,
    /// alone and among good tokens (whose results it must not change):
    /// random signatures, a good `R` with a random or shifted `S`, another
    /// message's signature, a good signature with a torsion point added to
    /// `R` (the malleability the cofactored equation must not open), a
    /// small-order `R`, `S + L`, and signatures by another key.
    #[test]
    fn forged_signatures_rejected_by_both() {
        let a = Scalar::from_bytes_mod_order([11u8; 32]);
        let (key, public) = key_for(&a);
        let other = Scalar::from_bytes_mod_order([12u8; 32]);
        let (_, other_public) = key_for(&other);
        let batch = Ed25519Batch::new(&key).unwrap();
        let point = batch.point.expect("fit for batching");
        let identity = EdwardsPoint::default();
        let message = b"eyJhbGciOiJFZERTQSJ9.Zm9yZ2Vk";
        let good: Vec<Vec<u8>> = (0..4)
            .map(|_| sign_with(&a, &public, &identity, message))
            .collect();
        let random = |n: usize| {
            let mut v = vec![0u8; n];
            aws_lc_rs::rand::fill(&mut v).unwrap();
            v
        };
        let l_plus = |s: &[u8]| {
            // S + L, little-endian, from L - 1 + 1.
            let l_minus_one = (Scalar::ZERO - Scalar::ONE).to_bytes();
            let mut out = [0u8; 32];
            let mut carry = 1u16;
            for (i, (x, y)) in s.iter().zip(l_minus_one).enumerate() {
                let v = u16::from(*x) + u16::from(y) + carry;
                out[i] = v as u8;
                carry = v >> 8;
            }
            out
        };
        let mut forgeries: Vec<(String, Vec<u8>)> = Vec::new();
        for i in 0..200 {
            forgeries.push((format!("random {i}"), random(64)));
            let mut r_good_s_random = good[i % 4].clone();
            r_good_s_random[32..].copy_from_slice(
                &Scalar::from_bytes_mod_order_wide(&random(64).try_into().unwrap()).to_bytes(),
            );
            forgeries.push((format!("good R, random S {i}"), r_good_s_random));
            let t = &EIGHT_TORSION[1 + i % 7];
            let mut shifted = good[i % 4].clone();
            let r = CompressedEdwardsY(shifted[..32].try_into().unwrap())
                .decompress()
                .unwrap();
            shifted[..32].copy_from_slice(&(r + t).compress().0);
            forgeries.push((format!("good signature, R + T {i}"), shifted));
            let mut small_r = random(64);
            small_r[..32].copy_from_slice(&t.compress().0);
            small_r[32..].copy_from_slice(
                &Scalar::from_bytes_mod_order_wide(&random(64).try_into().unwrap()).to_bytes(),
            );
            forgeries.push((format!("small-order R {i}"), small_r));
            let by_other = sign_with(&other, &other_public, &EIGHT_TORSION[i % 8], message);
            forgeries.push((format!("another key's signature {i}"), by_other));
        }
        let mut s_plus_one = good[0].clone();
        let s = Scalar::from_canonical_bytes(s_plus_one[32..].try_into().unwrap()).unwrap();
        s_plus_one[32..].copy_from_slice(&(s + Scalar::ONE).to_bytes());
        forgeries.push(("S + 1".into(), s_plus_one));
        let mut s_plus_l = good[0].clone();
        s_plus_l[32..].copy_from_slice(&l_plus(&good[0][32..]));
        forgeries.push(("S + L".into(), s_plus_l));
        forgeries.push((
            "another message's signature".into(),
            sign_with(&a, &public, &identity, b"eyJhbGciOiJFZERTQSJ9.b3RoZXI"),
        ));

        for (what, sig) in &forgeries {
            assert!(key.verify(message, sig).is_err(), "{what}: single");
            assert!(
                !ed25519::cofactored_holds(&point, &public, message, sig),
                "{what}: cofactored"
            );
            assert_eq!(
                batch.verify_raw(&[(message, sig)]),
                [false],
                "{what}: alone"
            );
            let mut items: Vec<(&[u8], &[u8])> =
                good.iter().map(|g| (&message[..], g.as_slice())).collect();
            items.insert(1, (message, sig));
            let got = batch.verify_raw(&items);
            assert_eq!(got, [true, false, true, true, true], "{what}: among good");
        }
        // And through tokens.
        let tokens: Vec<String> = forgeries
            .iter()
            .map(|(_, sig)| token("eyJhbGciOiJFZERTQSJ9.Zm9yZ2Vk", sig))
            .collect();
        for (r, (what, _)) in batch
            .verify(&tokens, &Default::default())
            .iter()
            .zip(&forgeries)
        {
            assert!(matches!(r, Err(Error::InvalidSignature)), "{what}: token");
        }
    }

    /// Every Wycheproof Ed25519 vector, through the batch: alone, and in a
    /// batch with every valid vector of its group (so that an invalid
    /// signature that passes the prechecks meets the batch equation next to
    /// valid ones). Each result must equal single verification's.
    #[test]
    fn wycheproof_batch_equals_single() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/wycheproof/ed25519_test.json"
        );
        let text = std::fs::read_to_string(path).expect("Wycheproof ed25519_test.json");
        let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let (mut vectors, mut batched_keys) = (0, 0);
        for group in doc["testGroups"].as_array().expect("groups") {
            let jwk = crate::jwk::Jwk::from_json(
                group["publicKeyJwk"].to_string().as_bytes(),
                &Default::default(),
            )
            .expect("group key");
            let Ok(key) = VerifyingKey::from_jwk(&jwk, Algorithm::EdDSA) else {
                continue;
            };
            let batch = Ed25519Batch::new(&key).expect("Ed25519 key");
            batched_keys += usize::from(batch.point.is_some());
            let tests: Vec<(u64, Vec<u8>, Vec<u8>, bool)> = group["tests"]
                .as_array()
                .expect("tests")
                .iter()
                .map(|t| {
                    (
                        t["tcId"].as_u64().expect("tcId"),
                        hex::decode(t["msg"].as_str().expect("msg")).expect("hex"),
                        hex::decode(t["sig"].as_str().expect("sig")).expect("hex"),
                        t["result"] == "valid",
                    )
                })
                .collect();
            let single: Vec<bool> = tests
                .iter()
                .map(|(_, m, s, _)| key.verify(m, s).is_ok())
                .collect();
            let valid: Vec<(&[u8], &[u8])> = tests
                .iter()
                .zip(&single)
                .filter(|(_, ok)| **ok)
                .map(|((_, m, s, _), _)| (m.as_slice(), s.as_slice()))
                .collect();
            for ((id, m, s, expected), single) in tests.iter().zip(&single) {
                assert_eq!(single, expected, "tcId {id}: single verification");
                let alone = batch.verify_raw(&[(m, s)]);
                assert_eq!(alone, [*single], "tcId {id}: alone");
                for at in [0, valid.len() / 2, valid.len()] {
                    let mut items = valid.clone();
                    items.insert(at, (m, s));
                    let got = batch.verify_raw(&items);
                    assert_eq!(got[at], *single, "tcId {id} in a batch at {at}");
                    assert!(
                        got.iter().enumerate().all(|(i, ok)| i == at || *ok),
                        "tcId {id}: a valid neighbour was rejected"
                    );
                }
                vectors += 1;
            }
        }
        assert!(vectors >= 145, "only {vectors} vectors ran");
        assert!(batched_keys > 0, "no key was fit for batching");
    }
}
