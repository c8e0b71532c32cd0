//! Output: human-readable (colour only on a terminal) or JSON, and time
//! formatting for claims.

use std::io::{IsTerminal, Write};

use serde_json::Value;

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

/// ANSI colours used for labels.
#[derive(Debug, Clone, Copy)]
pub enum Paint {
    Red,
    Green,
    Yellow,
    Bold,
}

impl Style {
    /// Colour only when the stream is a terminal, `--no-color` was not
    /// given and `NO_COLOR` is unset or empty (no-color.org).
    pub fn detect(no_color: bool, is_terminal: bool) -> Self {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: is_terminal && !no_color && !env_off,
        }
    }

    /// For stdout.
    pub fn stdout(no_color: bool) -> Self {
        Self::detect(no_color, std::io::stdout().is_terminal())
    }

    /// For stderr.
    pub fn stderr(no_color: bool) -> Self {
        Self::detect(no_color, std::io::stderr().is_terminal())
    }

    pub fn paint(&self, p: Paint, s: &str) -> String {
        if !self.color {
            return s.to_owned();
        }
        let code = match p {
            Paint::Red => "1;31",
            Paint::Green => "1;32",
            Paint::Yellow => "1;33",
            Paint::Bold => "1",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }
}

/// Writes bytes to stdout, exactly. A closed pipe (`| head`) is not an
/// error worth a message.
pub fn write_stdout(bytes: &[u8]) -> crate::error::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(crate::error::Failure::usage(format!(
            "cannot write to stdout: {e}"
        ))),
    }
}

/// Prints a line to stdout.
pub fn println(s: &str) -> crate::error::Result<()> {
    let mut v = s.as_bytes().to_vec();
    v.push(b'\n');
    write_stdout(&v)
}

/// Writes `bytes` to `path`. Files holding private or secret keys are
/// created with mode 0600 (and an existing file is narrowed to 0600 before
/// anything is written to it).
pub fn write_file(path: &std::path::Path, bytes: &[u8], private: bool) -> crate::error::Result<()> {
    use std::fs::OpenOptions;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let fail = |e: std::io::Error| {
        crate::error::Failure::usage(format!("cannot write {}: {e}", path.display()))
    };
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    if private {
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(fail)?;
    if private {
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    f.write_all(bytes).and_then(|()| f.flush()).map_err(fail)
}

/// Pretty JSON, two-space indented.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// The current UNIX time.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for a UNIX time (proleptic Gregorian).
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's civil_from_days: days since 1970-01-01 to (y, m, d).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `14m`, `3h`, `2d`: the largest whole unit.
pub fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A relative phrase for a time claim: "expires in 14m", "expired 3h ago",
/// "valid in 5m", "valid since 2d", "issued 3h ago".
pub fn relative(claim: &str, t: i64, now: i64) -> String {
    let d = t - now;
    let sp = span(d);
    match (claim, d > 0) {
        ("exp", true) => format!("expires in {sp}"),
        ("exp", false) => format!("expired {sp} ago"),
        ("nbf", true) => format!("not valid for another {sp}"),
        ("nbf", false) => format!("valid since {sp} ago"),
        ("iat", true) => format!("issued in the future, in {sp}"),
        ("iat", false) => format!("issued {sp} ago"),
        (_, true) => format!("in {sp}"),
        (_, false) => format!("{sp} ago"),
    }
}

/// The time claims of a claims object, with dates: `(name, unix, utc,
/// relative)`.
pub fn time_claims(claims: &Value, now: i64) -> Vec<(&'static str, i64, String, String)> {
    let mut out = Vec::new();
    for name in ["iat", "nbf", "exp"] {
        if let Some(t) = claims.get(name).and_then(Value::as_i64) {
            out.push((name, t, utc(t), relative(name, t, now)));
        }
    }
    out
}

/// The time claims as a JSON object `{"exp":{"unix":..,"utc":..,"relative":..}}`.
pub fn time_claims_json(claims: &Value, now: i64) -> Value {
    let mut m = serde_json::Map::new();
    for (name, t, u, r) in time_claims(claims, now) {
        m.insert(
            name.into(),
            serde_json::json!({"unix": t, "utc": u, "relative": r}),
        );
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(utc(253_402_300_799), "9999-12-31 23:59:59 UTC");
    }

    #[test]
    fn phrases() {
        assert_eq!(relative("exp", 1000 + 14 * 60 + 5, 1000), "expires in 14m");
        assert_eq!(relative("exp", 1000 - 3 * 3600 - 1, 1000), "expired 3h ago");
        assert_eq!(relative("iat", 1000 - 30, 1000), "issued 30s ago");
        assert_eq!(
            relative("nbf", 1000 + 2 * 86_400, 1000),
            "not valid for another 2d"
        );
    }

    #[test]
    fn colour_rules() {
        assert!(!Style::detect(true, true).color);
        assert!(!Style::detect(false, false).color);
    }
}
