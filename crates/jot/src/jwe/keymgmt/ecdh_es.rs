//! ECDH-ES key agreement: `ECDH-ES`, `ECDH-ES+A128KW`, `ECDH-ES+A192KW`,
//! `ECDH-ES+A256KW` (RFC 7518 §4.6, RFC 8037 §3.2 for X25519/X448).
//!
//! The sender makes an ephemeral key pair, agrees on Z with the recipient's
//! static public key and runs the [`concat_kdf`](super::concat_kdf); the
//! ephemeral public key travels in `epk`. Because `epk` is attacker-chosen,
//! the recipient must validate it (RFC 7518 §4.6.2 and the 2017 JWE
//! invalid-curve attacks, e.g. CVE-2017-16007): a point that is not on the
//! recipient's curve lets an attacker learn the private key modulo small
//! orders, one query at a time. Here:
//!
//! * NIST curves: `epk` is only ever built from its `x` and `y` coordinates
//!   of exactly the curve's size, as an uncompressed point, and aws-lc-rs
//!   checks it is on the curve (this also excludes the point at infinity,
//!   which has no affine coordinates);
//! * the curve of `epk` must equal the recipient key's curve;
//! * X25519/X448: an all-zero shared secret (a low-order `epk`) is refused
//!   (RFC 7748 §6), so Z is never a value the attacker knows.
//!
//! P-256/P-384/P-521 and X25519 come from aws-lc-rs `agreement`; aws-lc-rs
//! has no X448, which comes from the RustCrypto `x448` crate.

use crate::error::InvalidKey;
use crate::error::KeyMismatch;
use std::fmt;

use aws_lc_rs::agreement::{self, ParsedPublicKey, ParsedPublicKeyFormat, UnparsedPublicKey};
use zeroize::Zeroizing;

use super::aes_kw::AesKeyWrap;
use super::concat_kdf::concat_kdf;
use crate::error::{Error, Result};
use crate::jwe::content::ContentEncryption;

const X448_LEN: usize = 56;

/// A curve usable with ECDH-ES: the JWK `crv` of an `EC` or `OKP` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcdhCurve {
    /// NIST P-256 (`EC`).
    P256,
    /// NIST P-384 (`EC`).
    P384,
    /// NIST P-521 (`EC`).
    P521,
    /// X25519 (`OKP`, RFC 8037).
    X25519,
    /// X448 (`OKP`, RFC 8037).
    X448,
}

impl EcdhCurve {
    /// Every curve.
    #[cfg(any(test, feature = "hazmat"))]
    pub const ALL: &'static [EcdhCurve] = &[
        EcdhCurve::P256,
        EcdhCurve::P384,
        EcdhCurve::P521,
        EcdhCurve::X25519,
        EcdhCurve::X448,
    ];

    /// The JWK `crv` name.
    pub const fn name(&self) -> &'static str {
        match self {
            EcdhCurve::P256 => "P-256",
            EcdhCurve::P384 => "P-384",
            EcdhCurve::P521 => "P-521",
            EcdhCurve::X25519 => "X25519",
            EcdhCurve::X448 => "X448",
        }
    }

    /// Looks up a JWK `crv` name (exact match).
    #[cfg(any(test, feature = "hazmat"))]
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name)
            .ok_or(Error::InvalidKey(InvalidKey::UnsupportedCurve))
    }

    /// Length in bytes of one coordinate (`x`, `y`, `d` for `EC`) or of the
    /// key (`x`, `d` for `OKP`).
    pub const fn coordinate_len(&self) -> usize {
        match self {
            EcdhCurve::P256 => 32,
            EcdhCurve::P384 => 48,
            EcdhCurve::P521 => 66,
            EcdhCurve::X25519 => 32,
            EcdhCurve::X448 => X448_LEN,
        }
    }

    /// Whether keys on this curve are `OKP` (RFC 8037) rather than `EC`.
    pub const fn is_okp(&self) -> bool {
        matches!(self, EcdhCurve::X25519 | EcdhCurve::X448)
    }

    fn aws(&self) -> Option<&'static agreement::Algorithm> {
        match self {
            EcdhCurve::P256 => Some(&agreement::ECDH_P256),
            EcdhCurve::P384 => Some(&agreement::ECDH_P384),
            EcdhCurve::P521 => Some(&agreement::ECDH_P521),
            EcdhCurve::X25519 => Some(&agreement::X25519),
            EcdhCurve::X448 => None,
        }
    }
}

impl fmt::Display for EcdhCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A validated ECDH public key (a recipient's key or an `epk`).
#[derive(Clone, PartialEq, Eq)]
pub struct EcdhPublicKey {
    curve: EcdhCurve,
    /// `0x04 || x || y` for NIST curves, the raw `u` coordinate for OKP.
    bytes: Vec<u8>,
}

impl EcdhPublicKey {
    /// From the JWK `x` and `y` of an `EC` key: each exactly
    /// [`EcdhCurve::coordinate_len`] bytes, and the point on the curve.
    pub fn from_ec_coordinates(curve: EcdhCurve, x: &[u8], y: &[u8]) -> Result<Self> {
        let alg = match (curve.is_okp(), curve.aws()) {
            (false, Some(alg)) => alg,
            _ => return Err(Error::InvalidKey(InvalidKey::WrongKind)),
        };
        let n = curve.coordinate_len();
        if let Some(bad) = [x, y].into_iter().find(|c| c.len() != n) {
            return Err(Error::InvalidKey(InvalidKey::Length {
                expected: Some(n),
                actual: bad.len(),
            }));
        }
        let mut bytes = Vec::with_capacity(1 + 2 * n);
        bytes.push(0x04);
        bytes.extend_from_slice(x);
        bytes.extend_from_slice(y);
        // Leading 0x04 and the fixed length mean aws-lc-rs sees an
        // uncompressed SEC1 point (never DER); it rejects points that are not
        // on the curve.
        let parsed =
            ParsedPublicKey::try_from(&UnparsedPublicKey::new(alg, &bytes)).map_err(|_| {
                Error::InvalidKey(InvalidKey::NotOnCurve {
                    curve: curve.name(),
                })
            })?;
        if parsed.format() != ParsedPublicKeyFormat::Uncompressed {
            return Err(Error::InvalidKey(InvalidKey::CompressedPoint));
        }
        Ok(EcdhPublicKey { curve, bytes })
    }

    /// From the JWK `x` of an `OKP` key (X25519 or X448): exactly
    /// [`EcdhCurve::coordinate_len`] bytes.
    pub fn from_okp(curve: EcdhCurve, x: &[u8]) -> Result<Self> {
        if !curve.is_okp() {
            return Err(Error::InvalidKey(InvalidKey::WrongKind));
        }
        if x.len() != curve.coordinate_len() {
            return Err(Error::InvalidKey(InvalidKey::Length {
                expected: Some(curve.coordinate_len()),
                actual: x.len(),
            }));
        }
        match curve.aws() {
            Some(alg) => {
                ParsedPublicKey::try_from(&UnparsedPublicKey::new(alg, x))
                    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPublicKey))?;
            }
            None => {
                // Refuses the low-order points up front; `agree` checks the
                // shared secret as well.
                x448::PublicKey::from_bytes(x)
                    .ok_or(Error::InvalidKey(InvalidKey::LowOrderPoint))?;
            }
        }
        Ok(EcdhPublicKey {
            curve,
            bytes: x.to_vec(),
        })
    }

    /// The curve.
    pub fn curve(&self) -> EcdhCurve {
        self.curve
    }

    /// The JWK `x` member's bytes.
    pub fn x(&self) -> &[u8] {
        if self.curve.is_okp() {
            &self.bytes
        } else {
            // `bytes` is `04 || x || y`, checked on construction.
            self.bytes
                .get(1..1 + self.curve.coordinate_len())
                .unwrap_or_default()
        }
    }

    /// The JWK `y` member's bytes (`EC` keys only).
    pub fn y(&self) -> Option<&[u8]> {
        if self.curve.is_okp() {
            None
        } else {
            self.bytes.get(1 + self.curve.coordinate_len()..)
        }
    }
}

impl fmt::Debug for EcdhPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdhPublicKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

enum PrivateInner {
    Aws(agreement::PrivateKey),
    X448(Zeroizing<[u8; X448_LEN]>),
}

/// An ECDH private key: a recipient's static key or a sender's ephemeral one.
pub struct EcdhPrivateKey {
    curve: EcdhCurve,
    inner: PrivateInner,
}

impl EcdhPrivateKey {
    /// A fresh random key pair (the sender's ephemeral key).
    pub fn generate(curve: EcdhCurve) -> Result<Self> {
        let inner = match curve.aws() {
            Some(alg) => PrivateInner::Aws(
                agreement::PrivateKey::generate(alg)
                    .map_err(|_| Error::Crypto("ECDH key generation failed"))?,
            ),
            None => {
                let mut d = Zeroizing::new([0u8; X448_LEN]);
                aws_lc_rs::rand::fill(&mut d[..])
                    .map_err(|_| Error::Crypto("random number generator failed"))?;
                PrivateInner::X448(d)
            }
        };
        Ok(EcdhPrivateKey { curve, inner })
    }

    /// From the JWK `d` member: for `EC` the big-endian scalar of exactly
    /// [`EcdhCurve::coordinate_len`] bytes (RFC 7518 §6.2.2.1), for `OKP` the
    /// raw private key (RFC 8037 §2).
    pub fn from_bytes(curve: EcdhCurve, d: &[u8]) -> Result<Self> {
        if d.len() != curve.coordinate_len() {
            return Err(Error::InvalidKey(InvalidKey::Length {
                expected: Some(curve.coordinate_len()),
                actual: d.len(),
            }));
        }
        let inner = match curve.aws() {
            Some(alg) => PrivateInner::Aws(
                agreement::PrivateKey::from_private_key(alg, d)
                    .map_err(|_| Error::InvalidKey(InvalidKey::InvalidPrivateKey))?,
            ),
            None => {
                let mut arr = Zeroizing::new([0u8; X448_LEN]);
                arr.copy_from_slice(d);
                PrivateInner::X448(arr)
            }
        };
        Ok(EcdhPrivateKey { curve, inner })
    }

    /// The curve.
    pub fn curve(&self) -> EcdhCurve {
        self.curve
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<EcdhPublicKey> {
        let bytes = match &self.inner {
            PrivateInner::Aws(k) => k
                .compute_public_key()
                .map_err(|_| Error::Crypto("ECDH public key computation failed"))?
                .as_ref()
                .to_vec(),
            PrivateInner::X448(d) => x448::x448(**d, x448::X448_BASEPOINT_BYTES)
                .ok_or(Error::Crypto("X448 public key computation failed"))?
                .to_vec(),
        };
        Ok(EcdhPublicKey {
            curve: self.curve,
            bytes,
        })
    }

    /// The raw shared secret Z with `peer`. Fails if `peer` is on another
    /// curve, or the result is all zero (a low-order X25519/X448 key).
    pub fn agree(&self, peer: &EcdhPublicKey) -> Result<Zeroizing<Vec<u8>>> {
        if peer.curve != self.curve {
            return Err(Error::key_alg(
                "ECDH-ES",
                KeyMismatch::CurveMismatch {
                    public: peer.curve.name(),
                    private: self.curve.name(),
                },
            ));
        }
        let z = match &self.inner {
            PrivateInner::Aws(k) => agreement::agree(
                k,
                UnparsedPublicKey::new(k.algorithm(), &peer.bytes),
                Error::InvalidKey(InvalidKey::InvalidPublicKey),
                |z| Ok(Zeroizing::new(z.to_vec())),
            )?,
            PrivateInner::X448(d) => {
                let u: [u8; X448_LEN] = peer.bytes.as_slice().try_into().map_err(|_| {
                    Error::InvalidKey(InvalidKey::Length {
                        expected: Some(X448_LEN),
                        actual: peer.bytes.len(),
                    })
                })?;
                let z = x448::x448(**d, u).ok_or(Error::InvalidKey(InvalidKey::LowOrderPoint))?;
                Zeroizing::new(z.to_vec())
            }
        };
        // RFC 7748 §6.1/§6.2: for X25519/X448 an all-zero output means the
        // peer sent a low-order point; Z would be known to the attacker.
        // Accumulate without early exit; whether Z is zero is not secret.
        // Not for NIST curves: there Z is an x-coordinate, and x = 0 is a
        // legitimate point of full order (Wycheproof ECDH tcId 3).
        if self.curve.is_okp() && z.iter().fold(0u8, |acc, b| acc | b) == 0 {
            return Err(Error::InvalidKey(InvalidKey::LowOrderPoint));
        }
        Ok(z)
    }
}

impl fmt::Debug for EcdhPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdhPrivateKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

/// An ECDH-ES key management algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcdhEs {
    /// `ECDH-ES`: the derived key is the CEK (Direct Key Agreement).
    Direct,
    /// `ECDH-ES+A128KW`: the derived key wraps the CEK with `A128KW`.
    A128Kw,
    /// `ECDH-ES+A192KW`.
    A192Kw,
    /// `ECDH-ES+A256KW`.
    A256Kw,
}

registered_names!(EcdhEs {
    Direct => "ECDH-ES",
    A128Kw => "ECDH-ES+A128KW",
    A192Kw => "ECDH-ES+A192KW",
    A256Kw => "ECDH-ES+A256KW",
});

impl EcdhEs {
    /// The key wrap applied with the derived key, `None` for direct use.
    pub const fn key_wrap(&self) -> Option<AesKeyWrap> {
        match self {
            EcdhEs::Direct => None,
            EcdhEs::A128Kw => Some(AesKeyWrap::A128Kw),
            EcdhEs::A192Kw => Some(AesKeyWrap::A192Kw),
            EcdhEs::A256Kw => Some(AesKeyWrap::A256Kw),
        }
    }

    hazmat! {
    /// Concat KDF from Z with RFC 7518 §4.6.2's AlgorithmID and keydatalen:
    /// the `enc` name and CEK length for [`EcdhEs::Direct`], this `alg`'s
    /// name and KEK length otherwise.
    fn derive(
        &self,
        z: &[u8],
        enc: ContentEncryption,
        apu: &[u8],
        apv: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let (id, len) = match self.key_wrap() {
            None => (enc.name(), enc.key_len()),
            Some(kw) => (self.name(), kw.kek_len()),
        };
        concat_kdf(z, id, apu, apv, len)
    }
    }

    #[cfg(any(test, feature = "hazmat"))]
    hazmat! {
    /// Sender side: makes an ephemeral key on the recipient's curve and
    /// returns `(epk, derived key)`; the derived key is the CEK for
    /// [`EcdhEs::Direct`] and the KEK otherwise.
    fn sender(
        &self,
        recipient: &EcdhPublicKey,
        enc: ContentEncryption,
        apu: &[u8],
        apv: &[u8],
    ) -> Result<(EcdhPublicKey, Zeroizing<Vec<u8>>)> {
        let ephemeral = EcdhPrivateKey::generate(recipient.curve())?;
        let z = ephemeral.agree(recipient)?;
        Ok((ephemeral.public_key()?, self.derive(&z, enc, apu, apv)?))
    }
    }

    hazmat! {
    /// Recipient side: agrees with the `epk` header value and derives.
    fn recipient(
        &self,
        key: &EcdhPrivateKey,
        epk: &EcdhPublicKey,
        enc: ContentEncryption,
        apu: &[u8],
        apv: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let z = key.agree(epk)?;
        self.derive(&z, enc, apu, apv)
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::b64;
    use crate::error::Part;

    fn b(s: &str) -> Vec<u8> {
        b64::decode(s, Part::Key).unwrap()
    }

    use crate::jwe::test_util::hex as h;

    /// RFC 7518 Appendix C: ECDH-ES with A128GCM between Alice (ephemeral)
    /// and Bob (static), apu "Alice", apv "Bob".
    #[test]
    fn rfc7518_appendix_c() {
        let alice = EcdhPrivateKey::from_bytes(
            EcdhCurve::P256,
            &b("0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo"),
        )
        .unwrap();
        let alice_pub = EcdhPublicKey::from_ec_coordinates(
            EcdhCurve::P256,
            &b("gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0"),
            &b("SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"),
        )
        .unwrap();
        assert_eq!(alice.public_key().unwrap(), alice_pub);
        let bob = EcdhPrivateKey::from_bytes(
            EcdhCurve::P256,
            &b("VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"),
        )
        .unwrap();
        let bob_pub = EcdhPublicKey::from_ec_coordinates(
            EcdhCurve::P256,
            &b("weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ"),
            &b("e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"),
        )
        .unwrap();
        assert_eq!(bob.public_key().unwrap(), bob_pub);

        let enc = ContentEncryption::A128Gcm;
        let k_bob = EcdhEs::Direct
            .recipient(&bob, &alice_pub, enc, b"Alice", b"Bob")
            .unwrap();
        assert_eq!(b64::encode(&k_bob[..]), "VqqN6vgjbSBcIijNcacQGg");
        let z_alice = alice.agree(&bob_pub).unwrap();
        let k_alice = EcdhEs::Direct
            .derive(&z_alice, enc, b"Alice", b"Bob")
            .unwrap();
        assert_eq!(k_alice, k_bob);
    }

    /// RFC 7748 §6.2 (X448 Diffie-Hellman).
    #[test]
    fn rfc7748_x448() {
        let alice = EcdhPrivateKey::from_bytes(EcdhCurve::X448, &h("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b")).unwrap();
        let bob = EcdhPrivateKey::from_bytes(EcdhCurve::X448, &h("1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d")).unwrap();
        let alice_pub = alice.public_key().unwrap();
        let bob_pub = bob.public_key().unwrap();
        assert_eq!(alice_pub.x(), &h("9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0")[..]);
        assert_eq!(bob_pub.x(), &h("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609")[..]);
        let shared = h("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d");
        assert_eq!(&alice.agree(&bob_pub).unwrap()[..], &shared[..]);
        assert_eq!(&bob.agree(&alice_pub).unwrap()[..], &shared[..]);
    }

    /// RFC 7748 §5.2, X448 with one iteration.
    #[test]
    fn rfc7748_x448_function() {
        let k = EcdhPrivateKey::from_bytes(EcdhCurve::X448, &h("3d262fddf9ec8e88495266fea19a34d28882acef045104d0d1aae121700a779c984c24f8cdd78fbff44943eba368f54b29259a4f1c600ad3")).unwrap();
        let u = EcdhPublicKey::from_okp(EcdhCurve::X448, &h("06fce640fa3487bfda5f6cf2d5263f8aad88334cbd07437f020f08f9814dc031ddbdc38c19c6da2583fa5429db94ada18aa7a7fb4ef8a086")).unwrap();
        assert_eq!(
            &k.agree(&u).unwrap()[..],
            &h("ce3e4ff95a60dc6697da1db1d85e6afbdf79b50a2412d7546d5f239fe14fbaadeb445fc66a01b0779d98223961111e21766282f73dd96b6f")[..]
        );
    }

    #[test]
    fn x448_low_order_points_are_refused() {
        let k = EcdhPrivateKey::generate(EcdhCurve::X448).unwrap();
        // u = 0, 1, p-1 (low order), and their non-canonical forms p, p+1.
        let mut p = [0xffu8; 56];
        p[28] = 0xfe; // p = 2^448 - 2^224 - 1, little-endian
        let mut p_minus_1 = p;
        p_minus_1[0] = 0xfe;
        // p + 1 = 2^448 - 2^224: 28 zero bytes then 28 bytes of 0xff.
        let mut p_plus_1 = [0xffu8; 56];
        p_plus_1[..28].fill(0);
        let zero = [0u8; 56];
        let mut one = [0u8; 56];
        one[0] = 1;
        for u in [zero, one, p_minus_1, p, p_plus_1] {
            let r = EcdhPublicKey::from_okp(EcdhCurve::X448, &u).and_then(|pk| k.agree(&pk));
            assert!(matches!(r, Err(Error::InvalidKey(_))), "{:x?}", &u[..4]);
        }
    }

    #[test]
    fn x25519_low_order_points_are_refused() {
        let k = EcdhPrivateKey::generate(EcdhCurve::X25519).unwrap();
        let mut one = [0u8; 32];
        one[0] = 1;
        // A point of order 8 (from the curve25519 small-subgroup list).
        let order8 = h("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
        for u in [[0u8; 32].to_vec(), one.to_vec(), order8] {
            let pk = EcdhPublicKey::from_okp(EcdhCurve::X25519, &u).unwrap();
            assert!(matches!(k.agree(&pk), Err(Error::InvalidKey(_))));
        }
    }

    #[test]
    fn invalid_and_foreign_points_are_refused() {
        let p256 = EcdhPrivateKey::generate(EcdhCurve::P256).unwrap();
        let good = p256.public_key().unwrap();
        let (x, y) = (good.x().to_vec(), good.y().unwrap().to_vec());
        // Off the curve.
        let mut bad_y = y.clone();
        bad_y[31] ^= 1;
        assert!(EcdhPublicKey::from_ec_coordinates(EcdhCurve::P256, &x, &bad_y).is_err());
        // (0, 0) and all-zero: no encoding of the point at infinity exists.
        assert!(EcdhPublicKey::from_ec_coordinates(EcdhCurve::P256, &[0; 32], &[0; 32]).is_err());
        // Wrong lengths (a compressed point would be 33 bytes in x).
        assert!(EcdhPublicKey::from_ec_coordinates(EcdhCurve::P256, &x[1..], &y).is_err());
        assert!(
            EcdhPublicKey::from_ec_coordinates(EcdhCurve::P256, &[&[0][..], &x].concat(), &y)
                .is_err()
        );
        // Valid P-384 key given to a P-256 private key.
        let p384 = EcdhPrivateKey::generate(EcdhCurve::P384)
            .unwrap()
            .public_key()
            .unwrap();
        assert!(matches!(
            p256.agree(&p384),
            Err(Error::KeyAlgorithmMismatch { .. })
        ));
        // Curve kinds do not mix.
        assert!(EcdhPublicKey::from_okp(EcdhCurve::P256, &x).is_err());
        assert!(EcdhPublicKey::from_ec_coordinates(EcdhCurve::X25519, &x, &y).is_err());
        // Private key lengths.
        assert!(EcdhPrivateKey::from_bytes(EcdhCurve::P256, &[1u8; 31]).is_err());
        assert!(EcdhPrivateKey::from_bytes(EcdhCurve::P521, &[1u8; 65]).is_err());
    }

    #[test]
    fn sender_and_recipient_agree_on_every_curve() {
        for &curve in EcdhCurve::ALL {
            assert_eq!(EcdhCurve::from_name(curve.name()).unwrap(), curve);
            let static_key = EcdhPrivateKey::generate(curve).unwrap();
            let static_pub = static_key.public_key().unwrap();
            for &alg in EcdhEs::ALL {
                assert_eq!(EcdhEs::from_name(alg.name()).unwrap(), alg);
                let enc = ContentEncryption::A256CbcHs512;
                let (epk, k1) = alg.sender(&static_pub, enc, b"u", b"v").unwrap();
                assert_eq!(epk.curve(), curve);
                // Round trip the epk through its JWK members.
                let epk = match epk.y() {
                    Some(y) => EcdhPublicKey::from_ec_coordinates(curve, epk.x(), y),
                    None => EcdhPublicKey::from_okp(curve, epk.x()),
                }
                .unwrap();
                let k2 = alg.recipient(&static_key, &epk, enc, b"u", b"v").unwrap();
                assert_eq!(k1, k2);
                let want = alg.key_wrap().map_or(enc.key_len(), |kw| kw.kek_len());
                assert_eq!(k1.len(), want);
                // apu/apv are bound into the key.
                let k3 = alg.recipient(&static_key, &epk, enc, b"u", b"w").unwrap();
                assert_ne!(k1, k3);
            }
        }
    }
}
