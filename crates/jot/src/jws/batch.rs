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
//! # Why the batch accepts only what single verification accepts
//!
//! Both decide by RFC 8032's cofactored equation (§5.1.7):
//! `[8][S]B = [8]R + [8][k]A` with `k = SHA-512(R || A || M)`, `S < L` and
//! canonical encodings (single verification asks aws-lc-rs first and checks
//! the cofactored equation only for what it rejects; see `key/ed25519.rs`).
//! Everything that can make the batch disagree with that is settled before
//! or outside the batch:
//!
//! - Parsing, header rules, `alg` and key choice, signature base64 and the
//!   payload's base64 run through the very functions of
//!   [`compact`](super::compact); a token they reject gets their error.
//! - Tokens whose signature is not 64 bytes, whose `S` is not canonical
//!   (`S ≥ L`), whose `R` is not the canonical encoding of a curve point or
//!   is of small order, never enter the batch: single verification decides
//!   them. The key itself must be the canonical encoding of a point of prime
//!   order, or nothing is batched.
//! - The batch equation is the cofactored one for all tokens at once,
//!   `[8](Σ zᵢRᵢ + [Σ zᵢkᵢ]A − [Σ zᵢSᵢ]B) = 0` with independent random
//!   128-bit `zᵢ`. If any token's own cofactored equation fails, its
//!   prime-order part is non-zero and the sum vanishes only with probability
//!   at most 2⁻¹²⁸.
//! - Any failure (batch equation, a random number generator error) sends
//!   every token of the chunk to single verification.
//!
//! Why not the cofactorless equation, which aws-lc-rs uses: no batch can
//! decide it. A token whose `R` carries a small-order component
//! (`R = R' + T`, `T` of order 2, 4 or 8; only the private-key holder can
//! make one that otherwise verifies) fails it, but the small-order subgroup
//! has 8 elements, so a random linear combination lets an order-2 component
//! through with probability 1/2 however it is drawn; detecting it per token
//! costs a scalar multiplication (curve25519-dalek's `is_torsion_free`,
//! ~19 µs on the reference machine, against ~9 µs per token for the whole
//! batched verification). Deciding both by the cofactored equation makes
//! them agree exactly.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};

use super::compact::{self, Parts, Verified};
use super::VerifyOptions;
use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::key::{ed25519, VerifyingKey};
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
    point: Option<EdwardsPoint>,
    public: [u8; 32],
}

/// A signature fit for the batch equation, with its message.
struct Candidate<'a, T> {
    index: usize,
    message: &'a [u8],
    /// `R` as the token has it (hashed as is, like single verification).
    r_bytes: [u8; 32],
    r: EdwardsPoint,
    s: Scalar,
    /// What the caller needs to finish an accepted item.
    rest: T,
}

/// Splits a signature into `R` and `S` if the batch may judge it: 64
/// bytes, `S < L`, `R` the canonical encoding of a point not of small order.
/// Anything else is left to single verification.
fn precheck(sig: &[u8]) -> Option<([u8; 32], EdwardsPoint, Scalar)> {
    ed25519::split(sig).filter(|(_, r, _)| !r.is_small_order())
}

impl Ed25519Batch {
    /// Prepares `key`, which must verify `EdDSA` or `Ed25519` with an
    /// Ed25519 public key.
    pub fn new(key: &VerifyingKey) -> Result<Self> {
        let not_ed25519 = || {
            Error::key_alg(
                key.algorithm(),
                "batch verification needs an Ed25519 (EdDSA) verifying key",
            )
        };
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
        crate::key::resolve_checked(&self.key, &header)?;
        let Some((r_bytes, r, s)) = precheck(&sig) else {
            return Ok(None);
        };
        Ok(Some(Candidate {
            index,
            message: parts.signed.as_bytes(),
            r_bytes,
            r,
            s,
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
            match precheck(item.1) {
                Some((r_bytes, r, s)) => candidates.push(Candidate {
                    index,
                    message: item.0,
                    r_bytes,
                    r,
                    s,
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
        a: EdwardsPoint,
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

    /// `[8](Σ zᵢRᵢ + [Σ zᵢkᵢ]A − [Σ zᵢSᵢ]B) == 0` with fresh random 128-bit
    /// `zᵢ`: RFC 8032's cofactored equation for every token at once.
    /// `false` also if no randomness is available.
    fn equation_holds<T>(&self, a: EdwardsPoint, candidates: &[Candidate<'_, T>]) -> bool {
        let mut random = vec![0u8; 16 * candidates.len()];
        if aws_lc_rs::rand::fill(&mut random).is_err() {
            return false;
        }
        let mut scalars = Vec::with_capacity(candidates.len() + 2);
        let mut points = Vec::with_capacity(candidates.len() + 2);
        let mut sum_zk = Scalar::ZERO;
        let mut sum_zs = Scalar::ZERO;
        for (c, z) in candidates.iter().zip(random.chunks_exact(16)) {
            let mut wide = [0u8; 32];
            wide[..16].copy_from_slice(z);
            // < 2^128 < L: canonical, and multiplies Rᵢ as the integer zᵢ.
            let z = Scalar::from_bytes_mod_order(wide);
            let k = ed25519::challenge(&c.r_bytes, &self.public, c.message);
            sum_zk += z * k;
            sum_zs += z * c.s;
            scalars.push(z);
            points.push(c.r);
        }
        scalars.push(sum_zk);
        points.push(a);
        scalars.push(-sum_zs);
        points.push(ED25519_BASEPOINT_POINT);
        EdwardsPoint::vartime_multiscalar_mul(&scalars, &points)
            .mul_by_cofactor()
            .is_identity()
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

    /// The case where the cofactored and cofactorless equations differ,
    /// made the way only a key holder can: `R = rB + T` with `T` of order 2
    /// and `S = r + k·a`. aws-lc-rs rejects it, the cofactored equation
    /// accepts it, and single and batch verification give the same answer
    /// every time (before both used the cofactored equation, the batch
    /// accepted such a token about half the time and single verification
    /// never). A wrong `S` on the same `R` is rejected by both.
    #[test]
    fn small_order_component_in_r_gets_one_verdict() {
        use base64::Engine;
        use curve25519_dalek::edwards::CompressedEdwardsY;
        let a = Scalar::from_bytes_mod_order([7u8; 32]);
        let big_a = EdwardsPoint::mul_base(&a);
        let public = big_a.compress().0;
        let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public);
        let jwk = crate::jwk::Jwk::from_json(
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#).as_bytes(),
            &Default::default(),
        )
        .unwrap();
        let key = VerifyingKey::from_jwk(&jwk, Algorithm::EdDSA).unwrap();
        // (0, -1): y = p - 1, the point of order 2.
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        let t = CompressedEdwardsY(minus_one).decompress().unwrap();
        assert!(t.is_small_order() && !t.is_identity());

        let message = b"eyJhbGciOiJFZERTQSJ9.dGFpbnRlZA";
        let r = Scalar::from_bytes_mod_order([9u8; 32]);
        let big_r = EdwardsPoint::mul_base(&r) + t;
        let r_bytes = big_r.compress().0;
        let k = ed25519::challenge(&r_bytes, &public, message);
        let s = r + k * a;
        let sig = [r_bytes, s.to_bytes()].concat();

        let parsed =
            aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ED25519, public);
        assert!(
            parsed.verify(message, &sig).is_err(),
            "aws-lc-rs alone rejects"
        );
        assert!(
            key.verify(message, &sig).is_ok(),
            "single verification accepts"
        );
        let batch = Ed25519Batch::new(&key).unwrap();
        assert!(batch.point.is_some(), "the key is fit for batching");
        for _ in 0..64 {
            assert_eq!(batch.verify_raw(&[(&message[..], &sig[..])]), [true]);
        }

        let bad = [r_bytes, (s + Scalar::ONE).to_bytes()].concat();
        assert!(key.verify(message, &bad).is_err());
        for _ in 0..64 {
            assert_eq!(batch.verify_raw(&[(&message[..], &bad[..])]), [false]);
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
