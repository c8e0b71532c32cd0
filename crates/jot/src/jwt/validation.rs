//! What a JWT must satisfy besides its signature. Secure by default:
//! `exp` required, `nbf`/`iat` checked, 60 s leeway, `aud` checked whenever
//! the token has one (RFC 7519 §4.1.3).

use std::time::Duration;

use super::registered::Registered;
use crate::alg::Algorithm;
use crate::error::{Error, Result};
use crate::jws::Header;
use crate::limits::Limits;

/// Validation rules for [`super::verify`]. Build with the methods; the
/// defaults are the safe choice.
#[derive(Debug, Clone)]
pub struct Validation {
    pub(crate) leeway: i64,
    pub(crate) require_exp: bool,
    pub(crate) issuers: Vec<String>,
    pub(crate) audiences: Vec<String>,
    pub(crate) skip_audience: bool,
    pub(crate) subject: Option<String>,
    pub(crate) required: Vec<String>,
    pub(crate) max_age: Option<i64>,
    pub(crate) typ: Option<String>,
    pub(crate) algorithms: Option<Vec<Algorithm>>,
    pub(crate) now: Option<i64>,
    pub(crate) limits: Limits,
}

impl Default for Validation {
    fn default() -> Self {
        Validation {
            leeway: 60,
            require_exp: true,
            issuers: Vec::new(),
            audiences: Vec::new(),
            skip_audience: false,
            subject: None,
            required: Vec::new(),
            max_age: None,
            typ: None,
            algorithms: None,
            now: None,
            limits: Limits::default(),
        }
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl Validation {
    /// The defaults: `exp` required, 60 s leeway, no issuer/audience
    /// expectations (a token that has `aud` is then rejected).
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts this issuer (exact string match). Call again for more.
    pub fn issuer(mut self, iss: impl Into<String>) -> Self {
        self.issuers.push(iss.into());
        self
    }

    /// Accepts this audience. The token's `aud` must name at least one
    /// accepted audience. Call again for more.
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audiences.push(aud.into());
        self
    }

    /// Does not check `aud` at all. Only for services that really are the
    /// audience of every token their keys verify.
    pub fn insecure_skip_audience(mut self) -> Self {
        self.skip_audience = true;
        self
    }

    /// Requires this exact `sub`.
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.subject = Some(sub.into());
        self
    }

    /// Requires a claim to be present (registered or not).
    pub fn require(mut self, claim: impl Into<String>) -> Self {
        self.required.push(claim.into());
        self
    }

    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = secs(leeway);
        self
    }

    /// Accepts tokens without `exp` (which then never expire).
    pub fn allow_missing_exp(mut self) -> Self {
        self.require_exp = false;
        self
    }

    /// Rejects tokens whose `iat` is older than `max_age` (requires `iat`).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(secs(max_age));
        self
    }

    /// Requires the `typ` header, e.g. `"at+jwt"` (RFC 9068). Compared
    /// case-insensitively with an optional `application/` prefix
    /// (RFC 7515 §4.1.9).
    pub fn typ(mut self, typ: impl Into<String>) -> Self {
        self.typ = Some(typ.into());
        self
    }

    /// Restricts the algorithms accepted, on top of what the keys allow.
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.algorithms = Some(algs.to_vec());
        self
    }

    /// Evaluates time claims at this UNIX time instead of now.
    pub fn at(mut self, unix: i64) -> Self {
        self.now = Some(unix);
        self
    }

    /// The JWT profile for OAuth 2.0 access tokens (RFC 9068 §2.2, §4):
    /// `typ` must be `at+jwt`, and `iss`, `exp`, `aud`, `sub`, `client_id`,
    /// `iat` and `jti` must be present. Still set the issuer and audience.
    pub fn access_token_profile(mut self) -> Self {
        self.typ = Some("at+jwt".into());
        self.require_exp = true;
        for claim in ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"] {
            if !self.required.iter().any(|c| c == claim) {
                self.required.push(claim.into());
            }
        }
        self
    }

    /// Sets the parsing limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub(crate) fn check_header(&self, header: &Header) -> Result<()> {
        if let Some(algs) = &self.algorithms {
            if !algs.contains(&header.alg) {
                return Err(Error::AlgorithmNotAllowed(header.alg.name().into()));
            }
        }
        if let Some(want) = &self.typ {
            match &header.typ {
                Some(got) if media_type_eq(want, got) => {}
                _ => return Err(Error::TypeMismatch),
            }
        }
        Ok(())
    }

    pub(crate) fn check_claims(&self, r: &Registered<'_>) -> Result<()> {
        let now = self.now.unwrap_or_else(super::claims::now_unix);
        let leeway = self.leeway;
        match r.exp {
            Some(exp) if now.saturating_sub(leeway) >= exp.0 => return Err(Error::Expired),
            Some(_) => {}
            None if self.require_exp => return Err(Error::MissingClaim("exp".into())),
            None => {}
        }
        if let Some(nbf) = r.nbf {
            if now.saturating_add(leeway) < nbf.0 {
                return Err(Error::NotYetValid);
            }
        }
        if let Some(iat) = r.iat {
            if iat.0 > now.saturating_add(leeway) {
                return Err(Error::IssuedInFuture);
            }
        }
        if let Some(max_age) = self.max_age {
            let iat = r.iat.ok_or_else(|| Error::MissingClaim("iat".into()))?;
            if now.saturating_sub(iat.0) > max_age.saturating_add(leeway) {
                return Err(Error::TooOld);
            }
        }
        if !self.issuers.is_empty() {
            let iss = r
                .iss
                .as_deref()
                .ok_or_else(|| Error::MissingClaim("iss".into()))?;
            if !self.issuers.iter().any(|i| i == iss) {
                return Err(Error::IssuerMismatch);
            }
        }
        if let Some(sub) = &self.subject {
            match r.sub.as_deref() {
                None => return Err(Error::MissingClaim("sub".into())),
                Some(s) if s != sub => return Err(Error::SubjectMismatch),
                Some(_) => {}
            }
        }
        if !self.skip_audience {
            match (&r.aud, self.audiences.is_empty()) {
                (None, false) => return Err(Error::MissingClaim("aud".into())),
                (None, true) => {}
                (Some(aud), _) => {
                    if !aud.iter().any(|a| self.audiences.iter().any(|w| w == a)) {
                        return Err(Error::AudienceMismatch);
                    }
                }
            }
        }
        for (i, name) in self.required.iter().enumerate() {
            let present = match name.as_str() {
                "iss" => r.iss.is_some(),
                "sub" => r.sub.is_some(),
                "aud" => r.aud.is_some(),
                "exp" => r.exp.is_some(),
                "nbf" => r.nbf.is_some(),
                "iat" => r.iat.is_some(),
                "jti" => r.jti.is_some(),
                _ => i < 64 && r.present & (1 << i) != 0,
            };
            if !present {
                return Err(Error::MissingClaim(name.clone()));
            }
        }
        Ok(())
    }
}

fn media_type_eq(a: &str, b: &str) -> bool {
    fn strip(s: &str) -> &str {
        match s.get(..12) {
            Some(p) if p.eq_ignore_ascii_case("application/") => s.get(12..).unwrap_or(s),
            _ => s,
        }
    }
    strip(a).eq_ignore_ascii_case(strip(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typ_comparison() {
        assert!(media_type_eq("at+jwt", "application/at+jwt"));
        assert!(media_type_eq("JWT", "jwt"));
        assert!(!media_type_eq("at+jwt", "jwt"));
    }
}
