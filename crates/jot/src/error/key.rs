//! Why a key was refused: the payloads of [`super::Error::InvalidKey`] and
//! [`super::Error::WeakKey`]. Each is a closed set of cases, so that a caller
//! (the CLI's hints, a service's key loader) can match on the case instead
//! of reading a message. Names in them are registered names (`crv`, JWK
//! members), never text from the key.

use std::fmt;

/// Why a key could not be parsed, is inconsistent, or cannot do what was
/// asked ([`super::Error::InvalidKey`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidKey {
    // ---- the JWK document ---------------------------------------------------
    /// A member the key needs is absent (`kty`, `crv`, `x`, `k`, AKP `alg`,
    /// a JWK Set's `keys`...).
    MissingMember(&'static str),
    /// A member has the wrong JSON type or shape (`x5c` not an array of
    /// strings, say).
    MemberType(&'static str),
    /// A member is not valid base64url (for `x5c`: standard base64).
    MemberEncoding(&'static str),
    /// A member decodes to the wrong number of bytes for the key.
    MemberLength {
        /// The member.
        member: &'static str,
        /// The length the key's type or curve needs.
        expected: usize,
        /// The length it has.
        actual: usize,
    },
    /// An `oct` key with an empty `k`.
    EmptySecret,
    /// `key_ops` lists a value twice (RFC 7517 §4.3).
    DuplicateKeyOp,
    /// `use` and `key_ops` contradict each other (RFC 7517 §4.3).
    UseConflictsWithKeyOps,

    // ---- what Jot implements ------------------------------------------------
    /// A `kty` Jot does not implement.
    UnsupportedKeyType,
    /// A `crv` Jot does not implement.
    UnsupportedCurve,
    /// An AKP `alg` Jot does not implement (RFC 9964).
    UnsupportedAlgorithm,
    /// The algorithm or curve OID of a DER key is not one Jot implements
    /// (the OID in dotted form: `1.2.840.10040.4.1` is DSA, say).
    UnsupportedOid(String),
    /// RSA with more than two primes (`oth`).
    MultiPrimeRsa,
    /// A compressed EC point: JOSE keys carry both coordinates.
    CompressedPoint,
    /// An ML-DSA private key in expanded form only: a JWK holds the seed,
    /// which cannot be recovered from it.
    ExpandedOnly,
    /// A generation size Jot does not offer (RSA bits, secret bytes).
    UnsupportedSize(usize),

    // ---- the key material ---------------------------------------------------
    /// The public point is not on its curve.
    NotOnCurve {
        /// The curve's registered name.
        curve: &'static str,
    },
    /// A point of small order, or one that makes key agreement produce an
    /// all-zero secret.
    LowOrderPoint,
    /// The public key is not a valid key of its type.
    InvalidPublicKey,
    /// The private key is not a valid key of its type.
    InvalidPrivateKey,
    /// The private key does not match the public key given with it.
    KeyPairMismatch,
    /// The key is on another curve than the one expected.
    CurveMismatch {
        /// The curve of the key.
        found: &'static str,
        /// The curve expected.
        expected: &'static str,
    },
    /// The RSA modulus is even or zero.
    RsaModulus,
    /// The RSA public exponent is even, 1, or too large.
    RsaExponent,
    /// The RSA private key's parts are inconsistent, zero, or incomplete
    /// (CRT parameters without `d`, or only some of them).
    RsaPrivate,
    /// The RSA key is larger than Jot accepts.
    RsaTooLarge {
        /// The largest modulus accepted, in bits.
        max_bits: usize,
    },
    /// The RSA key is too small for this use (RSA1_5 or RSA-OAEP of a
    /// CEK of this length).
    RsaTooSmall,
    /// A symmetric key, content encryption key or key-agreement input has
    /// the wrong length.
    Length {
        /// The length needed, when there is a single one.
        expected: Option<usize>,
        /// The length given.
        actual: usize,
    },

    // ---- the operation ------------------------------------------------------
    /// A private operation (signing, decryption, export of the private key)
    /// on a public key.
    NoPrivateKey,
    /// The key has no public half (a symmetric key), or none was available.
    NoPublicKey,
    /// The key has no `alg` member, so the algorithm must be named.
    NoAlgorithm,
    /// The key is not of the kind this operation needs (an RSA key for an
    /// ECDH operation, say).
    WrongKind,
    /// Symmetric (`oct`) keys have no PEM or DER form.
    SymmetricNoPem,
    /// The password for an encrypted key is empty.
    EmptyPassword,

    // ---- PEM and DER --------------------------------------------------------
    /// The PEM text is not usable.
    Pem(PemError),
    /// A DER structure is malformed.
    Der(DerStructure),
    /// The DER is none of the structures Jot reads (PKCS#8,
    /// SubjectPublicKeyInfo, PKCS#1, SEC1, X.509).
    UnknownStructure,
    /// An AlgorithmIdentifier has parameters it must not have, or lacks the
    /// named curve it must have.
    AlgorithmParameters,
    /// A SEC1 EC private key that does not name its curve, with no curve
    /// given by the caller.
    Sec1WithoutCurve,
    /// The key is encrypted: import it with its password.
    Encrypted,
    /// An encrypted key was expected and this one is not.
    NotEncrypted,
    /// The encrypted key could not be decrypted: a wrong password or an
    /// unsupported cipher (PBES2 has no integrity check that could tell
    /// them apart).
    WrongPassword,
    /// PBES1 key encryption: obsolete, not supported.
    Pbes1,
    /// The key-derivation parameters of an encrypted key ask for more work
    /// than Jot accepts.
    KdfCost,
    /// The key could not be encoded (DER or PEM).
    Encode,
}

/// What is wrong with a PEM document ([`InvalidKey::Pem`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemError {
    /// No `-----BEGIN` line.
    NoBlock,
    /// A `-----BEGIN` line that is not well formed.
    BeginLine,
    /// A block without its `-----END` line.
    Unterminated,
    /// The block is not valid base64.
    Base64,
    /// The block is empty.
    Empty,
    /// A label Jot does not read (it reads PRIVATE KEY, PUBLIC KEY, RSA
    /// PRIVATE KEY, RSA PUBLIC KEY, EC PRIVATE KEY, CERTIFICATE and
    /// ENCRYPTED PRIVATE KEY); the label found. A PEM label names a kind of
    /// document and holds no key material.
    UnsupportedLabel(String),
    /// Legacy OpenSSL PEM encryption (`Proc-Type`/`DEK-Info`).
    LegacyEncryption,
}

/// Which DER structure is malformed ([`InvalidKey::Der`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DerStructure {
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (RFC 5208, RFC 5958).
    Pkcs8,
    /// `EncryptedPrivateKeyInfo` with PBES2 (RFC 5958, RFC 8018).
    EncryptedPkcs8,
    /// `SubjectPublicKeyInfo` (RFC 5280).
    Spki,
    /// PKCS#1 `RSAPrivateKey` (RFC 8017).
    Pkcs1Private,
    /// PKCS#1 `RSAPublicKey` (RFC 8017).
    Pkcs1Public,
    /// SEC1 `ECPrivateKey` (RFC 5915).
    Sec1,
    /// An X.509 certificate (RFC 5280).
    Certificate,
}

impl fmt::Display for DerStructure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DerStructure::Pkcs8 => "PKCS#8 private key",
            DerStructure::EncryptedPkcs8 => "PBES2-encrypted PKCS#8 key",
            DerStructure::Spki => "SubjectPublicKeyInfo",
            DerStructure::Pkcs1Private => "PKCS#1 RSA private key",
            DerStructure::Pkcs1Public => "PKCS#1 RSA public key",
            DerStructure::Sec1 => "SEC1 EC private key",
            DerStructure::Certificate => "X.509 certificate",
        })
    }
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixed = match self {
            PemError::UnsupportedLabel(label) => {
                return write!(
                    f,
                    "unsupported PEM label {label:?} (expected PRIVATE KEY, PUBLIC KEY, RSA \
                     PRIVATE KEY, RSA PUBLIC KEY, EC PRIVATE KEY, CERTIFICATE or ENCRYPTED \
                     PRIVATE KEY)"
                )
            }
            PemError::NoBlock => "no PEM block found",
            PemError::BeginLine => "malformed PEM BEGIN line",
            PemError::Unterminated => "the PEM block has no END line",
            PemError::Base64 => "the PEM block is not valid base64",
            PemError::Empty => "the PEM block is empty",
            PemError::LegacyEncryption => {
                "legacy OpenSSL-encrypted PEM is not supported; convert it to encrypted \
                 PKCS#8 (openssl pkcs8 -topk8 -v2 aes-256-cbc)"
            }
        };
        f.write_str(fixed)
    }
}

impl fmt::Display for InvalidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidKey::MissingMember(m) => write!(f, "missing member {m:?}"),
            InvalidKey::MemberType(m) => write!(f, "member {m:?} has the wrong type"),
            InvalidKey::MemberEncoding(m) => write!(f, "member {m:?} is not valid base64url"),
            InvalidKey::MemberLength {
                member,
                expected,
                actual,
            } => write!(
                f,
                "member {member:?} must be {expected} bytes, not {actual}"
            ),
            InvalidKey::EmptySecret => f.write_str("oct key is empty"),
            InvalidKey::DuplicateKeyOp => f.write_str("key_ops lists a value twice"),
            InvalidKey::UseConflictsWithKeyOps => {
                f.write_str("use and key_ops contradict each other")
            }
            InvalidKey::UnsupportedKeyType => f.write_str("unsupported key type"),
            InvalidKey::UnsupportedCurve => f.write_str("unsupported curve"),
            InvalidKey::UnsupportedAlgorithm => f.write_str("unsupported key algorithm"),
            InvalidKey::UnsupportedOid(oid) => {
                write!(f, "unsupported key algorithm or curve (OID {oid})")
            }
            InvalidKey::MultiPrimeRsa => f.write_str("multi-prime RSA keys are not supported"),
            InvalidKey::CompressedPoint => {
                f.write_str("compressed EC public keys are not supported")
            }
            InvalidKey::ExpandedOnly => f.write_str(
                "the private key is in expanded form only: a JWK holds its seed, which cannot \
                 be recovered from it",
            ),
            InvalidKey::UnsupportedSize(n) => write!(f, "keys are not generated with size {n}"),
            InvalidKey::NotOnCurve { curve } => write!(f, "the point is not on curve {curve}"),
            InvalidKey::LowOrderPoint => f.write_str("the public key is a point of small order"),
            InvalidKey::InvalidPublicKey => f.write_str("invalid public key"),
            InvalidKey::InvalidPrivateKey => f.write_str("invalid private key"),
            InvalidKey::KeyPairMismatch => f.write_str("private key does not match its public key"),
            InvalidKey::CurveMismatch { found, expected } => {
                write!(f, "the key is on {found} but {expected} was expected")
            }
            InvalidKey::RsaModulus => f.write_str("RSA modulus must be odd and non-zero"),
            InvalidKey::RsaExponent => f.write_str(
                "RSA public exponent must be odd, greater than 1 and at most 64 bits long",
            ),
            InvalidKey::RsaPrivate => f.write_str("inconsistent or incomplete RSA private key"),
            InvalidKey::RsaTooLarge { max_bits } => {
                write!(f, "RSA keys over {max_bits} bits are not supported")
            }
            InvalidKey::RsaTooSmall => f.write_str("RSA key too small for a CEK of this length"),
            InvalidKey::Length {
                expected: Some(n),
                actual,
            } => write!(f, "the key must be {n} bytes, not {actual}"),
            InvalidKey::Length {
                expected: None,
                actual,
            } => write!(f, "a key of {actual} bytes is not usable here"),
            InvalidKey::NoPrivateKey => f.write_str("the key has no private part"),
            InvalidKey::NoPublicKey => f.write_str("the key has no public half"),
            InvalidKey::NoAlgorithm => {
                f.write_str("the key has no \"alg\" member, so the algorithm must be named")
            }
            InvalidKey::WrongKind => f.write_str("the key is not of the kind this operation needs"),
            InvalidKey::SymmetricNoPem => {
                f.write_str("symmetric (oct) keys have no PEM or DER form")
            }
            InvalidKey::EmptyPassword => f.write_str("the password is empty"),
            InvalidKey::Pem(p) => p.fmt(f),
            InvalidKey::Der(s) => write!(f, "{s} is malformed"),
            InvalidKey::UnknownStructure => f.write_str(
                "not a PKCS#8, SubjectPublicKeyInfo, PKCS#1, SEC1 or X.509 DER structure",
            ),
            InvalidKey::AlgorithmParameters => {
                f.write_str("the key's algorithm identifier has invalid parameters")
            }
            InvalidKey::Sec1WithoutCurve => f.write_str(
                "SEC1 EC private key does not name its curve; pass the curve explicitly",
            ),
            InvalidKey::Encrypted => {
                f.write_str("the key is encrypted; import it with its password")
            }
            InvalidKey::NotEncrypted => f.write_str("expected an ENCRYPTED PRIVATE KEY"),
            InvalidKey::WrongPassword => {
                f.write_str("cannot decrypt the private key: wrong password or unsupported cipher")
            }
            InvalidKey::Pbes1 => f.write_str(
                "PBES1 key encryption is obsolete and not supported; re-encrypt with PBES2",
            ),
            InvalidKey::KdfCost => {
                f.write_str("the key-derivation parameters are over the accepted cost")
            }
            InvalidKey::Encode => f.write_str("the key cannot be encoded"),
        }
    }
}

/// Why a valid key is too weak to be used ([`super::Error::WeakKey`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WeakKey {
    /// An HMAC secret shorter than the hash output (RFC 7518 §3.2).
    ShortSecret {
        /// The secret's length in bytes.
        bytes: usize,
        /// The least the algorithm needs.
        minimum: usize,
    },
    /// An RSA modulus below the minimum (RFC 7518 §3.3, §4.2).
    SmallRsa {
        /// The modulus size in bits.
        bits: usize,
        /// The least accepted.
        minimum: usize,
    },
    /// An RSA modulus with the ROCA fingerprint (CVE-2017-15361): it was made
    /// by a vulnerable Infineon library and its factors can be recovered.
    Roca,
}

impl fmt::Display for WeakKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeakKey::ShortSecret { bytes, minimum } => write!(
                f,
                "the secret has {bytes} bytes; the algorithm needs at least {minimum}"
            ),
            WeakKey::SmallRsa { bits, minimum } => {
                write!(f, "RSA key of {bits} bits; at least {minimum} are required")
            }
            WeakKey::Roca => f.write_str(
                "the RSA modulus has the ROCA fingerprint (CVE-2017-15361): it was made by a \
                 vulnerable Infineon library and its factors can be recovered; replace the key",
            ),
        }
    }
}

/// Why a valid key cannot be used with the algorithm asked for
/// ([`super::Error::KeyAlgorithmMismatch`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyMismatch {
    /// The key's own `alg` names another algorithm (printed only when it is
    /// a registered name).
    KeyAlgorithm(String),
    /// The key's `use` forbids this use (`sig` or `enc`).
    Use,
    /// The key's `key_ops` do not include this operation.
    KeyOps,
    /// The key's type, curve or size does not fit the algorithm.
    Shape,
    /// The key's type, curve or size does not fit the algorithm: the key is
    /// of this `kty`, and this curve or ML-DSA parameter set.
    KeyIs {
        /// The key's `kty`.
        kty: &'static str,
        /// Its `crv`, or the AKP algorithm.
        subtype: Option<&'static str>,
    },
    /// X25519/X448 keys are for key agreement only.
    AgreementOnly,
    /// ML-DSA keys sign; they never encrypt or decrypt.
    SignatureOnly {
        /// The key's ML-DSA parameter set (its AKP `alg`).
        alg: &'static str,
    },
    /// The operation needs a private key and this one is public.
    PublicOnly,
    /// A raw secret can only be used with HS256, HS384 and HS512.
    SecretNotHmac,
    /// A password (or an iteration count) belongs to PBES2 only.
    NotPbes2,
    /// A `dir` key of the wrong length for the content encryption.
    KeyLength {
        /// The length the content encryption needs, in bytes.
        expected: usize,
        /// The key's length.
        actual: usize,
    },
    /// An ECDH public key on another curve than the private key.
    CurveMismatch {
        /// The public key's curve.
        public: &'static str,
        /// The private key's curve.
        private: &'static str,
    },
    /// The RSA key is larger than Jot supports.
    TooLarge {
        /// The largest modulus supported, in bits.
        max_bits: usize,
    },
}

impl fmt::Display for KeyMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyMismatch::KeyAlgorithm(a) => write!(f, "the key is for {}", super::Shown(a)),
            KeyMismatch::Use => f.write_str("the key's \"use\" does not permit this"),
            KeyMismatch::KeyOps => f.write_str("the key's key_ops do not permit this"),
            KeyMismatch::Shape => f.write_str("the key's type, curve or size does not fit"),
            KeyMismatch::KeyIs {
                kty,
                subtype: Some(s),
            } => write!(f, "the key is an {kty} {s} key"),
            KeyMismatch::KeyIs { kty, subtype: None } => write!(f, "the key is an {kty} key"),
            KeyMismatch::AgreementOnly => {
                f.write_str("X25519/X448 keys are for key agreement only")
            }
            KeyMismatch::SignatureOnly { alg } => write!(
                f,
                "the key is an AKP {alg} key: ML-DSA keys sign, they never encrypt or decrypt"
            ),
            KeyMismatch::PublicOnly => f.write_str("this needs a private key"),
            KeyMismatch::SecretNotHmac => {
                f.write_str("a raw secret can only be used with HS256/HS384/HS512")
            }
            KeyMismatch::NotPbes2 => f.write_str("a password can only be used with PBES2"),
            KeyMismatch::KeyLength { expected, actual } => {
                write!(f, "it needs a {expected}-byte key, this one has {actual}")
            }
            KeyMismatch::CurveMismatch { public, private } => {
                write!(f, "public key is on {public}, private key on {private}")
            }
            KeyMismatch::TooLarge { max_bits } => {
                write!(f, "RSA keys over {max_bits} bits are not supported")
            }
        }
    }
}
