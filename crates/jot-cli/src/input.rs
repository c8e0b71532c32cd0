//! Reading tokens, payloads and claims: from an argument, a file or stdin.

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::error::{io, Failure, Result};

/// Largest input read from a file or stdin (tokens are limited far below
/// this by the library; payloads and claims are bounded here).
const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Whether an optional positional argument means stdin.
fn is_stdin(arg: Option<&str>) -> bool {
    matches!(arg, None | Some("-"))
}

/// Reads all of stdin, refusing to wait on an interactive terminal: the
/// CLI never prompts.
pub fn read_stdin(what: &str) -> Result<Vec<u8>> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(
            Failure::usage(format!("no {what} given and stdin is a terminal"))
                .hint(format!("pass the {what} as an argument or pipe it in")),
        );
    }
    read_limited(stdin.lock(), "stdin")
}

fn read_limited(r: impl Read, what: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io(what, &e))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(Failure::usage(format!(
            "{what} is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Reads a file, with its path in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let f = std::fs::File::open(path).map_err(|e| io(path.display(), &e))?;
    read_limited(f, &path.display().to_string())
}

/// A file-or-stdin argument (PAYLOAD, CLAIMS): a path, `-` or omitted for
/// stdin.
pub fn file_or_stdin(arg: Option<&str>, what: &str) -> Result<Vec<u8>> {
    match arg {
        a if is_stdin(a) => read_stdin(what),
        Some(path) => read_file(Path::new(path)),
        None => unreachable!(),
    }
}

/// A TOKEN argument: the token itself, or `-`/omitted for stdin. The
/// argument may also name a file holding the token, which is convenient
/// and unambiguous (a token never contains `/` and a file name rarely
/// contains two dots and base64url only).
pub fn token(arg: Option<&str>) -> Result<String> {
    let raw = match arg {
        a if is_stdin(a) => {
            let bytes = read_stdin("token")?;
            String::from_utf8(bytes)
                .map_err(|_| Failure::usage("the token on stdin is not UTF-8 text"))?
        }
        Some(s) => {
            let p = Path::new(s);
            if !looks_like_token(s) && p.is_file() {
                String::from_utf8(read_file(p)?).map_err(|_| {
                    Failure::usage(format!("{} does not hold UTF-8 text", p.display()))
                })?
            } else {
                s.to_owned()
            }
        }
        None => unreachable!(),
    };
    let t = clean_token(&raw);
    if t.is_empty() {
        return Err(Failure::usage("the token is empty")
            .hint("pass a token as an argument, as a file, or on stdin"));
    }
    Ok(t.to_owned())
}

/// Whether an argument is already a token rather than a file name: a JSON
/// serialization, or compact segments of base64url characters only.
fn looks_like_token(s: &str) -> bool {
    let s = clean_token(s);
    if s.starts_with('{') {
        return true;
    }
    let dots = s.bytes().filter(|&b| b == b'.').count();
    (dots == 2 || dots == 4)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Strips surrounding whitespace, surrounding quotes and a leading
/// `Bearer ` (as copied from an HTTP header), in any nesting.
pub fn clean_token(s: &str) -> &str {
    let mut t = s.trim();
    loop {
        let before = t.len();
        for q in ['"', '\''] {
            if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
                t = t[1..t.len() - 1].trim();
            }
        }
        if t.len() > 7 && t[..7].eq_ignore_ascii_case("bearer ") {
            t = t[7..].trim();
        }
        if t.len() == before {
            return t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        assert_eq!(clean_token("  a.b.c\n"), "a.b.c");
        assert_eq!(clean_token("Bearer a.b.c"), "a.b.c");
        assert_eq!(clean_token("bearer   a.b.c "), "a.b.c");
        assert_eq!(clean_token("\"Bearer a.b.c\"\n"), "a.b.c");
        assert_eq!(clean_token("Bearer \"a.b.c\""), "a.b.c");
        assert_eq!(clean_token("'a.b.c'"), "a.b.c");
        assert_eq!(clean_token("\""), "\"");
        assert_eq!(clean_token("Bearer"), "Bearer");
    }

    #[test]
    fn token_or_file_name() {
        assert!(looks_like_token("eyJ.eyJ.abc"));
        assert!(looks_like_token("{\"payload\":1}"));
        assert!(!looks_like_token("token.jwt"));
        assert!(!looks_like_token("dir/a.b.c"));
    }
}
