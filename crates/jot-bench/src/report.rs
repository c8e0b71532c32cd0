//! Timing loop and the Markdown report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use crate::alloc_count::Allocs;
use crate::cases::{self, Case, Lib};

/// Median time of one case.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Row title.
    pub row: String,
    /// Column.
    pub lib: Lib,
    /// Median nanoseconds per item (per token).
    pub ns: f64,
    /// Spread: (max − min) / median over the batches, in percent.
    pub spread: f64,
}

/// Times every case: calibrates a batch of about `batch_ms`, then runs
/// `rounds` rounds in which every case runs one batch, interleaved so that
/// a noisy neighbour hurts every library alike; reports the median batch.
pub fn measure(cases: &mut [Case], rounds: usize, batch_ms: f64) -> Vec<Measurement> {
    let iters: Vec<u64> = cases
        .iter_mut()
        .map(|c| {
            let mut n = 1u64;
            loop {
                let t = Instant::now();
                for _ in 0..n {
                    (c.run)();
                }
                let ms = t.elapsed().as_secs_f64() * 1e3;
                if ms >= batch_ms / 4.0 || n >= 1 << 24 {
                    break ((n as f64 * batch_ms / ms.max(1e-6)).ceil() as u64).max(1);
                }
                n *= 2;
            }
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for round in 0..rounds {
        for (i, c) in cases.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..iters[i] {
                (c.run)();
            }
            let ns = t.elapsed().as_secs_f64() * 1e9 / (iters[i] as f64 * f64::from(c.items));
            samples[i].push(ns);
        }
        eprint!("\rround {}/{rounds}", round + 1);
    }
    eprintln!();
    cases
        .iter()
        .zip(samples)
        .map(|(c, mut s)| {
            s.sort_by(f64::total_cmp);
            let median = s[s.len() / 2];
            Measurement {
                row: c.row.clone(),
                lib: c.lib,
                ns: median,
                spread: (s[s.len() - 1] - s[0]) / median * 100.0,
            }
        })
        .collect()
}

/// A duration for humans.
pub fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// Medians by row and library, rows in first-seen order.
pub struct Table {
    rows: Vec<String>,
    cells: BTreeMap<(String, Lib), Measurement>,
}

impl Table {
    /// Indexes the measurements.
    pub fn new(ms: &[Measurement]) -> Self {
        let mut rows: Vec<String> = Vec::new();
        let mut cells = BTreeMap::new();
        for m in ms {
            if !rows.contains(&m.row) {
                rows.push(m.row.clone());
            }
            cells.insert((m.row.clone(), m.lib), m.clone());
        }
        Table { rows, cells }
    }

    /// The median of a cell, if measured.
    pub fn get(&self, row: &str, lib: Lib) -> Option<f64> {
        self.cells.get(&(row.to_owned(), lib)).map(|m| m.ns)
    }

    /// jot's time divided by `lib`'s on `row`.
    pub fn ratio(&self, row: &str, lib: Lib) -> Option<f64> {
        Some(self.get(row, Lib::Jot)? / self.get(row, lib)?)
    }
}

/// The machine: CPU count and model.
pub fn machine() -> (usize, String) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    (cpus, model)
}

/// `YYYY-MM-DD HH:MM UTC` from UNIX seconds (civil-from-days).
pub fn utc_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Versions of the crates that matter, from the workspace's Cargo.lock.
pub fn versions() -> Vec<(String, String)> {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
        .unwrap_or_default();
    let wanted = [
        "jot",
        "jsonwebtoken",
        "jwt-simple",
        "josekit",
        "openssl",
        "aws-lc-rs",
        "aws-lc-sys",
        "curve25519-dalek",
        "serde_json",
        "criterion",
    ];
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_owned());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            if wanted.contains(&n.as_str()) {
                out.push((n, v.trim_matches('"').to_owned()));
            }
        }
    }
    out.sort_by_key(|(n, _)| wanted.iter().position(|w| *w == n.as_str()));
    out
}

/// One target of issue 5 and how this run did.
pub struct Target {
    /// What the issue asks.
    pub what: String,
    /// Measured ratio, if both sides were measured.
    pub measured: Option<f64>,
    /// The bound (ratio must be ≤ this; for the batch, ≥).
    pub bound: f64,
    /// `true` if the measured value must be at least `bound`.
    pub at_least: bool,
}

impl Target {
    fn met(&self) -> Option<bool> {
        self.measured.map(|m| {
            if self.at_least {
                m >= self.bound
            } else {
                m <= self.bound
            }
        })
    }
}

/// The ratio targets of issues 5 and 12, evaluated on this run.
pub fn targets(t: &Table) -> Vec<Target> {
    use jot::Algorithm::*;
    let le = |what: String, measured: Option<f64>, bound: f64| Target {
        what,
        measured,
        bound,
        at_least: false,
    };
    let v = cases::verify_row;
    let s = cases::sign_row;
    let mut out = vec![
        le(
            "HS256 verify+validate ≤ 0.35× jsonwebtoken".into(),
            t.ratio(&v(HS256), Lib::Jsonwebtoken),
            0.35,
        ),
        le(
            "HS256 verify+validate ≤ 2.5× the HMAC floor".into(),
            t.ratio(&v(HS256), Lib::Floor),
            2.5,
        ),
        le(
            "HS256 verify+validate, borrowing claims type † ≤ 0.35× jsonwebtoken".into(),
            t.ratio(cases::BORROWED_ROW, Lib::Jsonwebtoken),
            0.35,
        ),
        le(
            "HS256 verify+validate, borrowing claims type † ≤ 2.5× the HMAC floor".into(),
            t.ratio(cases::BORROWED_ROW, Lib::Floor),
            2.5,
        ),
        le(
            "RS256 verify ≤ 0.9× jsonwebtoken".into(),
            t.ratio(&v(RS256), Lib::Jsonwebtoken),
            0.9,
        ),
        le(
            "PS256 verify ≤ 0.9× jsonwebtoken".into(),
            t.ratio(&v(PS256), Lib::Jsonwebtoken),
            0.9,
        ),
        le(
            "RS256 sign ≤ 0.45× jsonwebtoken".into(),
            t.ratio(&s(RS256), Lib::Jsonwebtoken),
            0.45,
        ),
        le(
            "ES256 sign ≤ 0.6× jsonwebtoken".into(),
            t.ratio(&s(ES256), Lib::Jsonwebtoken),
            0.6,
        ),
        le(
            "EdDSA sign ≤ 0.6× jsonwebtoken".into(),
            t.ratio(&s(EdDSA), Lib::Jsonwebtoken),
            0.6,
        ),
    ];
    for alg in [ES256, ES384, EdDSA] {
        out.push(le(
            format!("{alg} verify ≤ 1.05× the floor"),
            t.ratio(&v(alg), Lib::Floor),
            1.05,
        ));
    }
    for alg in [
        RS256, PS256, ES256, ES384, ES512, EdDSA, MlDsa44, MlDsa65, MlDsa87,
    ] {
        for row in [s(alg), v(alg)] {
            out.push(le(
                format!("{row} ≤ 1.05× the floor (every asymmetric row)"),
                t.ratio(&row, Lib::Floor),
                1.05,
            ));
        }
    }
    // Issue 12: a flood of invalid EdDSA tokens must cost what aws-lc-rs's
    // own rejection costs, not a second check.
    out.push(le(
        format!("{} ≤ 1.05× the floor", cases::ED_INVALID_ROW),
        t.ratio(cases::ED_INVALID_ROW, Lib::Floor),
        1.05,
    ));
    for row in &t.rows {
        for lib in [Lib::JwtSimple, Lib::Josekit] {
            if t.get(row, lib).is_some() {
                out.push(le(
                    format!("{row}: faster than {}", lib.name()),
                    t.ratio(row, lib),
                    1.0,
                ));
            }
        }
    }
    // Issue 15: checking a DPoP proof, whose key comes with it, costs little
    // more than verifying a JWT of the same size with a prepared key.
    let proof = t.get(cases::DPOP_ROW, Lib::Jot);
    let plain = t.get(cases::DPOP_PLAIN_ROW, Lib::Jot);
    out.push(le(
        format!("{} ≤ 1.2× {}", cases::DPOP_ROW, cases::DPOP_PLAIN_ROW),
        proof.zip(plain).map(|(p, q)| p / q),
        1.2,
    ));
    let single = t.get(cases::ED_SINGLE64_ROW, Lib::Jot);
    let batch = t.get(cases::ED_BATCH64_ROW, Lib::Jot);
    out.push(Target {
        what: "Ed25519 batch of 64 ≥ 1.8× the throughput of 64 single verifies".into(),
        measured: single.zip(batch).map(|(s, b)| s / b),
        bound: 1.8,
        at_least: true,
    });
    out
}

fn ratio_cell(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}×"))
}

/// The Markdown of a run.
pub fn markdown(
    ms: &[Measurement],
    allocs: &[(String, String, Allocs)],
    rounds: usize,
    batch_ms: f64,
    sections: &[String],
    profile: Option<&str>,
) -> String {
    let t = Table::new(ms);
    let (cpus, model) = machine();
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Generated by `cargo run -p jot-bench --release --bin compare` (do not edit by hand; \
         the profile section comes from `crates/jot-bench/PROFILE.md`).\n"
    );
    let _ = writeln!(w, "- Machine: {cpus} CPUs, {model}");
    let _ = writeln!(w, "- Date: {}", utc_date(cases::unix_now()));
    let _ = writeln!(
        w,
        "- Method: every case calibrated to ~{batch_ms} ms batches; {rounds} rounds, each \
         running one batch of every case in turn (interleaved, so machine noise hits all \
         libraries alike); the table shows the median batch, per token."
    );
    let vs: Vec<String> = versions()
        .into_iter()
        .map(|(n, v)| format!("{n} {v}"))
        .collect();
    let _ = writeln!(w, "- Versions (Cargo.lock): {}", vs.join(", "));
    let _ = writeln!(
        w,
        "- Backends: jot and jsonwebtoken (feature `aws_lc_rs`) on aws-lc-rs; jwt-simple with \
         its `pure-rust` feature (its default BoringSSL backend needs cmake, a C++ toolchain \
         and libclang for bindgen, and would link a second, unprefixed libcrypto next to the \
         system OpenSSL that josekit uses); josekit on the system OpenSSL."
    );
    let _ = writeln!(
        w,
        "- Input: one claims set of {} bytes of JSON (iss, sub, aud, exp, nbf, iat, jti, name, \
         roles, scope, tid; exp 10 years ahead), one key per algorithm generated once and \
         exported to each library's format (RSA-2048, P-256/384/521, Ed25519, ML-DSA \
         from a random seed, 32-byte secrets). Every library signs its own token once and verifies it with issuer and \
         audience required. Keys, verifiers and validation rules are prepared once \
         (jsonwebtoken `EncodingKey`/`DecodingKey`, jwt-simple key pairs, josekit \
         signers/verifiers).",
        serde_json::to_vec(&crate::fixtures::BenchClaims::new()).map_or(0, |v| v.len())
    );
    let _ = writeln!(
        w,
        "- Floor: the bare aws-lc-rs primitive with a prepared key on jot's exact signing \
         input (`hmac::sign`/`verify`, `RsaKeyPair::sign` + `ParsedPublicKey`, ECDSA `*_FIXED`, \
         `Ed25519KeyPair`, ML-DSA `PqdsaKeyPair`): no base64, no JSON. For decode-only, the floor is split + base64 + \
         `serde_json` into the same struct.\n"
    );

    let _ = writeln!(w, "## Medians\n");
    let mut head = String::from("| row |");
    let mut sep = String::from("|---|");
    for lib in Lib::ALL {
        let _ = write!(head, " {} |", lib.name());
        sep.push_str("---:|");
    }
    for lib in [Lib::Jsonwebtoken, Lib::JwtSimple, Lib::Josekit, Lib::Floor] {
        let _ = write!(head, " jot ÷ {} |", lib.name());
        sep.push_str("---:|");
    }
    let _ = writeln!(w, "{head}\n{sep}");
    for row in &t.rows {
        let mut line = format!("| {row} |");
        for lib in Lib::ALL {
            let cell = t.get(row, lib).map_or("—".into(), fmt_ns);
            let _ = write!(line, " {cell} |");
        }
        for lib in [Lib::Jsonwebtoken, Lib::JwtSimple, Lib::Josekit, Lib::Floor] {
            let _ = write!(line, " {} |", ratio_cell(t.ratio(row, lib)));
        }
        let _ = writeln!(w, "{line}");
    }
    let _ = writeln!(
        w,
        "\n\"—\": the library has no such operation (jsonwebtoken and jwt-simple have no ES512, \
         none of the three has ML-DSA, jwt-simple's JWE and josekit's decode-only are not comparable, the floor has no JWE \
         row). A ratio below 1 means jot is faster.\n"
    );

    let targets = targets(&t);
    let met = targets.iter().filter(|x| x.met() == Some(true)).count();
    let _ = writeln!(w, "## Targets of issues 5, 12 and 15 in this run\n");
    let _ = writeln!(
        w,
        "{met} of {} met. A target is a ratio of jot's median to another column of the same \
         run.\n",
        targets.len()
    );
    let _ = writeln!(w, "| target | measured | result |\n|---|---:|---|");
    for x in &targets {
        let verdict = match x.met() {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not measured",
        };
        let _ = writeln!(w, "| {} | {} | {verdict} |", x.what, ratio_cell(x.measured));
    }

    for section in sections {
        let _ = writeln!(w, "\n{}", section.trim_end());
    }

    let _ = writeln!(w, "\n## Heap allocations per call\n");
    let _ = writeln!(
        w,
        "Counted by a global allocator around one call (after a warm-up call): number of \
         allocations (a `realloc` counts as one), bytes requested, peak live bytes.\n"
    );
    let _ = writeln!(
        w,
        "| what | library | allocations | bytes | peak |\n|---|---|---:|---:|---:|"
    );
    for (what, lib, a) in allocs {
        let _ = writeln!(
            w,
            "| {what} | {lib} | {} | {} | {} |",
            a.count, a.bytes, a.peak
        );
    }
    let _ = writeln!(
        w,
        "\nThe `verify+validate` rows deserialize into an owned claims struct (nine of jot's ten \
         allocations are its `String`s and `Vec`; the tenth is the header's `typ`). The issue's \
         \"≤ 2 heap allocations for a borrowed-claims verify\" is the row \
         `jwt::verify_borrowed + borrowed claims`: a claims type with `&str` fields (and one \
         `Vec<&str>`), the payload decoded into a buffer the caller reuses.\n\n\
         † `jwt::verify_borrowed` with that borrowing type. jsonwebtoken's `decode` requires \
         `DeserializeOwned`, so its column in that row is its owned decode again.\n"
    );
    if let Some(p) = profile {
        let _ = writeln!(w, "{}", p.trim_end());
    }
    md
}
