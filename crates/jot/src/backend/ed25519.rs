//! Ed25519 encodings and the pieces of RFC 8032's verification equation
//! that the batch verifier ([`crate::jws::batch`]) needs.
//!
//! Single verification is aws-lc-rs alone: it accepts iff the encoding of
//! `[S]B - [k]A` equals the bytes of `R` (the cofactorless check, which
//! RFC 8032 §5.1.7 permits and every other JOSE library uses). A rejected
//! signature costs one aws-lc-rs verification and nothing more, so a flood
//! of invalid EdDSA tokens costs what valid ones do.
//!
//! The batch decides by the cofactored equation `[8][S]B = [8]R + [8][k]A`
//! instead (no random linear combination can decide the cofactorless one);
//! the two differ only for an `R` with a small-order component, which only
//! the private-key holder can put into a signature that otherwise verifies.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};

/// A decompressed Ed25519 point (a public key fit for the batch).
pub(crate) type Point = EdwardsPoint;

/// A signature the batch equation may judge: `R` (as the token has it, and
/// as a point) and `S`.
#[derive(Clone, Copy)]
pub(crate) struct BatchSig {
    r_bytes: [u8; 32],
    r: EdwardsPoint,
    s: Scalar,
}

/// Splits a signature into `R` and `S` if the batch may judge it: 64
/// bytes, `S < L`, `R` the canonical encoding of a point not of small order.
/// Anything else is left to single verification.
pub(crate) fn batch_sig(sig: &[u8]) -> Option<BatchSig> {
    split(sig)
        .filter(|(_, r, _)| !r.is_small_order())
        .map(|(r_bytes, r, s)| BatchSig { r_bytes, r, s })
}

/// `[8](Σ zᵢRᵢ + [Σ zᵢkᵢ]A − [Σ zᵢSᵢ]B) == 0` with fresh random 128-bit
/// `zᵢ`: RFC 8032's cofactored equation for every `(message, signature)`
/// of `items` at once, under the key `a` ([`fit_key`] of `public`).
/// `false` also if no randomness is available.
pub(crate) fn batch_holds<T>(
    a: &Point,
    public: &[u8; 32],
    items: &[T],
    item: impl Fn(&T) -> (&[u8], &BatchSig),
) -> bool {
    let mut random = vec![0u8; 16 * items.len()];
    if aws_lc_rs::rand::fill(&mut random).is_err() {
        return false;
    }
    let mut scalars = Vec::with_capacity(items.len() + 2);
    let mut points = Vec::with_capacity(items.len() + 2);
    let mut sum_zk = Scalar::ZERO;
    let mut sum_zs = Scalar::ZERO;
    for (c, z) in items.iter().zip(random.chunks_exact(16)) {
        let (message, sig) = item(c);
        let mut wide = [0u8; 32];
        wide[..16].copy_from_slice(z);
        // < 2^128 < L: canonical, and multiplies Rᵢ as the integer zᵢ.
        let z = Scalar::from_bytes_mod_order(wide);
        let k = challenge(&sig.r_bytes, public, message);
        sum_zk += z * k;
        sum_zs += z * sig.s;
        scalars.push(z);
        points.push(sig.r);
    }
    scalars.push(sum_zk);
    points.push(*a);
    scalars.push(-sum_zs);
    points.push(ED25519_BASEPOINT_POINT);
    EdwardsPoint::vartime_multiscalar_mul(&scalars, &points)
        .mul_by_cofactor()
        .is_identity()
}

/// The public key as a point, if the batch's cofactored equation may be
/// used with it: the canonical encoding of a point of prime order. (A
/// small-order key would make `[8][k]A` vanish and let anyone sign; a key
/// with a small-order component is verified one token at a time.)
pub(crate) fn fit_key(public: &[u8; 32]) -> Option<EdwardsPoint> {
    CompressedEdwardsY(*public)
        .decompress()
        .filter(|p| p.compress().0 == *public && !p.is_small_order() && p.is_torsion_free())
}

/// Whether an Ed25519 public key may be used at all: the canonical
/// encoding of a curve point that is not of small order. (Keys with a
/// small-order component still verify, one token at a time: [`fit_key`].)
pub(crate) fn is_acceptable_key(public: &[u8; 32]) -> bool {
    is_canonical_y(public)
        && CompressedEdwardsY(*public)
            .decompress()
            .is_some_and(|p| p.compress().0 == *public && !p.is_small_order())
}

/// `k = SHA-512(R || A || M) mod L` (RFC 8032 §5.1.7 step 2).
pub(crate) fn challenge(r: &[u8; 32], a: &[u8; 32], message: &[u8]) -> Scalar {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA512);
    ctx.update(r);
    ctx.update(a);
    ctx.update(message);
    let digest = ctx.finish();
    let mut wide = [0u8; 64];
    for (w, d) in wide.iter_mut().zip(digest.as_ref()) {
        *w = *d;
    }
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// Whether the 255-bit `y` of an encoded point is below p = 2^255 − 19.
pub(crate) fn is_canonical_y(bytes: &[u8; 32]) -> bool {
    // y ≥ p iff the top 250 bits are all ones and the low byte is ≥ 0xed.
    let all_ones = bytes
        .get(1..31)
        .is_some_and(|m| m.iter().all(|&b| b == 0xff))
        && bytes.get(31).is_some_and(|&b| b & 0x7f == 0x7f);
    !(all_ones && bytes.first().is_some_and(|&b| b >= 0xed))
}

/// Whether the encoded `y` (sign bit ignored) is 1 or p − 1, the two
/// points whose `x` is 0.
fn is_x_zero(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    if let Some(top) = y.get_mut(31) {
        *top &= 0x7f;
    }
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut minus_one = [0xffu8; 32];
    minus_one[0] = 0xec;
    minus_one[31] = 0x7f;
    y == one || y == minus_one
}

/// `R` (bytes and point) and `S` of a signature, if it has the one encoding
/// RFC 8032 allows: 64 bytes, `S < L`, `R` the canonical encoding of a
/// curve point.
pub(crate) fn split(sig: &[u8]) -> Option<([u8; 32], EdwardsPoint, Scalar)> {
    let (r_bytes, s_bytes) = sig.split_first_chunk::<32>()?;
    let s_bytes: &[u8; 32] = s_bytes.try_into().ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(*s_bytes))?;
    if !is_canonical_y(r_bytes) {
        return None;
    }
    // The only other non-canonical encodings are of the two points with
    // x = 0 (y = ±1) with the sign bit set: they decode, to the same points
    // as with the bit clear.
    if r_bytes.get(31).is_some_and(|b| b & 0x80 != 0) && is_x_zero(r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(*r_bytes).decompress()?;
    Some((*r_bytes, r, s))
}

/// `[8]([S]B - [k]A - R) == 0` for a canonical signature, with `a` from
/// [`fit_key`] of `public`: the batch's equation for one signature, the
/// oracle its tests compare it with.
#[cfg(test)]
pub(crate) fn cofactored_holds(
    a: &EdwardsPoint,
    public: &[u8; 32],
    message: &[u8],
    sig: &[u8],
) -> bool {
    let Some((r_bytes, r, s)) = split(sig) else {
        return false;
    };
    let k = challenge(&r_bytes, public, message);
    let sb_minus_ka = EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &-a, &s);
    (sb_minus_ka - r).mul_by_cofactor().is_identity()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_y() {
        let mut p = [0xffu8; 32];
        p[31] = 0x7f;
        p[0] = 0xed;
        assert!(!is_canonical_y(&p));
        p[0] = 0xec;
        assert!(is_canonical_y(&p));
        p[31] = 0xff;
        p[0] = 0xee;
        assert!(!is_canonical_y(&p), "the sign bit is not part of y");
        assert!(is_canonical_y(&[0u8; 32]));
    }

    #[test]
    fn small_order_and_non_canonical_keys_are_refused() {
        let good = EdwardsPoint::mul_base(&Scalar::from_bytes_mod_order([3u8; 32]));
        assert!(is_acceptable_key(&good.compress().0));
        assert!(fit_key(&good.compress().0).is_some());
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(!is_acceptable_key(&identity));
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        assert!(!is_acceptable_key(&minus_one), "order 2");
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee; // y = p + 1, the identity again
        non_canonical[31] = 0x7f;
        assert!(!is_acceptable_key(&non_canonical));
        // Mixed order: acceptable, but not for the cofactored equation.
        let mixed = good + CompressedEdwardsY(minus_one).decompress().unwrap();
        assert!(is_acceptable_key(&mixed.compress().0));
        assert!(fit_key(&mixed.compress().0).is_none());
    }

    #[test]
    fn non_canonical_r_and_s_are_refused() {
        let a = Scalar::from_bytes_mod_order([3u8; 32]);
        let r = EdwardsPoint::mul_base(&Scalar::from_bytes_mod_order([5u8; 32]));
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&r.compress().0);
        sig[32..].copy_from_slice(&a.to_bytes());
        assert!(split(&sig).is_some());
        // identity with the sign bit set: decodes, not canonical
        let mut id = [0u8; 64];
        id[0] = 1;
        id[31] = 0x80;
        assert!(split(&id).is_none());
        let mut minus_one = [0xffu8; 64];
        minus_one[0] = 0xec;
        minus_one[32..].copy_from_slice(&[0u8; 32]);
        assert!(split(&minus_one).is_none(), "(0, -1) with the sign bit set");
        minus_one[31] = 0x7f;
        assert!(split(&minus_one).is_some(), "(0, -1) canonical");
        // Every canonical R round-trips.
        for i in 1..50u8 {
            let p = EdwardsPoint::mul_base(&Scalar::from_bytes_mod_order([i; 32]));
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&p.compress().0);
            let (bytes, point, _) = split(&sig).unwrap();
            assert_eq!(point.compress().0, bytes);
        }
        // S + L
        let mut big_s = sig;
        let l = Scalar::ZERO - Scalar::ONE; // L - 1
        let mut carry = 1u16;
        for (i, b) in l.to_bytes().iter().enumerate() {
            let v = u16::from(*b) + carry;
            big_s[32 + i] = v as u8;
            carry = v >> 8;
        }
        assert!(split(&big_s).is_none(), "S = L is not canonical");
        assert!(split(&sig[..63]).is_none());
    }
}
