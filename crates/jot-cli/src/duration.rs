//! Durations and times on the command line: `90s`, `30m`, `+1h`, `7d`,
//! `2w`, `-1h`. A bare integer means seconds for a duration (`--leeway`,
//! `--max-age`) and a UNIX time for an instant (`--exp`, `--nbf`).

use crate::error::{Failure, Result};

/// Parses a signed duration with a unit into seconds.
fn with_unit(s: &str) -> Option<i64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let split = rest.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = rest.split_at(split);
    let n: i64 = num.parse().ok()?;
    let mult = match unit {
        "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hr" | "hrs" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)?.checked_mul(sign)
}

const FORMS: &str = "use e.g. 90s, 30m, 1h, 7d";

/// A non-negative duration in seconds (`--leeway`, `--max-age`).
pub fn seconds(flag: &str, s: &str) -> Result<u64> {
    let v = match s.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => with_unit(s),
    };
    match v {
        Some(n) if n >= 0 => Ok(n as u64),
        _ => Err(Failure::usage(format!("{flag}: invalid duration {s:?}")).hint(FORMS)),
    }
}

/// An instant (`--exp`, `--nbf`): a duration relative to `now`, or a bare
/// integer as an absolute UNIX time.
pub fn instant(flag: &str, s: &str, now: i64) -> Result<i64> {
    if let Ok(n) = s.parse::<i64>() {
        if s.starts_with(['+', '-']) {
            // "+3600" reads as relative seconds, not a date in 1970.
            return now
                .checked_add(n)
                .ok_or_else(|| Failure::usage(format!("{flag}: out of range")));
        }
        return Ok(n);
    }
    with_unit(s)
        .and_then(|d| now.checked_add(d))
        .ok_or_else(|| {
            Failure::usage(format!("{flag}: invalid time {s:?}"))
                .hint(format!("{FORMS} (from now), or a UNIX time"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(seconds("x", "90s").unwrap(), 90);
        assert_eq!(seconds("x", "30m").unwrap(), 1800);
        assert_eq!(seconds("x", "+1h").unwrap(), 3600);
        assert_eq!(seconds("x", "7d").unwrap(), 604_800);
        assert_eq!(seconds("x", "45").unwrap(), 45);
        for bad in ["", "1x", "h", "-5", "-1h", "1.5h", "99999999999999999999d"] {
            assert!(seconds("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instants() {
        let now = 1_000_000;
        assert_eq!(instant("x", "1h", now).unwrap(), now + 3600);
        assert_eq!(instant("x", "+30m", now).unwrap(), now + 1800);
        assert_eq!(instant("x", "-1h", now).unwrap(), now - 3600);
        assert_eq!(instant("x", "1700000000", now).unwrap(), 1_700_000_000);
        assert_eq!(instant("x", "+60", now).unwrap(), now + 60);
        assert!(instant("x", "soon", now).is_err());
    }
}
