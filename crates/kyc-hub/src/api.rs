//! The HTTP surface: the router and its handlers. Handlers check the caller's role and lease,
//! validate input, and call one [`Store`] method on the blocking pool.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use kyc_model::{CaseId, CaseState, MediaId, UserId};
use kyc_proto::ClientPolicy;
use kyc_proto::{
    AdminEventList, AdminEventsQuery, AttentionResolution, AttentionResolved, AuditAck, AuditBatch,
    AuditEventKind, AuditEventResult, AuditEventStatus, AuditRecordKind, AuditVerifyQuery,
    AuditVerifyReport, CaseHistory, ChainHead, CreateUserRequest, DIGEST_HEADER, DecisionBatch,
    DecisionBatchResult, DecisionItem, DecisionPage, DecisionQuery, DecisionResult, DisputeList,
    ErrorCode, EscalationDecision, EscalationList, Health, IntakeCase, IntakeResponse, KdfSpec,
    LeaseGrant, LeaseRequest, LoginRequest, LoginResponse, MAX_AUDIT_BATCH, MAX_AUDIT_TEXT_CHARS,
    MAX_CASE_LIST, MAX_DECISION_BATCH, MAX_LEASE_BATCH, Me, MediaProblemOutcome,
    MediaProblemReport, MediaProblemResponse, NeedsAttentionList, OutcomeCode,
    PasswordChangeRequest, Policy, PreloginRequest, PreloginResponse, PurgeReport, ReleaseRequest,
    ReleaseResponse, RenewRequest, RenewResponse, RenewedLease, Role, StatsQuery, StatsResponse,
    UpdateUserRequest, UserSummary, VaultRecoveryKey, VerdictKind, VerdictRequest, VerdictResponse,
    routes,
};
use serde::Serialize;

use crate::api_doc::{
    ApiConventions, Forbidden, JsonBody, MediaBytes, PathId, QueryParams, Unauthenticated,
};
use crate::auth::Credential;
use crate::auth::{Caller, ClientAddr, LoginLimiter, account_revoked};
use crate::config::{HubConfig, PasswordHashing, SessionTimes};
use crate::crypto::new_token;
use crate::error::{AppError, payload_too_large, rules};
use crate::media::MediaFiles;
use crate::rejection::{ApiPath, ApiQuery};
use crate::store::{AuditEntry, ConfirmedProblem, Store, StoreError, UserChange, UserRow};
use crate::time_util::{from_ms, now_ms};

/// Settings handlers read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Session lifetimes.
    pub sessions: SessionTimes,
    /// Key-derivation cost for new passwords and decoy prelogin answers.
    pub password_hashing: PasswordHashing,
    /// Body limit of ordinary endpoints.
    pub json_body_limit: usize,
    /// Body limit of intake.
    pub intake_body_limit: usize,
    /// The oldest client version allowed to sign in.
    pub min_client_version: Option<String>,
}

struct Inner {
    store: Arc<dyn Store>,
    media: MediaFiles,
    settings: Settings,
    policy: RwLock<Policy>,
    limiter: Mutex<LoginLimiter>,
    /// Address budget of prelogin, separate from login's so a sign-in spends one of each.
    prelogin_limiter: Mutex<LoginLimiter>,
    /// Key of the decoy prelogin answers for unknown usernames.
    prelogin_secret: zeroize::Zeroizing<[u8; 32]>,
}

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppState")
    }
}

impl AppState {
    /// State over a store and media directory.
    pub fn new(
        store: Arc<dyn Store>,
        media: MediaFiles,
        config: &HubConfig,
    ) -> Result<Self, StoreError> {
        let policy = store.policy()?;
        let prelogin_secret = zeroize::Zeroizing::new(store.prelogin_secret()?);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                media,
                settings: Settings {
                    sessions: config.sessions,
                    password_hashing: config.password_hashing,
                    json_body_limit: config.json_body_limit,
                    intake_body_limit: config.intake_body_limit,
                    min_client_version: config.min_client_version.clone(),
                },
                policy: RwLock::new(policy),
                limiter: Mutex::new(LoginLimiter::new(config.login_limits)),
                prelogin_limiter: Mutex::new(LoginLimiter::new(config.login_limits)),
                prelogin_secret,
            }),
        })
    }

    /// Opens the SQLite store and media directory of `config.data_dir` (creating them).
    pub fn open(config: &HubConfig) -> Result<Self, crate::ServeError> {
        let (store, media) = crate::ops::open_data_dir(&config.data_dir)?;
        Ok(Self::new(store, media, config)?)
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The current policy.
    pub fn policy(&self) -> Policy {
        self.inner.policy.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Runs a store call on the blocking pool.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, AppError> {
        let store = self.inner.store.clone();
        match tokio::task::spawn_blocking(move || f(store.as_ref())).await {
            Ok(result) => result.map_err(AppError::from),
            Err(e) => Err(AppError::internal(&e)),
        }
    }

    /// Applies the retention purge now, with the current policy.
    pub async fn purge_now(&self) -> Result<PurgeReport, AppError> {
        let retention_days = self.policy().retention_days;
        self.with_media(move |s, files| {
            crate::ops::purge_with(s, files, retention_days, now_ms()).map_err(AppError::from)
        })
        .await
    }

    /// Runs a job needing the media files and the store on the blocking pool.
    async fn with_media<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store, &MediaFiles) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let state = self.clone();
        match tokio::task::spawn_blocking(move || f(state.inner.store.as_ref(), &state.inner.media))
            .await
        {
            Ok(result) => result,
            Err(e) => Err(AppError::internal(&e)),
        }
    }
}

/// JSON body extractor whose rejections are [`AppError`]s (see [`crate::rejection`]).
///
/// The body is read as JSON first and integral floats (`3.0`) become integers: JSON Schema
/// counts them as integers, so the document promises they are accepted, and serde alone would
/// refuse them.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(mut value) =
            axum::Json::<serde_json::Value>::from_request(req, state).await?;
        crate::rejection::integral_floats_to_integers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| crate::rejection::data_error(&e))
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

type ApiResult<T> = Result<ApiJson<T>, AppError>;

/// The router.
pub fn app(state: AppState) -> Router {
    let intake_limit = state.settings().intake_body_limit;
    let json_limit = state.settings().json_body_limit;
    Router::new()
        .route(routes::HEALTHZ, get(healthz))
        .route(routes::OPENAPI, get(openapi_json))
        .route(routes::PRELOGIN, post(prelogin))
        .route(routes::LOGIN, post(login))
        .route(routes::PASSWORD, post(change_password))
        .route(routes::VAULT_RECOVERY, axum::routing::put(put_vault_recovery))
        .route(routes::VAULT_RECOVERY_RELEASE, post(release_vault_recovery))
        .route(routes::LOGOUT, post(logout))
        .route(routes::ME, get(me))
        .route(routes::INTAKE, post(intake).layer(DefaultBodyLimit::max(intake_limit)))
        .route(routes::LEASES, post(lease))
        .route(routes::LEASES_RENEW, post(renew))
        .route(routes::LEASES_RELEASE, post(release))
        .route(routes::MEDIA, get(media))
        .route(routes::CASE_MEDIA_PROBLEM, post(media_problem))
        .route(routes::DECISIONS, post(decisions))
        .route(routes::AUDIT_EVENTS, post(audit_events))
        .route(routes::AUDIT_VERIFY, get(audit_verify))
        .route(routes::SUPERVISOR_DECISIONS, get(supervisor_decisions))
        .route(routes::SUPERVISOR_CASE, get(supervisor_case))
        .route(routes::SUPERVISOR_VERDICTS, post(supervisor_verdict))
        .route(routes::SUPERVISOR_STATS, get(supervisor_stats))
        .route(routes::SUPERVISOR_STATS_CSV, get(supervisor_stats_csv))
        .route(routes::SUPERVISOR_ESCALATIONS, get(supervisor_escalations))
        .route(routes::SUPERVISOR_SAMPLES, get(supervisor_samples).post(supervisor_create_sample))
        .route(routes::SUPERVISOR_SAMPLE, get(supervisor_sample))
        .route(routes::SUPERVISOR_ESCALATION_DECISION, post(supervisor_escalation_decision))
        .route(routes::SUPERVISOR_DISPUTES, get(supervisor_disputes))
        .route(routes::SUPERVISOR_DISPUTE_DECISION, post(supervisor_dispute_decision))
        .route(routes::ADMIN_USERS, get(admin_users).post(admin_create_user))
        .route(routes::ADMIN_USER, axum::routing::patch(admin_update_user))
        .route(routes::ADMIN_POLICY, get(admin_policy).put(admin_set_policy))
        .route(routes::POLICY_CLIENT, get(client_policy))
        .route(routes::ADMIN_PURGE, post(admin_purge))
        .route(routes::ADMIN_NEEDS_ATTENTION, get(admin_needs_attention))
        .route(routes::ADMIN_NEEDS_ATTENTION_CASE, post(admin_resolve_attention))
        .route(routes::ADMIN_EVENTS, get(admin_events))
        .fallback(|| async { AppError::not_found("no such endpoint") })
        .method_not_allowed_fallback(|| async {
            AppError::new(StatusCode::METHOD_NOT_ALLOWED, ErrorCode::Invalid, "method not allowed")
        })
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(axum::middleware::map_response(too_large_as_api_error))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// One debug line per request: the route template (never the concrete path, never a query
/// string: both may carry input), status and latency.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::debug!(
        %method,
        route,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Bodies refused by hyper's limit before an extractor ran arrive as bare 413s.
async fn too_large_as_api_error(response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && response.headers().get(header::CONTENT_TYPE).is_none_or(|v| v != "application/json")
    {
        return payload_too_large().into_response();
    }
    response
}

fn parse_path_id<T: std::str::FromStr>(raw: &str) -> Result<T, AppError> {
    raw.parse().map_err(|_| {
        AppError::rule(rules::ID_SYNTAX, "the id in the path is not 1 to 64 of A-Z a-z 0-9 _ -")
    })
}

#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
async fn healthz(State(state): State<AppState>) -> ApiJson<Health> {
    ApiJson(Health {
        status: "ok".into(),
        api_version: kyc_proto::API_VERSION,
        min_client_version: state.settings().min_client_version.clone(),
    })
}

/// Refuses a sign-in from a client older than the hub accepts (or one that does not say).
fn check_client_version(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), AppError> {
    let Some(min) =
        state.settings().min_client_version.as_deref().and_then(kyc_proto::parse_version)
    else {
        return Ok(());
    };
    let theirs = headers
        .get(kyc_proto::CLIENT_VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(kyc_proto::parse_version);
    match theirs {
        Some(v) if v >= min => Ok(()),
        _ => Err(AppError::new(
            axum::http::StatusCode::UPGRADE_REQUIRED,
            kyc_proto::ErrorCode::UpdateRequired,
            "this app is older than the hub accepts; update it",
        )),
    }
}

#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json() -> Response {
    axum::Json(openapi_document()).into_response()
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "KYC Desk hub", description = "Case server API for KYC Desk workstations."),
    paths(
        healthz, openapi_json, prelogin, login, change_password, put_vault_recovery,
        release_vault_recovery, logout, me, intake, lease, renew, release, media, decisions,
        audit_events, audit_verify, supervisor_decisions, supervisor_case, supervisor_verdict,
        supervisor_stats, admin_users, admin_create_user, admin_update_user, admin_policy,
        admin_set_policy, admin_purge, media_problem, admin_needs_attention, client_policy,
        supervisor_escalations, supervisor_escalation_decision, admin_resolve_attention,
        supervisor_samples, supervisor_create_sample, supervisor_sample, supervisor_stats_csv,
        supervisor_disputes, supervisor_dispute_decision, admin_events
    ),
    components(schemas(kyc_proto::ApiError, kyc_proto::ErrorCode, kyc_proto::AuditEventIn,
        kyc_proto::AuditRecord, kyc_proto::DecisionStatus, kyc_proto::ConflictReason,
        // Referenced by query parameters, which do not register their schemas.
        kyc_proto::VerdictState, kyc_proto::OutcomeCode, kyc_model::CaseKind, kyc_model::UserId,
        kyc_proto::DecisionSort, kyc_proto::DecisionSource)),
    modifiers(&ApiConventions)
)]
struct ApiDoc;

/// The OpenAPI 3.1 document of this API, generated from the handlers.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

fn rate_limited() -> AppError {
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        "too many login attempts; try again later",
    )
}

/// Appends account events; a failure is logged, not returned: the sign-in itself succeeded or
/// failed already, and refusing it for the audit's sake would lock everyone out on a full disk.
async fn audit_account_events(state: &AppState, entries: Vec<AuditEntry>) {
    if let Err(e) = state.blocking(move |s| s.append_audit(&entries, now_ms())).await {
        tracing::error!(code = %e.body().code, "account event not appended to the audit chain");
    }
}

fn account_entry(actor: Option<UserId>, kind: AuditRecordKind) -> AuditEntry {
    AuditEntry { actor, case_id: None, kind }
}

#[utoipa::path(post, path = "/api/v1/auth/prelogin", tag = "auth", request_body = PreloginRequest,
    description = "Public. The key-derivation spec the client runs the password through before \
        signing in; an unknown name gets a stable decoy of the same shape.",
    responses((status = 200, body = PreloginResponse),
              (status = 429, description = "`rate_limited`: too many attempts from the address",
                  body = kyc_proto::ApiError),
              JsonBody))]
async fn prelogin(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<PreloginRequest>,
) -> ApiResult<PreloginResponse> {
    let admitted = state.inner.prelogin_limiter.lock().unwrap_or_else(|p| p.into_inner()).admit(
        "",
        addr.0,
        Instant::now(),
    );
    if !admitted {
        return Err(rate_limited());
    }
    let params = state.settings().password_hashing.kdf_params();
    let decoy = || KdfSpec::decoy(&state.inner.prelogin_secret[..], &req.username, params);
    if req.username.is_empty() || req.username.len() > 64 {
        return Ok(ApiJson(PreloginResponse { kdf: decoy() }));
    }
    let username = req.username.clone();
    let user = state.blocking(move |s| s.user_by_name(&username)).await?;
    let kdf = user.and_then(|u| Credential::decode(&u.credential)).map_or_else(decoy, |c| c.kdf);
    Ok(ApiJson(PreloginResponse { kdf }))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 401, description = "`unauthorized`: wrong username or password; \
                  `account_revoked`: the account is disabled", body = kyc_proto::ApiError),
              (status = 426, description = "`update_required`: the client's version (header \
                  `x-kyc-client-version`) is older than the hub's `min_client_version`",
                  body = kyc_proto::ApiError),
              (status = 429, description = "`rate_limited`: too many attempts for the account \
                  or from the address", body = kyc_proto::ApiError),
              JsonBody))]
async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: axum::http::HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<LoginResponse> {
    check_client_version(&state, &headers)?;
    if req.username.is_empty() || req.username.len() > 64 {
        return Err(AppError::unauthorized("wrong username or password"));
    }
    let admitted = state.inner.limiter.lock().unwrap_or_else(|p| p.into_inner()).admit(
        &req.username,
        addr.0,
        Instant::now(),
    );
    if !admitted {
        return Err(rate_limited());
    }
    let username = req.username.clone();
    let user = state.blocking(move |s| s.user_by_name(&username)).await?;
    let key = kyc_keys::AuthKey::from_secret(&req.auth_key).ok();
    let credential = user.as_ref().and_then(|u| Credential::decode(&u.credential));
    let ok = matches!((&key, &credential), (Some(key), Some(c)) if c.accepts(key));
    let user = match user {
        Some(user) if ok && !user.disabled => user,
        Some(user) if ok => {
            // The right password for a disabled account: tell the client to wipe.
            let event = AuditRecordKind::SignInFailed { target: Some(user.id.clone()) };
            audit_account_events(&state, vec![account_entry(None, event)]).await;
            return Err(account_revoked());
        }
        user => {
            let target = user.as_ref().map(|u| u.id.clone());
            let locked = state
                .inner
                .limiter
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .failed(&req.username, Instant::now());
            let mut events =
                vec![account_entry(None, AuditRecordKind::SignInFailed { target: target.clone() })];
            if locked {
                events.push(account_entry(None, AuditRecordKind::SignInLockedOut { target }));
            }
            audit_account_events(&state, events).await;
            tracing::info!("login refused");
            return Err(AppError::unauthorized("wrong username or password"));
        }
    };
    state.inner.limiter.lock().unwrap_or_else(|p| p.into_inner()).succeeded(&req.username);
    let one_time = credential.is_some_and(|c| c.one_time);
    let response = new_session(&state, &user, one_time).await?;
    audit_account_events(
        &state,
        vec![account_entry(Some(user.id.clone()), AuditRecordKind::SignedIn)],
    )
    .await;
    tracing::info!(user = %user.id, role = user.role.code(), "login");
    Ok(ApiJson(response))
}

async fn new_session(
    state: &AppState,
    user: &UserRow,
    password_change_required: bool,
) -> Result<LoginResponse, AppError> {
    let (token, hash) = new_token();
    let now = now_ms();
    let sessions = state.settings().sessions;
    let expires_at = now + sessions.absolute.as_millis() as i64;
    let user_id = user.id.clone();
    state.blocking(move |s| s.create_session(&hash, &user_id, now, expires_at)).await?;
    Ok(LoginResponse {
        token: kyc_proto::Secret::new(token.as_str()),
        user: user.id.clone(),
        role: user.role,
        expires_at: from_ms(expires_at),
        idle_timeout_secs: sessions.idle.as_secs(),
        password_change_required,
    })
}

#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth",
    request_body = PasswordChangeRequest, security(("bearer" = [])),
    description = "Changes the caller's own password: every session ends and the answer is a \
        new one. 400 `kdf_too_weak` when the new spec costs less than the hub's floor.",
    responses((status = 200, body = LoginResponse),
              (status = 429, description = "`rate_limited`: too many wrong current keys",
                  body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, JsonBody))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PasswordChangeRequest>,
) -> ApiResult<LoginResponse> {
    let floor = state.settings().password_hashing.kdf_params();
    if !req.new_kdf.params().acceptable(&floor) {
        return Err(AppError::rule(
            rules::KDF_TOO_WEAK,
            "new_kdf: parameters below the hub's or out of range",
        ));
    }
    let new_key = kyc_keys::AuthKey::from_secret(&req.new_auth_key)
        .map_err(|_| AppError::rule(rules::BASE64, "new_auth_key: 32 bytes of base64url"))?;
    // Counted like a login: the current key is a password guess.
    if !state.inner.limiter.lock().unwrap_or_else(|p| p.into_inner()).admit(
        caller.user.as_str(),
        None,
        Instant::now(),
    ) {
        return Err(rate_limited());
    }
    let username = caller.username.clone();
    let user = state
        .blocking(move |s| s.user_by_name(&username))
        .await?
        .ok_or_else(|| AppError::unauthorized("unknown or expired session"))?;
    let current = kyc_keys::AuthKey::from_secret(&req.current_auth_key).ok();
    let accepted = matches!(
        (Credential::decode(&user.credential), &current),
        (Some(c), Some(k)) if c.accepts(k)
    );
    if !accepted {
        state
            .inner
            .limiter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .failed(caller.user.as_str(), Instant::now());
        return Err(AppError::forbidden("the current password is wrong"));
    }
    let credential = Credential::from_auth_key(&new_key, req.new_kdf, false).encode();
    let id = user.id.clone();
    let user = state
        .blocking(move |s| {
            s.update_user(
                &id,
                &UserChange { credential: Some(credential), ..UserChange::default() },
            )
        })
        .await?;
    let response = new_session(&state, &user, false).await?;
    audit_account_events(
        &state,
        vec![account_entry(Some(user.id.clone()), AuditRecordKind::PasswordChanged)],
    )
    .await;
    tracing::info!(user = %user.id, "password changed");
    Ok(ApiJson(response))
}

/// A vault id from a path: the same opaque-id syntax as every other id.
fn vault_id(raw: &str) -> Result<String, AppError> {
    // Vault ids follow the opaque-id syntax of every other id.
    parse_path_id::<CaseId>(raw).map(|_| raw.to_owned())
}

#[utoipa::path(put, path = "/api/v1/auth/vault-recovery/{vault_id}", tag = "auth",
    params(("vault_id" = CaseId, Path, description = "the workstation vault's opaque id")),
    request_body = VaultRecoveryKey, security(("bearer" = [])),
    description = "Deposits (or replaces) the recovery key of one of the caller's vaults.",
    responses((status = 204, description = "stored, sealed under the hub key"),
              Unauthenticated, PathId, JsonBody))]
async fn put_vault_recovery(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<VaultRecoveryKey>,
) -> Result<StatusCode, AppError> {
    let vault = vault_id(&raw)?;
    let key = kyc_keys::RecoveryKey::from_secret(&req.recovery_key)
        .map_err(|_| AppError::rule(rules::BASE64, "recovery_key: 32 bytes of base64url"))?;
    let user = caller.user.clone();
    state.blocking(move |s| s.put_vault_recovery(&user, &vault, key.as_bytes(), now_ms())).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/auth/vault-recovery/{vault_id}/release", tag = "auth",
    params(("vault_id" = CaseId, Path, description = "the workstation vault's opaque id")),
    security(("bearer" = [])),
    description = "Releases the recovery key of one of the caller's own vaults (audited); \
        another account's vault is 404.",
    responses((status = 200, body = VaultRecoveryKey), Unauthenticated, PathId))]
async fn release_vault_recovery(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<VaultRecoveryKey> {
    let vault = vault_id(&raw)?;
    let user = caller.user.clone();
    let lookup = vault.clone();
    // Keyed by (account, vault): another account's vault is simply not found.
    let key = state
        .blocking(move |s| s.release_vault_recovery(&user, &lookup, now_ms()))
        .await?
        .ok_or_else(|| AppError::not_found("no recovery key for this vault"))?;
    let bytes: [u8; 32] =
        key.as_slice().try_into().map_err(|_| AppError::internal(&"recovery key length"))?;
    let key = kyc_keys::RecoveryKey::from_bytes(bytes);
    audit_account_events(
        &state,
        vec![account_entry(
            Some(caller.user.clone()),
            AuditRecordKind::RecoveryKeyReleased { vault_id: vault },
        )],
    )
    .await;
    tracing::info!(user = %caller.user, "vault recovery key released");
    Ok(ApiJson(VaultRecoveryKey { recovery_key: key.to_secret() }))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "the session is ended"), Unauthenticated))]
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, AppError> {
    let hash = caller.token_hash.clone();
    state.blocking(move |s| s.delete_session(&hash)).await?;
    audit_account_events(
        &state,
        vec![account_entry(Some(caller.user.clone()), AuditRecordKind::SignedOut)],
    )
    .await;
    tracing::info!(user = %caller.user, "logout");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), Unauthenticated))]
async fn me(caller: Caller) -> ApiJson<Me> {
    ApiJson(Me {
        user: caller.user,
        username: caller.username,
        role: caller.role,
        session_expires_at: from_ms(caller.expires_at),
    })
}

fn validate_intake(req: &IntakeCase) -> Result<(), AppError> {
    let declared: Vec<_> = req.media.iter().map(|m| (&m.id, m.content_type.as_str())).collect();
    crate::ops::validate_case(&req.case, &declared)
        .map_err(|why| AppError::rule(rules::CASE_RULE, why))
}

/// Runs the workstation's media checks on every uploaded object (a full decode of images), on
/// the blocking pool. The first failure is a 400 naming the media id and the rule code.
async fn validate_media_bytes(
    objects: Vec<crate::demo::MediaBytes>,
) -> Result<Vec<crate::demo::MediaBytes>, AppError> {
    let (objects, verdict) = tokio::task::spawn_blocking(move || {
        let limits = crate::media_check::limits();
        let verdict = objects.iter().find_map(|(id, content_type, bytes)| {
            crate::media_check::check_media(content_type, bytes, &limits)
                .err()
                .map(|rule| (id.clone(), rule))
        });
        (objects, verdict)
    })
    .await
    .map_err(|e| AppError::internal(&e))?;
    match verdict {
        None => Ok(objects),
        Some((id, rule)) => {
            tracing::info!(media = %id, rule = rule.code(), "intake refused media");
            Err(AppError::rule(
                rule.code(),
                format!("media {id} failed validation: {}", rule.code()),
            ))
        }
    }
}

#[utoipa::path(post, path = "/api/v1/intake/cases", tag = "intake", request_body = IntakeCase,
    security(("bearer" = [])),
    description = "Admin or service role. The body is at most the hub's intake limit (96 MiB \
        by default); each image at most 16 MiB and each video at most 48 MiB decoded \
        (`kyc_proto::limits`). Rules answered with 400 `case_rule`: the applicant type matches \
        the kind, and the media sent are exactly the media the documents list, each once. Each \
        object is validated as a workstation will (format sniffed against the declared type, \
        images fully decoded, videos' containers and codecs checked): a failure is 400 with \
        the media rule (`media_corrupt`, `media_too_many_pixels`, `media_type_mismatch`, \
        `media_unsupported_codec`, ...).",
    responses((status = 201, body = IntakeResponse),
              (status = 409, description = "`conflict`: a case or media id exists already",
                  body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, JsonBody))]
async fn intake(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<IntakeCase>,
) -> Result<(StatusCode, ApiJson<IntakeResponse>), AppError> {
    caller.require(&[Role::Admin, Role::Service])?;
    validate_intake(&req)?;
    // Decode everything before touching the disk, so a bad object stores nothing.
    let mut decoded = Vec::with_capacity(req.media.len());
    for (i, m) in req.media.iter().enumerate() {
        // The allowed types all have a limit (validate_intake refused any other type).
        let limit = kyc_proto::limits::max_media_bytes(&m.content_type).unwrap_or(0);
        if kyc_proto::limits::base64_len(limit) < m.data_base64.len() as u64 {
            return Err(media_too_large(i, limit));
        }
        match base64::engine::general_purpose::STANDARD.decode(&m.data_base64) {
            Ok(b) if b.is_empty() => {
                return Err(AppError::rule(rules::BASE64, format!("media[{i}] is empty")));
            }
            Ok(b) if b.len() as u64 > limit => return Err(media_too_large(i, limit)),
            Ok(b) => {
                decoded.push((m.id.clone(), m.content_type.clone(), zeroize::Zeroizing::new(b)));
            }
            Err(_) => {
                return Err(AppError::rule(
                    rules::BASE64,
                    format!("media[{i}].data_base64 is not standard padded base64"),
                ));
            }
        }
    }
    drop(req.media);
    let decoded = validate_media_bytes(decoded).await?;
    let actor = caller.user.clone();
    let case = req.case;
    let response = state
        .with_media(move |store, files| {
            let media = crate::ops::store_case(store, files, &case, decoded, &actor, now_ms())?;
            Ok(IntakeResponse { case_id: case.id.clone(), media })
        })
        .await?;
    tracing::info!(case = %response.case_id, media = response.media.len(), "case created");
    Ok((StatusCode::CREATED, ApiJson(response)))
}

/// 413 for one media object over the limit of its type.
fn media_too_large(index: usize, limit: u64) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
        format!("media[{index}] is over the limit of {limit} bytes for its content type"),
    )
    .with_rule(rules::MEDIA_TOO_LARGE)
}

#[utoipa::path(post, path = "/api/v1/leases", tag = "leases", request_body = LeaseRequest,
    security(("bearer" = [])),
    responses((status = 200, body = LeaseGrant), Unauthenticated, Forbidden, JsonBody))]
async fn lease(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<LeaseRequest>,
) -> ApiResult<LeaseGrant> {
    caller.require(&[Role::Reviewer])?;
    if req.max_cases == 0 || req.max_cases > MAX_LEASE_BATCH {
        return Err(AppError::rule(rules::OUT_OF_RANGE, "max_cases must be between 1 and 50"));
    }
    let now = now_ms();
    let (online_until, offline_until) = lease_ends(&state.policy(), now);
    let until = if req.offline { offline_until } else { online_until };
    let user = caller.user.clone();
    let offline = req.offline;
    let cases = state
        .blocking(move |s| s.lease(&user, req.max_cases, req.kind, now, until, offline))
        .await?;
    tracing::info!(user = %caller.user, granted = cases.len(), offline, "lease");
    Ok(ApiJson(LeaseGrant { cases }))
}

/// When a lease granted or renewed at `now` ends: (ordinary lease, lease for offline work).
fn lease_ends(policy: &Policy, now: i64) -> (i64, i64) {
    (now + policy.lease_secs as i64 * 1000, now + policy.offline_lease_hours as i64 * 3_600_000)
}

fn check_case_list(ids: &[CaseId]) -> Result<(), AppError> {
    if ids.is_empty() || ids.len() > MAX_CASE_LIST {
        return Err(AppError::rule(rules::BATCH_SIZE, "case_ids must list 1 to 200 cases"));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/leases/renew", tag = "leases", request_body = RenewRequest,
    security(("bearer" = [])),
    responses((status = 200, body = RenewResponse), Unauthenticated, Forbidden, JsonBody))]
async fn renew(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<RenewRequest>,
) -> ApiResult<RenewResponse> {
    caller.require(&[Role::Reviewer])?;
    check_case_list(&req.case_ids)?;
    let now = now_ms();
    let (until, offline_until) = lease_ends(&state.policy(), now);
    let user = caller.user.clone();
    let (renewed, lost) =
        state.blocking(move |s| s.renew(&user, &req.case_ids, now, until, offline_until)).await?;
    Ok(ApiJson(RenewResponse {
        renewed: renewed
            .into_iter()
            .map(|(case_id, at)| RenewedLease { case_id, lease_expires_at: from_ms(at) })
            .collect(),
        lost,
    }))
}

#[utoipa::path(post, path = "/api/v1/leases/release", tag = "leases", request_body = ReleaseRequest,
    security(("bearer" = [])),
    responses((status = 200, body = ReleaseResponse), Unauthenticated, Forbidden, JsonBody))]
async fn release(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ReleaseRequest>,
) -> ApiResult<ReleaseResponse> {
    caller.require(&[Role::Reviewer])?;
    check_case_list(&req.case_ids)?;
    let user = caller.user.clone();
    let (released, not_held) =
        state.blocking(move |s| s.release(&user, &req.case_ids, now_ms())).await?;
    Ok(ApiJson(ReleaseResponse { released, not_held }))
}

pub use kyc_proto::range::{ByteRange, parse_range};

#[utoipa::path(get, path = "/api/v1/media/{media_id}", tag = "media", security(("bearer" = [])),
    params(("media_id" = MediaId, Path, description = "media id"),
           ("range" = Option<String>, Header, description = "a single `bytes=` range")),
    responses(MediaBytes, Unauthenticated, Forbidden, PathId))]
async fn media(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id: MediaId = parse_path_id(&raw)?;
    let lookup = id.clone();
    let row = state
        .blocking(move |s| s.media(&lookup))
        .await?
        .ok_or_else(|| AppError::not_found("no such media"))?;
    let now = now_ms();
    match caller.role {
        Role::Reviewer => {
            if !row.held_by(&caller.user, now) {
                return Err(AppError::forbidden("the caller holds no lease on this case"));
            }
        }
        Role::Supervisor => {
            // Supervisors audit decisions: evidence of cases in a reviewer's hands stays there.
            let case = row.case_id.clone();
            if !state.blocking(move |s| s.supervisor_may_open(&case)).await? {
                return Err(AppError::forbidden(
                    "supervisors open evidence of decided, awaiting-confirmation or escalated cases only",
                ));
            }
            let entry = AuditEntry {
                actor: Some(caller.user.clone()),
                case_id: Some(row.case_id.clone()),
                kind: AuditRecordKind::MediaAudited { media_id: id.clone() },
            };
            state.blocking(move |s| s.append_audit(&[entry], now)).await?;
        }
        Role::Admin | Role::Service => {
            return Err(AppError::forbidden("this role may not download media"));
        }
    }
    let size = row.manifest.size;
    let range = parse_range(headers.get(header::RANGE).and_then(|v| v.to_str().ok()), size);
    // Only the chunks a range covers are read and opened.
    let (start, end) = match range {
        ByteRange::Partial(start, end) => (start, end),
        _ => (0, size.saturating_sub(1)),
    };
    let file_name = row.file_name.clone();
    let bytes = if matches!(range, ByteRange::Unsatisfiable) {
        zeroize::Zeroizing::new(Vec::new())
    } else {
        state
            .with_media(move |_, files| {
                files.read_range(&file_name, start, end).map_err(|e| AppError::internal(&e))
            })
            .await?
    };
    let mut response_headers = HeaderMap::new();
    let content_type = HeaderValue::from_str(&row.manifest.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response_headers.insert(header::CONTENT_TYPE, content_type);
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&row.manifest.sha256) {
        response_headers.insert(DIGEST_HEADER, v);
    }
    match range {
        ByteRange::Full => {
            Ok((StatusCode::OK, response_headers, Body::from(bytes.to_vec())).into_response())
        }
        ByteRange::Partial(start, end) => {
            let slice = bytes.to_vec();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{size}")) {
                response_headers.insert(header::CONTENT_RANGE, v);
            }
            Ok((StatusCode::PARTIAL_CONTENT, response_headers, Body::from(slice)).into_response())
        }
        ByteRange::Unsatisfiable => {
            let mut response = AppError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                ErrorCode::RangeNotSatisfiable,
                "range not satisfiable",
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            Ok(response)
        }
    }
}

#[utoipa::path(post, path = "/api/v1/cases/{case_id}/media-problem", tag = "leases",
    security(("bearer" = [])), params(("case_id" = CaseId, Path, description = "case id")),
    request_body = MediaProblemReport,
    description = "Reviewer holding the lease. The hub re-checks the stored bytes itself: only \
        when its own check fails does the case leave the queue (needs attention).",
    responses((status = 200, description = "the hub's own check confirmed (the case needs \
        attention) or refuted (nothing changed) the report", body = MediaProblemResponse),
              Unauthenticated, Forbidden, PathId, JsonBody))]
async fn media_problem(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(report): ApiJson<MediaProblemReport>,
) -> ApiResult<MediaProblemResponse> {
    caller.require(&[Role::Reviewer])?;
    let case_id: CaseId = parse_path_id(&raw)?;
    let lookup = report.media_id.clone();
    let row = state
        .blocking(move |s| s.media(&lookup))
        .await?
        .filter(|row| row.case_id == case_id)
        .ok_or_else(|| AppError::not_found("no such media in this case"))?;
    if !row.held_by(&caller.user, now_ms()) {
        return Err(AppError::forbidden("the caller holds no lease on this case"));
    }
    // `leased`, or `double_review` for a slot's lease.
    let held_state = row.case_state;
    // The hub's own verdict on the bytes it stores, never the reporter's word.
    let finding = state
        .with_media(move |_, files| {
            let limits = crate::media_check::limits();
            Ok(crate::media_check::recheck_stored(files, &row.file_name, &row.manifest, &limits))
        })
        .await?;
    let user = caller.user.clone();
    let media_id = report.media_id.clone();
    let response = match finding {
        Some(rule) => {
            let problem = ConfirmedProblem {
                media_id: media_id.clone(),
                reported: report.reason,
                rule: rule.code(),
            };
            let case = case_id.clone();
            state.blocking(move |s| s.confirm_unusable(&user, &case, &problem, now_ms())).await?;
            tracing::warn!(case = %case_id, media = %media_id, rule = rule.code(), "case needs attention");
            MediaProblemResponse {
                outcome: MediaProblemOutcome::Confirmed,
                case_state: CaseState::NeedsAttention,
                rule: Some(rule.code().to_owned()),
            }
        }
        None => {
            let entry = AuditEntry {
                actor: Some(user),
                case_id: Some(case_id.clone()),
                kind: AuditRecordKind::MediaProblemRefuted {
                    media_id: media_id.clone(),
                    reported: report.reason,
                },
            };
            state.blocking(move |s| s.append_audit(&[entry], now_ms())).await?;
            tracing::info!(case = %case_id, media = %media_id, reported = report.reason.code(), "media problem refuted");
            MediaProblemResponse {
                outcome: MediaProblemOutcome::Refuted,
                case_state: held_state,
                rule: None,
            }
        }
    };
    Ok(ApiJson(response))
}

#[utoipa::path(post, path = "/api/v1/decisions", tag = "decisions", request_body = DecisionBatch,
    security(("bearer" = [])),
    responses((status = 200, body = DecisionBatchResult), Unauthenticated, Forbidden, JsonBody))]
async fn decisions(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(batch): ApiJson<DecisionBatch>,
) -> ApiResult<DecisionBatchResult> {
    caller.require(&[Role::Reviewer])?;
    if batch.items.is_empty() || batch.items.len() > MAX_DECISION_BATCH {
        return Err(AppError::rule(rules::BATCH_SIZE, "a batch holds 1 to 100 decisions"));
    }
    let policy = state.policy();
    let user = caller.user.clone();
    let items = batch.items;
    let results = state
        .blocking(move |s| {
            let statuses = s.apply_decisions(&user, &items, &policy, now_ms())?;
            Ok(items
                .into_iter()
                .zip(statuses)
                .map(|(item, status)| DecisionResult { key: item.idempotency_key, status })
                .collect::<Vec<_>>())
        })
        .await?;
    tracing::info!(user = %caller.user, items = results.len(), "decisions pushed");
    Ok(ApiJson(DecisionBatchResult { results }))
}

fn valid_field_path(field: &str) -> bool {
    !field.is_empty()
        && field.len() <= 64
        && field
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

#[utoipa::path(post, path = "/api/v1/audit/events", tag = "audit", request_body = AuditBatch,
    security(("bearer" = [])),
    responses((status = 200, body = AuditAck), Unauthenticated, Forbidden, JsonBody))]
async fn audit_events(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(batch): ApiJson<AuditBatch>,
) -> ApiResult<AuditAck> {
    caller.require(&[Role::Reviewer, Role::Supervisor])?;
    if batch.events.is_empty() || batch.events.len() > MAX_AUDIT_BATCH {
        return Err(AppError::rule(rules::BATCH_SIZE, "a batch holds 1 to 500 events"));
    }
    for event in &batch.events {
        if let AuditEventKind::FieldRevealed { field, reason } = &event.kind {
            let reason_chars = reason.trim().chars().count();
            if !valid_field_path(field) || reason_chars == 0 || reason_chars > MAX_AUDIT_TEXT_CHARS
            {
                return Err(AppError::rule(
                    rules::TEXT_LENGTH,
                    "a reveal needs a field path and a reason of 1 to 200 characters",
                ));
            }
        }
    }
    let user = caller.user.clone();
    let role = caller.role;
    let results = state
        .blocking(move |s| {
            let cases: HashSet<&CaseId> = batch.events.iter().map(|e| &e.case_id).collect();
            for case in cases {
                let allowed = match role {
                    Role::Reviewer => s.ever_leased(&user, case)?,
                    _ => s.case_exists(case)?,
                };
                if !allowed {
                    return Err(StoreError::Forbidden(
                        "events only for cases the caller worked on",
                    ));
                }
            }
            let entries: Vec<_> = batch
                .events
                .iter()
                .map(|e| {
                    let entry = AuditEntry {
                        actor: Some(user.clone()),
                        case_id: Some(e.case_id.clone()),
                        kind: AuditRecordKind::Client { event: e.kind.clone(), at: e.at },
                    };
                    (e.idempotency_key.clone(), entry)
                })
                .collect();
            let statuses = s.append_client_events(&user, &entries, now_ms())?;
            Ok(entries
                .into_iter()
                .zip(statuses)
                .map(|((key, _), (status, seq))| AuditEventResult { key, status, seq })
                .collect::<Vec<_>>())
        })
        .await?;
    let count = |want: AuditEventStatus| results.iter().filter(|r| r.status == want).count() as u32;
    let (appended, duplicates) =
        (count(AuditEventStatus::Appended), count(AuditEventStatus::Duplicate));
    tracing::info!(user = %caller.user, appended, duplicates, "audit events pushed");
    Ok(ApiJson(AuditAck { appended, duplicates, results }))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])),
    params(AuditVerifyQuery),
    description = "Verifies the whole hash chain: the answer says through which record it is \
        verified (or the first broken link) and gives the chain head (seq, hash) to keep or \
        export. A chain the hub verifies about itself cannot show a rewritten or truncated \
        tail, so a client that kept an earlier head passes it as `since_seq` + `since_hash` \
        and gets `anchor`: `extends`, `rewritten` or `truncated`. `kyc-hub audit verify` \
        prints the same report.",
    responses((status = 200, body = AuditVerifyReport),
              (status = 400, description = "`invalid` (`rule`: `anchor`): only one of \
                  `since_seq` and `since_hash`, or one malformed", body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, QueryParams))]
async fn audit_verify(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<ApiQuery<AuditVerifyQuery>, AppError>,
) -> ApiResult<AuditVerifyReport> {
    caller.require(&[Role::Supervisor, Role::Admin])?;
    let ApiQuery(query) = query?;
    let anchor = match (query.since_seq, query.since_hash) {
        (None, None) => None,
        (Some(seq), Some(hash))
            if seq >= 1
                && hash.len() == 64
                && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) =>
        {
            Some(ChainHead { seq, hash })
        }
        _ => {
            return Err(AppError::rule(
                rules::ANCHOR,
                "since_seq (at least 1) and since_hash (64 lowercase hex digits) go together",
            ));
        }
    };
    Ok(ApiJson(state.blocking(move |s| s.audit_verify(anchor.as_ref())).await?))
}

#[utoipa::path(get, path = "/api/v1/supervisor/decisions", tag = "supervisor",
    security(("bearer" = [])), params(DecisionQuery),
    description = "Every decision, filtered and paginated on the hub. By default decisions \
        waiting for four-eyes confirmation come first (longest wait first, with `waiting_secs` \
        by the hub's clock), then the rest newest first. A correction (`source: correction`) \
        supersedes the decision named in `supersedes`.",
    responses((status = 200, body = DecisionPage), Unauthenticated, Forbidden, QueryParams))]
async fn supervisor_decisions(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<ApiQuery<DecisionQuery>, AppError>,
) -> ApiResult<DecisionPage> {
    caller.require(&[Role::Supervisor])?;
    let ApiQuery(query) = query?;
    Ok(ApiJson(state.blocking(move |s| s.query_decisions(&query, now_ms())).await?))
}

#[utoipa::path(get, path = "/api/v1/supervisor/cases/{case_id}", tag = "supervisor",
    security(("bearer" = [])), params(("case_id" = CaseId, Path, description = "case id")),
    description = "Only a case that is the supervisor's to handle: decided, waiting for \
        four-eyes confirmation, or escalated (otherwise 403 `forbidden`). Every open is audited.",
    responses((status = 200, body = CaseHistory,
               description = "the case, its decisions and audit; the open is audited"),
              Unauthenticated, Forbidden, PathId))]
async fn supervisor_case(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<CaseHistory> {
    caller.require(&[Role::Supervisor])?;
    let id: CaseId = parse_path_id(&raw)?;
    let user = caller.user.clone();
    let history =
        state.blocking(move |s| s.supervisor_case(&user, &id, now_ms())).await.map_err(|e| {
            if e.status() == StatusCode::NOT_FOUND {
                AppError::not_found("no such case")
            } else {
                e
            }
        })?;
    tracing::info!(user = %caller.user, case = %history.case_id, "case audited");
    Ok(ApiJson(history))
}

#[utoipa::path(post, path = "/api/v1/supervisor/verdicts", tag = "supervisor",
    request_body = VerdictRequest, security(("bearer" = [])),
    description = "Agree, or overturn with a note. An overturn does what the policy's \
        `overturn_actions` says for the case's kind: `correct` records `corrected` as a new \
        decision that supersedes the reviewer's (400 `correction_required` without it, \
        `outcome_not_allowed` for an escalation, `decision_rule` when it breaks a decision \
        rule); `requeue` sends the case back to the reviewers' queue (400 \
        `correction_not_allowed` with a correction). Never on the supervisor's own decision.",
    responses((status = 200, body = VerdictResponse),
              (status = 403, description = "`forbidden`: the supervisor's own decision",
                  body = kyc_proto::ApiError),
              (status = 404, description = "`not_found`: no such decision", body = kyc_proto::ApiError),
              (status = 409, description = "`conflict`: the decision has a verdict already, or \
                  (for an overturn) it is not its case's latest decision, or the case is not \
                  decided or awaiting confirmation", body = kyc_proto::ApiError),
              Unauthenticated, JsonBody))]
async fn supervisor_verdict(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<VerdictRequest>,
) -> ApiResult<VerdictResponse> {
    caller.require(&[Role::Supervisor])?;
    let note_given = req.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    if req.verdict == VerdictKind::Overturn && !note_given {
        return Err(AppError::rule(rules::NOTE_REQUIRED, "an overturn needs a note"));
    }
    if req.verdict == VerdictKind::Agree && req.corrected.is_some() {
        return Err(AppError::rule(
            rules::CORRECTION_NOT_ALLOWED,
            "a corrected outcome goes with an overturn only",
        ));
    }
    if req.note.as_deref().is_some_and(|n| n.chars().count() > kyc_model::decision::MAX_NOTE_CHARS)
    {
        return Err(AppError::rule(rules::TEXT_LENGTH, "the note is over 2000 characters"));
    }
    let user = caller.user.clone();
    let policy = state.policy();
    let response = state.blocking(move |s| s.give_verdict(&user, &req, &policy, now_ms())).await?;
    tracing::info!(
        user = %caller.user,
        action = response.action.map_or("none", |a| a.code()),
        "verdict given"
    );
    Ok(ApiJson(response))
}

#[utoipa::path(post, path = "/api/v1/supervisor/samples", tag = "supervisor",
    request_body = kyc_proto::SampleRequest, security(("bearer" = [])),
    description = "Draws a named QA review list: `percent` % (rounded up) of each reviewer's \
        own decisions of each case kind recorded in `[from, to)`, the decisions with the \
        smallest `SHA-256(seed || \":\" || decision_id)` in each stratum (see \
        `kyc_proto::sample`). The window, the seed (the request's, or a random one) and the \
        drawn decision ids are stored with the list, so the draw can be redone anywhere. \
        Audited as `sample_created`. 400 `out_of_range`: `to` not after `from`; \
        `text_length`: a blank name.",
    responses((status = 201, body = kyc_proto::SampleList), Unauthenticated, Forbidden, JsonBody))]
async fn supervisor_create_sample(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<kyc_proto::SampleRequest>,
) -> Result<(StatusCode, ApiJson<kyc_proto::SampleList>), AppError> {
    caller.require(&[Role::Supervisor])?;
    let name_chars = req.name.trim().chars().count();
    if name_chars == 0 || req.name.chars().count() > 100 {
        return Err(AppError::rule(rules::TEXT_LENGTH, "name must be 1 to 100 characters"));
    }
    if !(1..=100).contains(&req.percent) {
        return Err(AppError::rule(rules::OUT_OF_RANGE, "percent must be 1..=100"));
    }
    if req.to <= req.from {
        return Err(AppError::rule(rules::OUT_OF_RANGE, "to must be after from"));
    }
    let seed = match &req.seed {
        Some(seed) => {
            parse_path_id::<CaseId>(seed).map_err(|_| {
                AppError::rule(rules::ID_SYNTAX, "seed must be 1 to 64 of A-Z a-z 0-9 _ -")
            })?;
            seed.clone()
        }
        None => crate::crypto::random_hex(16),
    };
    let user = caller.user.clone();
    let list = state.blocking(move |s| s.create_sample(&user, &req, &seed, now_ms())).await?;
    tracing::info!(user = %caller.user, sample = %list.summary.sample_id, size = list.summary.size, "sample drawn");
    Ok((StatusCode::CREATED, ApiJson(list)))
}

#[utoipa::path(get, path = "/api/v1/supervisor/samples", tag = "supervisor",
    security(("bearer" = [])),
    responses((status = 200, body = kyc_proto::SampleIndex), Unauthenticated, Forbidden))]
async fn supervisor_samples(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<kyc_proto::SampleIndex> {
    caller.require(&[Role::Supervisor])?;
    let samples = state.blocking(|s| s.samples()).await?;
    Ok(ApiJson(kyc_proto::SampleIndex { samples }))
}

#[utoipa::path(get, path = "/api/v1/supervisor/samples/{sample_id}", tag = "supervisor",
    security(("bearer" = [])), params(("sample_id" = String, Path, description = "review list id")),
    description = "One review list: its window, seed, strata, decisions with their verdicts, \
        and progress (`judged` of `size`).",
    responses((status = 200, body = kyc_proto::SampleList),
              (status = 404, description = "`not_found`: no such list", body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, PathId))]
async fn supervisor_sample(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
) -> ApiResult<kyc_proto::SampleList> {
    caller.require(&[Role::Supervisor])?;
    let id: CaseId = parse_path_id(&raw)?;
    let id = id.as_str().to_owned();
    Ok(ApiJson(state.blocking(move |s| s.sample(&id)).await.map_err(|e| {
        if e.status() == StatusCode::NOT_FOUND {
            AppError::not_found("no such review list")
        } else {
            e
        }
    })?))
}

#[utoipa::path(get, path = "/api/v1/supervisor/escalations", tag = "supervisor",
    security(("bearer" = [])),
    description = "The supervisors' queue: cases a reviewer escalated, longest-waiting first. \
        Escalated cases are never leased to reviewers; a supervisor opens one with \
        `GET /api/v1/supervisor/cases/{case_id}` (audited; the reviewer's note is in its \
        decisions) and decides it with `POST .../escalations/{case_id}/decision`.",
    responses((status = 200, body = EscalationList), Unauthenticated, Forbidden))]
async fn supervisor_escalations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<EscalationList> {
    caller.require(&[Role::Supervisor])?;
    let cases = state.blocking(|s| s.escalations(now_ms())).await?;
    Ok(ApiJson(EscalationList { cases }))
}

/// The checks a supervisor's own decision on a case (an escalation, a dispute) passes before
/// the store sees it: the path's case, and an outcome that is not another escalation.
fn supervisor_decision(
    raw: &str,
    req: EscalationDecision,
    what: &str,
) -> Result<(CaseId, DecisionItem), AppError> {
    let case_id: CaseId = parse_path_id(raw)?;
    if req.decision.case_id != case_id {
        return Err(AppError::rule(rules::CASE_RULE, "decision.case_id must be the path's case"));
    }
    if OutcomeCode::of(&req.decision.outcome) == OutcomeCode::Escalate {
        return Err(AppError::rule(
            rules::OUTCOME_NOT_ALLOWED,
            format!("a supervisor decides {what} with an outcome; it cannot escalate it"),
        ));
    }
    Ok((case_id, DecisionItem { idempotency_key: req.idempotency_key, decision: req.decision }))
}

#[utoipa::path(post, path = "/api/v1/supervisor/escalations/{case_id}/decision", tag = "supervisor",
    security(("bearer" = [])), params(("case_id" = CaseId, Path, description = "case id")),
    request_body = EscalationDecision,
    description = "A supervisor decides an escalated case as a reviewer would, once per \
        idempotency key (a retry answers `duplicate`). The decision is final. An escalation \
        is not an answer here (400 `outcome_not_allowed`); a decision for another case than \
        the path's is 400 `case_rule`. A case no longer escalated answers `conflict` \
        (`already_decided`).",
    responses((status = 200, body = DecisionResult), Unauthenticated, Forbidden, PathId, JsonBody))]
async fn supervisor_escalation_decision(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<EscalationDecision>,
) -> ApiResult<DecisionResult> {
    caller.require(&[Role::Supervisor])?;
    let (case_id, item) = supervisor_decision(&raw, req, "an escalation")?;
    let user = caller.user.clone();
    let key = item.idempotency_key.clone();
    let status = state.blocking(move |s| s.decide_escalation(&user, &item, now_ms())).await?;
    tracing::info!(user = %caller.user, case = %case_id, "escalation decided");
    Ok(ApiJson(DecisionResult { key, status }))
}

#[utoipa::path(get, path = "/api/v1/supervisor/disputes", tag = "supervisor",
    security(("bearer" = [])),
    description = "Blind double reviews whose two slots were decided with different outcomes, \
        longest-waiting first, with both slots' decisions. A disputed case is never leased to \
        reviewers; a supervisor opens it with `GET /api/v1/supervisor/cases/{case_id}` \
        (audited; both decisions with their reasons and notes are in its history) and resolves \
        it with `POST .../disputes/{case_id}/decision`.",
    responses((status = 200, body = DisputeList), Unauthenticated, Forbidden))]
async fn supervisor_disputes(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<DisputeList> {
    caller.require(&[Role::Supervisor])?;
    let cases = state.blocking(|s| s.disputes(now_ms())).await?;
    Ok(ApiJson(DisputeList { cases }))
}

#[utoipa::path(post, path = "/api/v1/supervisor/disputes/{case_id}/decision", tag = "supervisor",
    security(("bearer" = [])), params(("case_id" = CaseId, Path, description = "case id")),
    request_body = EscalationDecision,
    description = "A supervisor resolves a disputed double review with the case's outcome, \
        once per idempotency key (a retry answers `duplicate`). The decision is final. An \
        escalation is not an answer here (400 `outcome_not_allowed`); a decision for another \
        case than the path's is 400 `case_rule`. A case no longer disputed answers `conflict` \
        (`already_decided`).",
    responses((status = 200, body = DecisionResult), Unauthenticated, Forbidden, PathId, JsonBody))]
async fn supervisor_dispute_decision(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<EscalationDecision>,
) -> ApiResult<DecisionResult> {
    caller.require(&[Role::Supervisor])?;
    let (case_id, item) = supervisor_decision(&raw, req, "a dispute")?;
    let user = caller.user.clone();
    let key = item.idempotency_key.clone();
    let status = state.blocking(move |s| s.resolve_dispute(&user, &item, now_ms())).await?;
    tracing::info!(user = %caller.user, case = %case_id, "dispute resolved");
    Ok(ApiJson(DecisionResult { key, status }))
}

#[utoipa::path(get, path = "/api/v1/supervisor/stats", tag = "supervisor",
    security(("bearer" = [])), params(StatsQuery),
    description = "In total and per reviewer, over the range (the hub's clock): decisions, \
        outcome mix, decisions per UTC day, median and p90 handling time (active time clamped \
        by the hub), verdicts and overturn rate, decisions awaiting confirmation; and the \
        four-eyes backlog now with its oldest wait; and blind double review's agreement per \
        reviewer pair (agreement rate and Cohen's kappa over outcome codes) over the double \
        reviews whose second slot was decided in the range.",
    responses((status = 200, body = StatsResponse), Unauthenticated, Forbidden, QueryParams))]
async fn supervisor_stats(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<ApiQuery<StatsQuery>, AppError>,
) -> ApiResult<StatsResponse> {
    caller.require(&[Role::Supervisor])?;
    let ApiQuery(query) = query?;
    Ok(ApiJson(state.blocking(move |s| s.stats(&query, now_ms())).await?))
}

#[utoipa::path(get, path = "/api/v1/supervisor/stats.csv", tag = "supervisor",
    security(("bearer" = [])), params(StatsQuery),
    description = "The figures of `GET /api/v1/supervisor/stats` as CSV, one \
        `reviewer,day,metric,value` row each (`total` for all reviewers; an empty day for the \
        whole range). Ids, codes and numbers only, never case content.",
    responses((status = 200, description = "the figures", content_type = "text/csv", body = String),
              Unauthenticated, Forbidden, QueryParams))]
async fn supervisor_stats_csv(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<ApiQuery<StatsQuery>, AppError>,
) -> Result<Response, AppError> {
    caller.require(&[Role::Supervisor])?;
    let ApiQuery(query) = query?;
    let stats = state.blocking(move |s| s.stats(&query, now_ms())).await?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"kyc-stats.csv\""),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    Ok((headers, crate::stats_csv::stats_csv(&stats)).into_response())
}

fn summary(u: UserRow) -> UserSummary {
    UserSummary {
        id: u.id,
        username: u.username,
        role: u.role,
        disabled: u.disabled,
        created_at: from_ms(u.created_at),
        password_change_required: Credential::decode(&u.credential).is_some_and(|c| c.one_time),
        one_time_password: None,
    }
}

#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserSummary>), Unauthenticated, Forbidden))]
async fn admin_users(State(state): State<AppState>, caller: Caller) -> ApiResult<Vec<UserSummary>> {
    caller.require(&[Role::Admin])?;
    let users = state.blocking(|s| s.list_users()).await?;
    Ok(ApiJson(users.into_iter().map(summary).collect()))
}

/// Checks a login handle: 3..=64 of `[a-z0-9._-]`.
pub fn valid_username(name: &str) -> bool {
    kyc_proto::valid_username(name)
}

/// Minimum password length for accounts.
pub const MIN_PASSWORD_CHARS: usize = kyc_proto::MIN_PASSWORD_CHARS;

#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin", request_body = CreateUserRequest,
    security(("bearer" = [])),
    description = "Creates an account (audited). Without `password` the hub generates one and \
        returns it once in `one_time_password`; either way the account must change it at its \
        first sign-in.",
    responses((status = 201, body = UserSummary),
              (status = 409, description = "`conflict`: the username is taken", body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, JsonBody))]
async fn admin_create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, ApiJson<UserSummary>), AppError> {
    caller.require(&[Role::Admin])?;
    if !valid_username(&req.username) {
        return Err(AppError::rule(
            rules::ACCOUNT_RULE,
            "username must be 3 to 64 of a-z 0-9 . _ -",
        ));
    }
    check_password_length(req.password.as_ref())?;
    let params = state.settings().password_hashing.kdf_params();
    let actor = caller.user.clone();
    let (user, generated) = state
        .with_media(move |s, _| {
            let generated = req
                .password
                .is_none()
                .then(|| kyc_proto::Secret::new(crate::crypto::random_password().as_str()));
            let password = req
                .password
                .as_ref()
                .or(generated.as_ref())
                .ok_or_else(|| AppError::internal(&"no password"))?;
            // One derivation, as the client would do it, on the blocking pool.
            let credential = Credential::from_password(password, params, true)
                .map_err(|e| AppError::internal(&e))?
                .encode();
            let user = s.create_user(&req.username, req.role, &credential, now_ms())?;
            let event =
                AuditRecordKind::AccountCreated { target: user.id.clone(), role: user.role };
            s.append_audit(&[account_entry(Some(actor), event)], now_ms())?;
            Ok((user, generated))
        })
        .await?;
    tracing::info!(user = %user.id, role = user.role.code(), "account created");
    let mut answer = summary(user);
    answer.one_time_password = generated;
    Ok((StatusCode::CREATED, ApiJson(answer)))
}

fn check_password_length(password: Option<&kyc_proto::Secret>) -> Result<(), AppError> {
    if password.is_some_and(|p| p.expose().chars().count() < MIN_PASSWORD_CHARS) {
        return Err(AppError::rule(
            rules::ACCOUNT_RULE,
            "password must have at least 12 characters",
        ));
    }
    Ok(())
}

#[utoipa::path(patch, path = "/api/v1/admin/users/{user_id}", tag = "admin",
    params(("user_id" = UserId, Path, description = "account id")), request_body = UpdateUserRequest,
    security(("bearer" = [])),
    description = "Disables or enables an account, sets or resets its password (`reset_password: \
        true`: a generated one-time password, returned once), or changes its role. Each change \
        is chained in the audit trail (`account_disabled_changed`, `password_reset`, \
        `account_role_changed`) in the same transaction. An administrator never changes their \
        own role nor disables their own account (403).",
    responses((status = 200, body = UserSummary),
              (status = 404, description = "`not_found`: no such account", body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, PathId, JsonBody))]
async fn admin_update_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> ApiResult<UserSummary> {
    caller.require(&[Role::Admin])?;
    let id: UserId = parse_path_id(&raw)?;
    check_password_length(req.password.as_ref())?;
    let reset = req.reset_password == Some(true);
    if reset && req.password.is_some() {
        return Err(AppError::rule(
            rules::PASSWORD_CHOICE,
            "give either password or reset_password, not both",
        ));
    }
    let params = state.settings().password_hashing.kdf_params();
    let actor = caller.user.clone();
    let (user, generated) = state
        .with_media(move |s, _| {
            let generated =
                reset.then(|| kyc_proto::Secret::new(crate::crypto::random_password().as_str()));
            let credential = match req.password.as_ref().or(generated.as_ref()) {
                Some(p) => Some(
                    Credential::from_password(p, params, true)
                        .map_err(|e| AppError::internal(&e))?
                        .encode(),
                ),
                None => None,
            };
            let change = UserChange { disabled: req.disabled, credential, role: req.role };
            let user = s.update_user_by(Some(&actor), &id, &change, now_ms())?;
            Ok((user, generated))
        })
        .await?;
    tracing::info!(user = %user.id, disabled = user.disabled, role = user.role.code(), "account changed");
    let mut answer = summary(user);
    answer.one_time_password = generated;
    Ok(ApiJson(answer))
}

#[utoipa::path(get, path = "/api/v1/admin/policy", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Policy), Unauthenticated, Forbidden))]
async fn admin_policy(State(state): State<AppState>, caller: Caller) -> ApiResult<Policy> {
    caller.require(&[Role::Admin])?;
    Ok(ApiJson(state.policy()))
}

#[utoipa::path(put, path = "/api/v1/admin/policy", tag = "admin", request_body = Policy,
    security(("bearer" = [])),
    description = "Replaces the policy; the changed fields are chained as `policy_changed` \
        (old and new value each) in the same transaction. Every field is checked against its \
        bounds (400 `out_of_range`, the message names the field and its bounds) and the rules \
        between fields (400 `policy_rule`). `four_eyes_outcomes` is accepted and stored as \
        `four_eyes_rules`; the answer is the policy as stored.",
    responses((status = 200, body = Policy), Unauthenticated, Forbidden, JsonBody))]
async fn admin_set_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(policy): ApiJson<Policy>,
) -> ApiResult<Policy> {
    caller.require(&[Role::Admin])?;
    policy.validate().map_err(|e| AppError::rule(e.rule(), e.to_string()))?;
    let policy = policy.normalized();
    let stored = policy.clone();
    let actor = caller.user.clone();
    let changes = state.blocking(move |s| s.set_policy_by(&actor, &stored, now_ms())).await?;
    *state.inner.policy.write().unwrap_or_else(|p| p.into_inner()) = policy.clone();
    tracing::info!(
        lease_secs = policy.lease_secs,
        retention_days = policy.retention_days,
        fields = changes.len(),
        "policy changed"
    );
    Ok(ApiJson(policy))
}

#[utoipa::path(get, path = "/api/v1/policy/client", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = ClientPolicy), Unauthenticated))]
async fn client_policy(State(state): State<AppState>, _caller: Caller) -> ApiResult<ClientPolicy> {
    // Any signed-in account: the values are not secret, and every workstation applies them.
    Ok(ApiJson(state.policy().client()))
}

#[utoipa::path(post, path = "/api/v1/admin/purge", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = PurgeReport), Unauthenticated, Forbidden))]
async fn admin_purge(State(state): State<AppState>, caller: Caller) -> ApiResult<PurgeReport> {
    caller.require(&[Role::Admin])?;
    Ok(ApiJson(state.purge_now().await?))
}

#[utoipa::path(get, path = "/api/v1/admin/needs-attention", tag = "admin",
    security(("bearer" = [])),
    responses((status = 200, body = NeedsAttentionList), Unauthenticated, Forbidden))]
async fn admin_needs_attention(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<NeedsAttentionList> {
    caller.require(&[Role::Admin])?;
    let cases = state.blocking(|s| s.needs_attention()).await?;
    Ok(ApiJson(NeedsAttentionList { cases }))
}

#[utoipa::path(post, path = "/api/v1/admin/needs-attention/{case_id}", tag = "admin",
    security(("bearer" = [])), params(("case_id" = CaseId, Path, description = "case id")),
    request_body = AttentionResolution,
    description = "Returns a case that needs attention to the reviewers' queue, or closes it as \
        unusable (final; retention purges it like a decided case). Audited as \
        `attention_resolved`.",
    responses((status = 200, body = AttentionResolved),
              (status = 404, description = "`not_found`: no such case", body = kyc_proto::ApiError),
              (status = 409, description = "`conflict`: the case does not need attention",
                  body = kyc_proto::ApiError),
              Unauthenticated, Forbidden, PathId, JsonBody))]
async fn admin_resolve_attention(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(raw): ApiPath<String>,
    ApiJson(req): ApiJson<AttentionResolution>,
) -> ApiResult<AttentionResolved> {
    caller.require(&[Role::Admin])?;
    let case_id: CaseId = parse_path_id(&raw)?;
    let actor = caller.user.clone();
    let case = case_id.clone();
    let case_state =
        state.blocking(move |s| s.resolve_attention(&actor, &case, req.action, now_ms())).await?;
    tracing::info!(case = %case_id, action = req.action.code(), "attention resolved");
    Ok(ApiJson(AttentionResolved { case_state }))
}

#[utoipa::path(get, path = "/api/v1/admin/events", tag = "admin", security(("bearer" = [])),
    params(AdminEventsQuery),
    description = "The latest administrative audit records, newest first: accounts created, \
        disabled or enabled, roles changed, passwords reset, policy changes (each changed \
        field's name, old and new value) and resolved needs-attention cases. Codes, opaque ids \
        and policy values only; `limit` 1..=200, default 50.",
    responses((status = 200, body = AdminEventList), Unauthenticated, Forbidden, QueryParams))]
async fn admin_events(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<ApiQuery<AdminEventsQuery>, AppError>,
) -> ApiResult<AdminEventList> {
    caller.require(&[Role::Admin])?;
    let ApiQuery(query) = query?;
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    let events = state.blocking(move |s| s.admin_events(limit)).await?;
    Ok(ApiJson(AdminEventList { events }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for (name, ok) in
            [("ann", true), ("rev-1.a_b", true), ("an", false), ("Ann", false), ("a/b", false)]
        {
            assert_eq!(valid_username(name), ok, "{name}");
        }
    }
}
