//! Who is calling: extractors that demand an API key with a role, the
//! per-key write rate limit, and the optional key requirement for reads.

use std::num::NonZeroU32;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::auth::{PresentedKey, Role};
use crate::store::snapshot::Snapshot;
use crate::{AppState, Error, Result, store};

/// The holder of a valid key.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

/// A caller allowed to write facts: an editor or an admin.
#[derive(Debug, Clone)]
pub struct Editor(pub Actor);

/// A caller allowed to write the catalogue and read the audit log.
#[derive(Debug, Clone)]
pub struct Admin(pub Actor);

impl FromRequestParts<AppState> for Editor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let actor = authorise(parts, state, Role::Editor).await?;
        state.write_limiter.check(&actor.name)?;
        Ok(Editor(actor))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let actor = authorise(parts, state, Role::Admin).await?;
        if parts.method != axum::http::Method::GET {
            state.write_limiter.check(&actor.name)?;
        }
        Ok(Admin(actor))
    }
}

/// Whoever calls, when a key is presented, for a read that anyone may make
/// but that shows some roles more. A key presented must be valid (401), as
/// for any other request; no key is anonymous.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Actor>);

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|actor| actor.role >= Role::Admin)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if !parts.headers.contains_key(header::AUTHORIZATION) {
            return Ok(Caller(None));
        }
        Ok(Caller(Some(authenticate(parts, state).await?)))
    }
}

/// The actor behind `Authorization: Bearer <key>`, if it has at least `needed`.
async fn authorise(parts: &Parts, state: &AppState, needed: Role) -> Result<Actor> {
    let actor = authenticate(parts, state).await?;
    if actor.role < needed {
        return Err(Error::Forbidden(format!(
            "key `{}` has role {}; this needs {}",
            actor.name,
            actor.role.as_str(),
            needed.as_str()
        )));
    }
    Ok(actor)
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Actor> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Err(Error::Unauthorized {
            detail: "this needs an API key: send `Authorization: Bearer <key>` (see `district-indicators keys create`)"
                .to_owned(),
            invalid_token: false,
        });
    };
    let invalid = || Error::Unauthorized {
        detail: "the API key is malformed, unknown or revoked".to_owned(),
        invalid_token: true,
    };
    let credentials = value.to_str().map_err(|_| invalid())?;
    let token = bearer_token(credentials).ok_or_else(|| {
        let scheme = credentials.split_whitespace().next().unwrap_or_default();
        if scheme.eq_ignore_ascii_case("bearer") {
            invalid()
        } else {
            Error::Unauthorized {
                detail: format!(
                    "send the API key as `Authorization: Bearer <key>`; the scheme `{scheme}` is not one this API reads"
                ),
                invalid_token: true,
            }
        }
    })?;
    let presented = PresentedKey::parse(token).ok_or_else(invalid)?;
    // A read looks the key up in its own snapshot, so that it never holds
    // two pooled connections at once; a write takes one for the look-up.
    let stored = match parts.extensions.get::<Snapshot>() {
        Some(snapshot) => {
            store::keys::find_live_key(&mut *snapshot.conn().await?, presented.id).await?
        }
        None => store::keys::find_live_key(&state.db, presented.id).await?,
    }
    .ok_or_else(invalid)?;
    if !presented.matches(&stored.secret_sha256) {
        return Err(invalid());
    }
    let role = Role::parse(&stored.role)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("unknown role {}", stored.role)))?;
    Ok(Actor {
        name: stored.name,
        role,
    })
}

/// The token of `Bearer <token>`. The scheme is case-insensitive (RFC 9110
/// §11.1), so `bearer` and `BEARER` are the same scheme.
fn bearer_token(credentials: &str) -> Option<&str> {
    let (scheme, token) = credentials.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// When `READS_REQUIRE_KEY` is set, every request needs a valid key.
pub async fn require_key_for_reads(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let operational = super::health::OPERATIONAL_PATHS.contains(&request.uri().path());
    if state.config.reads_require_key && !operational {
        let (parts, body) = request.into_parts();
        if let Err(error) = authenticate(&parts, &state).await {
            return error.into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}

/// A per-key write budget (GCRA, as in `governor`).
pub struct WriteLimiter(DefaultKeyedRateLimiter<String>);

impl WriteLimiter {
    pub fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        WriteLimiter(DefaultKeyedRateLimiter::keyed(Quota::per_minute(
            per_minute,
        )))
    }

    /// Spends one write of `key`'s budget, or says how long to wait.
    pub fn check(&self, key: &str) -> Result<()> {
        self.0.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Error::TooManyRequests {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }
}
