//! The layering of `docs/architecture.md`, checked on the source: every
//! path a module of `src/` names (`crate::a::b`, `super::x`, `$crate::`)
//! must lead to its own layer or one below, and only the backend layer may
//! name aws-lc-rs or a RustCrypto primitive crate. Known exceptions are
//! listed below with the reason each one still exists; anything else fails.
//!
//! Unit tests inside `src/` (`#[cfg(test)] mod tests`) are not part of the
//! library and are not checked.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Module path prefix → layer (the longest matching prefix wins). The same
/// table, in words, is in `docs/architecture.md`.
const LAYERS: &[(&str, u8)] = &[
    // 0: names, limits and encodings: no keys, no crypto.
    ("alg", 0),
    ("error", 0),
    ("limits", 0),
    ("secret", 0),
    ("encoding", 0),
    ("format", 0),
    ("http", 0),
    ("cache", 0),
    // The curve names, and the two primitives over bytes that the JWK layer
    // needs for its own data: SHA-2 (RFC 7638 thumbprints) and the EC point
    // check (a parsed EC JWK is a point on its curve). They are the
    // backend's, at the bottom: see `BELOW_THE_BACKEND`.
    ("curve", 0),
    ("backend::digest", 0),
    ("backend::point", 0),
    // 1: JWK data: parsed, inspected, serialized; never used.
    ("jwk", 1),
    // 2: the backend, the only code that calls aws-lc-rs and the RustCrypto
    // primitives.
    ("backend", 2),
    ("jwe::content", 2),
    ("jwe::keymgmt", 2),
    // The JWE `alg` name enum is made of the backend's per-primitive
    // enums (`RsaEncryption`, `AesKeyWrap`, ...), so it sits with them.
    ("jwe::alg", 2),
    // 3: prepared keys, bound to one algorithm.
    ("key", 3),
    ("jwe::key", 3),
    // 4: the JOSE serializations and the key selection they use.
    ("jws", 4),
    ("jwe", 4),
    // 5: what is built on them.
    ("jwt", 5),
    ("jwks", 5),
    ("decode", 5),
    ("verifier", 5),
    ("discovery", 5),
    ("dpop", 5),
];

const NAMES: [&str; 6] = ["names", "jwk", "backend", "key", "jws/jwe", "jwt"];

/// Upward edges that exist today, each with why. Remove an entry when its
/// edge goes; the test fails on an entry that no longer matches anything, so
/// the list cannot go stale. (Empty: the last one, `jwk::params →
/// key::check`, went when the EC point check moved to `backend::point`.)
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Files outside the backend that still call a crypto crate, with why.
/// (Empty: signing, verifying, generation, import checks, JWE RSA keys, the
/// thumbprint hash and the Ed25519 batch equation call `backend::*`.)
const CRYPTO_EXCEPTIONS: &[(&str, &str)] = &[];

/// Backend modules placed below the backend layer, which may call crypto
/// crates too: functions over bytes and names that know no key type, which
/// the JWK layer (below the backend) needs for its own data.
const BELOW_THE_BACKEND: &[&str] = &["backend::digest", "backend::point"];

const CRYPTO_CRATES: &[&str] = &[
    "aws_lc_rs::",
    "ed448_goldilocks::",
    "x448::",
    "aes_kw::",
    "curve25519_dalek::",
    "subtle::",
];

/// Whether `code` names the crate `krate` (`aes_kw::` at the start of a
/// path, not a module of that name further down one).
fn names_crate(code: &str, krate: &str) -> bool {
    code.match_indices(krate).any(|(i, _)| {
        !code[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    })
}

fn layer_of(module: &str) -> Option<u8> {
    LAYERS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|&(_, layer)| layer)
}

/// The module a path under `src/` defines (`jwe/keymgmt/rsa.rs` →
/// `jwe::keymgmt::rsa`, `jwk/mod.rs` → `jwk`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

/// The library source of a file: comments removed, and nothing from its
/// unit-test module on.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Every module path the code names through `crate::` or `super::`,
/// resolved from `module`: its first two segments where they are modules
/// (lowercase), so that `crate::jwe::keymgmt::rsa::X` counts as
/// `jwe::keymgmt::rsa`.
fn references(module: &str, code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let own: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find(['c', 's']) {
        let tail = &rest[i..];
        let preceded_by_ident = rest[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let (base, after): (Vec<&str>, &str) = if preceded_by_ident {
            (Vec::new(), "")
        } else if let Some(after) = tail.strip_prefix("crate::") {
            (Vec::new(), after)
        } else if tail.starts_with("super::") {
            // `super` of `a::b` (a/b.rs) is `a`, of `a` (a/mod.rs) the
            // root: one segment up per `super::`.
            let mut base = own.clone();
            let mut after = tail;
            while let Some(a) = after.strip_prefix("super::") {
                base.pop();
                after = a;
            }
            (base, after)
        } else {
            (Vec::new(), "")
        };
        if !after.is_empty() {
            let mut targets: Vec<&str> = Vec::new();
            if let Some(group) = after.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                targets.extend(inner.split(',').map(str::trim));
            } else {
                targets.push(after);
            }
            for t in targets {
                let mut path = base.clone();
                let mut cur = t;
                loop {
                    let id = ident_at(cur);
                    if id.is_empty() || id.chars().next().is_some_and(|c| c.is_uppercase()) {
                        break;
                    }
                    path.push(id);
                    match cur[id.len()..].strip_prefix("::") {
                        Some(next) => cur = next,
                        None => break,
                    }
                }
                // Items re-exported at the root.
                if path.is_empty() {
                    match ident_at(t) {
                        "Error" | "Result" => path.push("error"),
                        "Algorithm" => path.push("alg"),
                        _ => {}
                    }
                }
                if !path.is_empty() {
                    found.insert(path.join("::"));
                }
            }
        }
        rest = &rest[i + 1..];
    }
    found
}

struct Source {
    module: String,
    code: String,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<Source>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap();
                out.push(Source {
                    module: module_of(rel),
                    code: code_of(&fs::read_to_string(&path).unwrap()),
                });
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

/// The upward edges and the crypto calls outside the backend in `files`.
fn violations(files: &[Source]) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let mut upward = BTreeSet::new();
    let mut crypto = BTreeSet::new();
    for f in files {
        let Some(own) = layer_of(&f.module) else {
            assert!(f.module.is_empty(), "{} has no layer in LAYERS", f.module);
            continue;
        };
        for target in references(&f.module, &f.code) {
            let Some(layer) = layer_of(&target) else {
                continue;
            };
            if layer > own {
                upward.insert((f.module.clone(), target));
            }
        }
        let backend = own == 2 || BELOW_THE_BACKEND.contains(&f.module.as_str());
        if !backend && CRYPTO_CRATES.iter().any(|c| names_crate(&f.code, c)) {
            crypto.insert(f.module.clone());
        }
    }
    (upward, crypto)
}

fn excused(from: &str, to: &str) -> bool {
    EXCEPTIONS.iter().any(|&(f, t, _)| {
        (from == f || from.starts_with(&format!("{f}::")))
            && (to == t || to.starts_with(&format!("{t}::")))
    })
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let files = sources();
    let (upward, crypto) = violations(&files);
    let unexcused: Vec<String> = upward
        .iter()
        .filter(|(from, to)| !excused(from, to))
        .map(|(from, to)| {
            let (a, b) = (layer_of(from).unwrap(), layer_of(to).unwrap());
            format!(
                "{from} ({}) uses {to} ({})",
                NAMES[a as usize], NAMES[b as usize]
            )
        })
        .collect();
    assert!(
        unexcused.is_empty(),
        "upward imports:\n{}",
        unexcused.join("\n")
    );
    let stale: Vec<_> = EXCEPTIONS
        .iter()
        .filter(|&&(f, t, _)| {
            !upward.iter().any(|(from, to)| {
                (from == f || from.starts_with(&format!("{f}::")))
                    && (to == t || to.starts_with(&format!("{t}::")))
            })
        })
        .collect();
    assert!(
        stale.is_empty(),
        "exceptions that no longer occur: {stale:?}"
    );

    let outside: Vec<_> = crypto
        .iter()
        .filter(|m| !CRYPTO_EXCEPTIONS.iter().any(|(e, _)| e == m))
        .collect();
    assert!(
        outside.is_empty(),
        "crypto crates named outside the backend: {outside:?}"
    );
    let stale: Vec<_> = CRYPTO_EXCEPTIONS
        .iter()
        .filter(|(e, _)| !crypto.contains(*e))
        .collect();
    assert!(
        stale.is_empty(),
        "crypto exceptions that no longer occur: {stale:?}"
    );
}

/// The check can fail: an upward import and a crypto call outside the
/// backend, planted in copies of real modules, are both reported.
#[test]
fn the_check_reports_a_planted_upward_import() {
    let mut files = sources();
    let limits = files.iter_mut().find(|f| f.module == "limits").unwrap();
    limits.code.push_str("\nuse crate::jwt::Validation;\n");
    let jwk = files.iter_mut().find(|f| f.module == "jwk::set").unwrap();
    jwk.code
        .push_str("\nfn f() { let _ = aws_lc_rs::digest::SHA256; }\n");
    let key = files.iter_mut().find(|f| f.module == "key::sign").unwrap();
    key.code.push_str("\nuse super::super::jws::Header;\n");
    let (upward, crypto) = violations(&files);
    assert!(
        upward.contains(&("limits".to_owned(), "jwt".to_owned())),
        "{upward:?}"
    );
    assert!(
        upward.contains(&("key::sign".to_owned(), "jws".to_owned())),
        "{upward:?}"
    );
    assert!(crypto.contains("jwk::set"), "{crypto:?}");
}
