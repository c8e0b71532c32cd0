//! Delegation claims of token exchange (RFC 8693 §4): the `act` chain of a
//! delegated token and the `may_act` policy of a subject token.
//!
//! Both are read from claims that were already verified; reading never
//! trusts a chain of any length (each level is one more object a hostile
//! issuer could nest) and never quotes a claim value in an error.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The deepest `act` chain [`Actor::from_claims`] accepts: the current
/// actor plus fifteen prior ones. A real delegation chain is a handful of
/// services long; a deeper one is a mistake or an attack.
pub const MAX_ACTOR_DEPTH: usize = 16;

/// The `act` claim (RFC 8693 §4.1): who acts on behalf of the token's
/// subject. `act` nested inside names the prior actor, so a chain reads
/// current actor first. Only `sub` and `iss` identify an actor (§4.1: the
/// other claims of an `act` object are not meaningful); others are dropped
/// when read.
///
/// ```
/// use jot::jwt::Actor;
/// let claims = serde_json::json!({
///     "sub": "user@example.com",
///     "act": {"sub": "https://service16.example.com",
///             "act": {"sub": "https://service77.example.com"}}
/// });
/// let actor = Actor::from_claims(claims.as_object().unwrap())?.unwrap();
/// assert_eq!(actor.sub, "https://service16.example.com");
/// assert_eq!(actor.depth(), 2);
/// # Ok::<(), jot::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `sub`: the acting party.
    pub sub: String,
    /// `iss`: who `sub` is relative to, when not the token's issuer.
    pub iss: Option<String>,
    /// `act`: the prior actor, for a delegation chain.
    pub act: Option<Box<Actor>>,
}

impl Actor {
    /// An actor with no prior actor.
    pub fn new(sub: impl Into<String>, iss: Option<String>) -> Self {
        Actor {
            sub: sub.into(),
            iss,
            act: None,
        }
    }

    /// This actor acting on top of `prior` (the `act` a subject token
    /// already carried): `prior` becomes the nested `act` (RFC 8693 §4.1).
    /// Fails if the result would be deeper than [`MAX_ACTOR_DEPTH`].
    pub fn delegating(mut self, prior: Option<Actor>) -> Result<Self> {
        let depth = 1 + prior.as_ref().map_or(0, Actor::depth);
        if depth > MAX_ACTOR_DEPTH {
            return Err(too_deep());
        }
        self.act = prior.map(Box::new);
        Ok(self)
    }

    /// Reads the `act` claim of a verified claims set: `None` when absent,
    /// an error when it is not a chain of objects each with a string `sub`
    /// (and a string `iss` if any), or deeper than [`MAX_ACTOR_DEPTH`].
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Option<Actor>> {
        claims.get("act").map(Actor::from_value).transpose()
    }

    /// Reads an `act` value (the object itself).
    pub fn from_value(value: &Value) -> Result<Actor> {
        // Walk down first, iteratively, so a hostile depth is refused
        // before anything is built or any recursion happens.
        let mut levels = Vec::new();
        let mut next = Some(value);
        while let Some(v) = next {
            if levels.len() == MAX_ACTOR_DEPTH {
                return Err(too_deep());
            }
            let obj = v
                .as_object()
                .ok_or_else(|| invalid("act", "not an object"))?;
            let sub =
                string(obj, "sub", "act")?.ok_or_else(|| invalid("act", "an actor has no sub"))?;
            let iss = string(obj, "iss", "act")?;
            levels.push((sub, iss));
            next = obj.get("act");
        }
        let mut chain: Option<Box<Actor>> = None;
        for (sub, iss) in levels.into_iter().rev() {
            chain = Some(Box::new(Actor {
                sub,
                iss,
                act: chain,
            }));
        }
        // `levels` had at least the first object, or we returned above.
        chain.map(|b| *b).ok_or_else(|| invalid("act", "empty"))
    }

    /// How many actors the chain names (1 for no prior actor).
    pub fn depth(&self) -> usize {
        self.chain().count()
    }

    /// The actors, current first, then each prior one.
    pub fn chain(&self) -> impl Iterator<Item = &Actor> {
        std::iter::successors(Some(self), |a| a.act.as_deref())
    }

    /// The claim as JSON, for a claims builder.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("sub", &self.sub)?;
        if let Some(iss) = &self.iss {
            m.serialize_entry("iss", iss)?;
        }
        if let Some(act) = &self.act {
            m.serialize_entry("act", act)?;
        }
        m.end()
    }
}

/// The `may_act` claim (RFC 8693 §4.4): the party a subject token says may
/// act for its subject. An actor is allowed when every identifying claim
/// `may_act` makes matches it: `sub` always (a `may_act` without `sub`
/// allows nobody), `iss` when given. A `may_act` naming any other claim
/// (`email`, ...) allows nobody either: Jot cannot check it, and a policy
/// it cannot check must not be read as "anyone".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MayAct {
    sub: Option<String>,
    iss: Option<String>,
    uncheckable: bool,
}

impl MayAct {
    /// Reads the `may_act` claim of a verified claims set: `None` when
    /// absent, an error when it is not an object or its `sub`/`iss` are not
    /// strings.
    pub fn from_claims(claims: &Map<String, Value>) -> Result<Option<MayAct>> {
        let Some(v) = claims.get("may_act") else {
            return Ok(None);
        };
        let obj = v
            .as_object()
            .ok_or_else(|| invalid("may_act", "not an object"))?;
        Ok(Some(MayAct {
            sub: string(obj, "sub", "may_act")?,
            iss: string(obj, "iss", "may_act")?,
            uncheckable: obj.keys().any(|k| k != "sub" && k != "iss"),
        }))
    }

    /// Whether the party `sub` (relative to issuer `iss`, if known) may act
    /// for the token's subject.
    pub fn allows(&self, sub: &str, iss: Option<&str>) -> bool {
        if self.uncheckable {
            return false;
        }
        let sub_ok = self.sub.as_deref() == Some(sub);
        let iss_ok = match &self.iss {
            None => true,
            Some(required) => iss == Some(required.as_str()),
        };
        sub_ok && iss_ok
    }

    /// Whether `actor` (its current party) may act for the subject.
    pub fn allows_actor(&self, actor: &Actor) -> bool {
        self.allows(&actor.sub, actor.iss.as_deref())
    }
}

fn string(obj: &Map<String, Value>, member: &str, claim: &str) -> Result<Option<String>> {
    match obj.get(member) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(claim, "an identity member is not a string")),
    }
}

fn too_deep() -> Error {
    invalid(
        "act",
        &format!("the delegation chain is deeper than {MAX_ACTOR_DEPTH} actors"),
    )
}

fn invalid(name: &str, reason: &str) -> Error {
    Error::InvalidClaim {
        name: name.into(),
        reason: reason.into(),
    }
}
