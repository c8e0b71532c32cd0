//! ROCA (CVE-2017-15361): RSA moduli made by the Infineon RSALib, whose
//! factors can be found in CPU-months to CPU-years for 1024-2048-bit keys.
//!
//! The library built each prime as `p = k·M + (65537^a mod M)` with `M` a
//! primorial (the product of the first primes), so the modulus `N = p·q`
//! is, modulo every prime `r` dividing `M`, a power of 65537. Modulo a
//! random modulus that holds for a prime `r` with probability
//! `ord_r(65537) / (r − 1)`, small for several of the first primes; all 38
//! odd primes up to 167 (they divide `M` for every key size the library
//! made) together leave a random modulus a chance of about 4·10⁻⁹ (2⁻²⁸,
//! computed in the tests) to be flagged by mistake. This is the fingerprint test
//! published with the vulnerability (Nemec et al., "The Return of
//! Coppersmith's Attack", CCS 2017), written here from its description.
//!
//! `Z_r^*` is cyclic, so the residues that are powers of 65537 are exactly
//! the `x` with `x^d ≡ 1 (mod r)`, `d` the order of 65537 modulo `r`: no
//! table of subgroup members is needed.

/// The odd primes up to 167: each divides the primorial `M` of every key
/// size, so each residue of a vulnerable modulus carries the fingerprint.
const PRIMES: [u64; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// The generator of the vulnerable primes (and the usual public exponent).
const GENERATOR: u64 = 65537;

/// Whether the big-endian modulus `n` has the ROCA fingerprint: modulo each
/// prime of [`PRIMES`], a power of 65537.
pub(crate) fn has_fingerprint(n: &[u8]) -> bool {
    PRIMES.iter().all(|&r| {
        let residue = n
            .iter()
            .fold(0u64, |acc, &b| (acc * 256 + u64::from(b)) % r);
        pow_mod(residue, order(GENERATOR % r, r), r) == 1
    })
}

/// The multiplicative order of `g` modulo the prime `r` (`g` not 0 mod r:
/// 65537 is a prime larger than every `r`).
fn order(g: u64, r: u64) -> u64 {
    let (mut x, mut k) = (g, 1);
    while x != 1 {
        x = x * g % r;
        k += 1;
    }
    k
}

fn pow_mod(base: u64, mut exp: u64, r: u64) -> u64 {
    let (mut result, mut b) = (1 % r, base % r);
    while exp > 0 {
        if exp & 1 == 1 {
            result = result * b % r;
        }
        b = b * b % r;
        exp >>= 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_membership() {
        // 65537 ≡ 2 (mod 3), 2 (mod 5), 4 (mod 13), 10 (mod 37): orders
        // 2, 4, 6 and 3 (the last two leave only part of the group).
        assert_eq!(order(GENERATOR % 3, 3), 2);
        assert_eq!(order(GENERATOR % 5, 5), 4);
        assert_eq!(order(GENERATOR % 13, 13), 6);
        assert_eq!(order(GENERATOR % 37, 37), 3);
        // The powers of 10 modulo 37 are {1, 10, 26}; nothing else passes.
        for x in 0..37 {
            let member = [1, 10, 26].contains(&x);
            assert_eq!(pow_mod(x, 3, 37) == 1, member, "{x}");
        }
    }

    /// How likely a random modulus is to be flagged: the product of the
    /// per-prime chances. Small enough that no real key trips it.
    #[test]
    fn false_positive_rate_is_negligible() {
        let rate: f64 = PRIMES
            .iter()
            .map(|&r| order(GENERATOR % r, r) as f64 / (r - 1) as f64)
            .product();
        assert!(rate < 1e-8, "{rate}");
        assert!(rate > 0.0);
    }

    use num_bigint::BigUint;

    fn random(bytes: usize) -> Vec<u8> {
        let mut v = vec![0u8; bytes];
        aws_lc_rs::rand::fill(&mut v).unwrap();
        v
    }

    /// `k·M + (65537^a mod M)`, `M` the product of the primes up to 167, of
    /// exactly `bits` bits: the structure of the vulnerable library's
    /// primes (and so, modulo these primes, of their products).
    fn with_fingerprint(bits: u64) -> Vec<u8> {
        let m: BigUint = std::iter::once(2u64)
            .chain(PRIMES)
            .map(BigUint::from)
            .product();
        let a = BigUint::from_bytes_be(&random(8));
        let r = BigUint::from(GENERATOR).modpow(&a, &m);
        let k = (BigUint::from(1u8) << (bits - 1)) / &m + BigUint::from_bytes_be(&random(8)) + 1u8;
        let n = k * &m + r;
        assert_eq!(n.bits(), bits);
        n.to_bytes_be()
    }

    #[test]
    fn moduli_with_the_fingerprint_are_detected() {
        for bits in [512, 1024, 2048, 3072, 4096] {
            for _ in 0..50 {
                let n = with_fingerprint(bits);
                assert!(has_fingerprint(&n), "{bits} bits");
                // A leading zero byte changes nothing.
                assert!(has_fingerprint(&[&[0u8][..], &n].concat()));
            }
        }
    }

    /// 10 000 random odd moduli of each usual size: none is flagged (the
    /// expected number of false positives is about 10⁻⁴).
    #[test]
    fn ordinary_moduli_pass() {
        for bytes in [256, 384, 512] {
            for _ in 0..10_000 {
                let mut n = random(bytes);
                n[0] |= 0x80;
                n[bytes - 1] |= 1;
                assert!(!has_fingerprint(&n), "{}", hex::encode(&n));
            }
        }
        assert!(!has_fingerprint(&[]));
    }
}
