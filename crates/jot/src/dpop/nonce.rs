//! Server-provided nonces (RFC 9449 §8 for the authorization server, §9
//! for resource servers): a proof must carry a value the server handed out
//! recently, so a client cannot make proofs ahead of time for later use.
//!
//! [`Nonces`] needs no storage: a nonce is a MAC of the current time
//! window under a server secret, accepted during its window and the next
//! one. Replicas that share the secret accept each other's nonces.

use std::fmt;
use std::time::Duration;

use crate::alg::Algorithm;
use crate::encoding::b64;
use crate::error::{Error, Part, Result};
use crate::key::{SigningKey, VerifyingKey};

/// What decides whether a proof's `nonce` is acceptable.
pub trait NoncePolicy: Send + Sync {
    /// Whether `nonce` may be used at `now` (UNIX seconds).
    fn accepts(&self, nonce: &str, now: i64) -> bool;
}

/// Rotating stateless nonces: `current(now)` changes every `period`, and a
/// nonce is accepted in the window it was made in and the next one (so a
/// nonce handed out just before a rotation still works for one period).
#[derive(Clone)]
pub struct Nonces {
    mac: SigningKey,
    check: VerifyingKey,
    period: i64,
}

impl fmt::Debug for Nonces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nonces")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

/// A nonce is the first 16 bytes of HMAC-SHA256(secret, window): 128 bits
/// cannot be guessed, and 22 characters keep the header short.
const NONCE_BYTES: usize = 16;

impl Nonces {
    /// Nonces under a fresh random secret, for one process.
    pub fn new(period: Duration) -> Result<Self> {
        let mut secret = [0u8; 32];
        crate::backend::fill_random(&mut secret)?;
        Self::from_secret(&secret, period)
    }

    /// Nonces under `secret` (at least 32 bytes), shared by the replicas
    /// that must accept each other's nonces.
    pub fn from_secret(secret: &[u8], period: Duration) -> Result<Self> {
        let period = i64::try_from(period.as_secs()).unwrap_or(i64::MAX);
        if period == 0 {
            return Err(Error::InvalidLimit {
                name: "DPoP nonce period (s)",
                min: 1,
                max: i64::MAX.unsigned_abs(),
            });
        }
        let mac = SigningKey::hmac(secret, Algorithm::HS256)?;
        let check = mac.verifying_key()?;
        Ok(Nonces { mac, check, period })
    }

    /// The nonce to hand out at `now` (UNIX seconds), e.g. in a `DPoP-Nonce`
    /// response header.
    pub fn current(&self, now: i64) -> Result<String> {
        let tag = self.tag(now.div_euclid(self.period))?;
        Ok(b64::encode(tag.get(..NONCE_BYTES).unwrap_or(&tag)))
    }

    fn tag(&self, window: i64) -> Result<Vec<u8>> {
        self.mac.sign(&window.to_be_bytes())
    }
}

impl NoncePolicy for Nonces {
    fn accepts(&self, nonce: &str, now: i64) -> bool {
        let Ok(given) = b64::decode(nonce, Part::HeaderParameter) else {
            return false;
        };
        if given.len() != NONCE_BYTES {
            return false;
        }
        let window = now.div_euclid(self.period);
        [window, window.saturating_sub(1)].into_iter().any(|w| {
            // The truncated tag is compared in constant time: recompute the
            // full tag and let the HMAC verifier compare a copy whose
            // prefix is the given bytes.
            self.tag(w).is_ok_and(|mut full| {
                if let Some(prefix) = full.get_mut(..NONCE_BYTES) {
                    prefix.copy_from_slice(&given);
                }
                self.check.verify(&w.to_be_bytes(), &full).is_ok()
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_lives_for_its_window_and_the_next() {
        let n = Nonces::from_secret(&[7; 32], Duration::from_secs(60)).unwrap();
        let at_0 = n.current(0).unwrap();
        assert_eq!(at_0.len(), 22);
        assert_eq!(n.current(59).unwrap(), at_0);
        assert!(n.accepts(&at_0, 0));
        assert!(n.accepts(&at_0, 119));
        assert!(!n.accepts(&at_0, 120));
        assert_ne!(n.current(60).unwrap(), at_0);
    }

    #[test]
    fn forged_and_foreign_nonces_are_refused() {
        let n = Nonces::from_secret(&[7; 32], Duration::from_secs(60)).unwrap();
        let other = Nonces::from_secret(&[8; 32], Duration::from_secs(60)).unwrap();
        assert!(!n.accepts(&other.current(0).unwrap(), 0));
        let mut forged = n.current(0).unwrap().into_bytes();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        assert!(!n.accepts(std::str::from_utf8(&forged).unwrap(), 0));
        for junk in ["", "!!", "AAAA", &"A".repeat(43)] {
            assert!(!n.accepts(junk, 0), "{junk}");
        }
        // Shared secret: another replica accepts it.
        let replica = Nonces::from_secret(&[7; 32], Duration::from_secs(60)).unwrap();
        assert!(replica.accepts(&n.current(0).unwrap(), 30));
    }

    #[test]
    fn zero_period_and_short_secrets_are_refused() {
        assert!(Nonces::from_secret(&[7; 32], Duration::ZERO).is_err());
        assert!(Nonces::from_secret(&[7; 8], Duration::from_secs(60)).is_err());
    }
}
