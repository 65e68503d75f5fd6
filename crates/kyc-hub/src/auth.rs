//! Who is calling: bearer-token sessions with idle and absolute expiry, role checks, the
//! login rate limiter, and the stored credential (a verifier of the client-derived hub key).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kyc_keys::{AuthKey, KdfParams, KdfSpec, KeyError, Salt, Secret};
use kyc_model::UserId;
use kyc_proto::{ErrorCode, Role};
use serde::{Deserialize, Serialize};

use crate::api::AppState;
use crate::config::LoginLimits;
use crate::crypto::token_hash;
use crate::error::AppError;
use crate::store::Revocation;
use crate::time_util::{Millis, now_ms};

/// Longest bearer token looked up; anything longer is not one of ours.
const MAX_TOKEN_LEN: usize = 128;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Account id.
    pub user: UserId,
    /// Account handle.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The session's token hash (for logout).
    pub token_hash: String,
    /// Absolute expiry of the session.
    pub expires_at: Millis,
}

impl Caller {
    /// `forbidden` unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::forbidden("this role may not call this endpoint"))
        }
    }
}

/// 401 `account_revoked`: the client must wipe what it holds for this account.
pub fn account_revoked() -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, ErrorCode::AccountRevoked, "the account was disabled")
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::unauthorized("missing bearer token"))?;
        let token = header
            .strip_prefix("Bearer ")
            .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_LEN)
            .ok_or_else(|| AppError::unauthorized("malformed bearer token"))?;
        let hash = token_hash(token);
        let lookup = hash.clone();
        let session = state
            .blocking(move |store| store.session(&lookup))
            .await?
            .ok_or_else(|| AppError::unauthorized("unknown or expired session"))?;
        if session.user_disabled || session.revoked == Some(Revocation::AccountDisabled) {
            return Err(account_revoked());
        }
        if session.revoked.is_some() {
            return Err(AppError::unauthorized("the session was ended"));
        }
        let now = now_ms();
        let idle = state.settings().sessions.idle.as_millis() as i64;
        if session.expires_at <= now || session.last_seen_at + idle <= now {
            return Err(AppError::unauthorized("session expired"));
        }
        // Recording every request would make each read a write; a coarse stamp is enough for
        // idle expiry measured in minutes.
        let touch_every = (idle / 4).min(5_000);
        if now - session.last_seen_at >= touch_every {
            let touch = hash.clone();
            state.blocking(move |store| store.touch_session(&touch, now)).await?;
        }
        Ok(Caller {
            user: session.user_id,
            username: session.username,
            role: session.role,
            token_hash: hash,
            expires_at: session.expires_at,
        })
    }
}

/// The client's address, when the server recorded it (absent under `oneshot` tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts.extensions.get::<ConnectInfo<crate::server::PeerAddr>>().map(|c| c.0.0.ip()),
        ))
    }
}

/// Sliding-window counters for login attempts, per account and per client address.
#[derive(Debug)]
pub struct LoginLimiter {
    limits: LoginLimits,
    failures: HashMap<String, VecDeque<Instant>>,
    attempts: HashMap<Option<IpAddr>, VecDeque<Instant>>,
}

/// Bound on tracked keys, so a flood of distinct usernames cannot grow memory without end.
const MAX_TRACKED: usize = 100_000;

fn prune(q: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

impl LoginLimiter {
    /// A limiter with these limits.
    pub fn new(limits: LoginLimits) -> Self {
        Self { limits, failures: HashMap::new(), attempts: HashMap::new() }
    }

    /// Counts an attempt from `addr` for `username`; `false` when either limit is reached.
    pub fn admit(&mut self, username: &str, addr: Option<IpAddr>, now: Instant) -> bool {
        let window = self.limits.window;
        if self.attempts.len() > MAX_TRACKED {
            self.attempts.retain(|_, q| {
                prune(q, window, now);
                !q.is_empty()
            });
        }
        let attempts = self.attempts.entry(addr).or_default();
        prune(attempts, window, now);
        if attempts.len() >= self.limits.attempts_per_address as usize {
            return false;
        }
        attempts.push_back(now);
        if let Some(q) = self.failures.get_mut(username) {
            prune(q, window, now);
            if q.len() >= self.limits.failures_per_account as usize {
                return false;
            }
        }
        true
    }

    /// Records a failed login for `username`; `true` when this failure reached the
    /// account's limit (the account is locked out from now on, for the window).
    pub fn failed(&mut self, username: &str, now: Instant) -> bool {
        if self.failures.len() > MAX_TRACKED {
            let window = self.limits.window;
            self.failures.retain(|_, q| {
                prune(q, window, now);
                !q.is_empty()
            });
        }
        let q = self.failures.entry(username.to_owned()).or_default();
        prune(q, self.limits.window, now);
        q.push_back(now);
        q.len() == self.limits.failures_per_account as usize
    }

    /// Forgets failures after a successful login.
    pub fn succeeded(&mut self, username: &str) {
        self.failures.remove(username);
    }
}

/// What the hub stores for an account's password (the `users.password_hash` column, as JSON):
/// the client's key-derivation spec and a salted SHA-256 of the client's hub key. Neither the
/// password nor the hub key is stored; guessing the password from this costs one Argon2id
/// with the account's parameters per guess (256 MiB × 3 by default), as for the vault.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Format version (2: client-derived keys; version 1 was a server-side PHC hash).
    pub v: u8,
    /// How the client derives the master key.
    pub kdf: KdfSpec,
    /// Salt of the verifier.
    pub verifier_salt: Salt,
    /// `AuthKey::verifier(verifier_salt)`, URL-safe base64.
    pub verifier: String,
    /// Set by an administrator (creation or reset): its owner should replace it.
    #[serde(default)]
    pub one_time: bool,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(***)")
    }
}

impl Credential {
    /// The credential for a hub key the client derived with `kdf`.
    pub fn from_auth_key(key: &AuthKey, kdf: KdfSpec, one_time: bool) -> Credential {
        let verifier_salt = Salt::random();
        let verifier = URL_SAFE_NO_PAD.encode(key.verifier(&verifier_salt));
        Credential { v: 2, kdf, verifier, verifier_salt, one_time }
    }

    /// The credential for a password set on the hub (command line, admin API, seed): derives
    /// the master key once, here, exactly as a client would. Slow: call it off the runtime.
    pub fn from_password(
        password: &Secret,
        params: KdfParams,
        one_time: bool,
    ) -> Result<Credential, KeyError> {
        let kdf = KdfSpec::generate(params);
        let key = kyc_keys::derive(password, &kdf)?.hub_auth_key();
        Ok(Credential::from_auth_key(&key, kdf, one_time))
    }

    /// The stored text.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a credential always serializes")
    }

    /// Reads a stored text; `None` for another format (such as a pre-v2 PHC hash, which no
    /// client can sign in with any more: reset the password).
    pub fn decode(stored: &str) -> Option<Credential> {
        serde_json::from_str::<Credential>(stored).ok().filter(|c| c.v == 2)
    }

    /// Whether `key` is the account's hub key (constant-time comparison).
    pub fn accepts(&self, key: &AuthKey) -> bool {
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(&self.verifier) else { return false };
        let Ok(verifier) = <[u8; 32]>::try_from(bytes.as_slice()) else { return false };
        key.matches(&self.verifier_salt, &verifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_accepts_only_the_derived_hub_key_and_holds_no_password() {
        let password = Secret::new("correct horse battery");
        let c =
            Credential::from_password(&password, KdfParams::insecure_for_tests(), true).unwrap();
        let right = kyc_keys::derive(&password, &c.kdf).unwrap().hub_auth_key();
        let wrong = kyc_keys::derive(&Secret::new("correct horse battery!"), &c.kdf)
            .unwrap()
            .hub_auth_key();
        let back = Credential::decode(&c.encode()).unwrap();
        assert!(back.accepts(&right));
        assert!(!back.accepts(&wrong));
        assert!(back.one_time);
        let stored = c.encode();
        assert!(!stored.contains("correct horse"));
        assert!(!stored.contains(right.to_secret().expose()));
        assert!(Credential::decode("$argon2id$v=19$m=19456,t=2,p=1$abc$def").is_none());
    }

    #[test]
    fn limits_failures_per_account_and_attempts_per_address() {
        let limits = LoginLimits {
            failures_per_account: 2,
            attempts_per_address: 4,
            window: Duration::from_secs(60),
        };
        let mut l = LoginLimiter::new(limits);
        let t0 = Instant::now();
        let a = Some(IpAddr::from([127, 0, 0, 1]));
        let b = Some(IpAddr::from([127, 0, 0, 2]));
        assert!(l.admit("ann", a, t0));
        assert!(!l.failed("ann", t0));
        assert!(l.admit("ann", a, t0));
        assert!(l.failed("ann", t0), "the second failure reaches the limit");
        assert!(!l.admit("ann", b, t0), "third try on the account is refused from anywhere");
        assert!(l.admit("bob", a, t0));
        assert!(l.admit("bob", a, t0));
        assert!(!l.admit("bob", a, t0), "address budget of 4 attempts is spent");
        assert!(l.admit("bob", b, t0));
        let later = t0 + Duration::from_secs(61);
        assert!(l.admit("ann", a, later), "the window slides");
    }
}
