//! The HTTP client of the hub's API: rustls only, loopback-only plain HTTP, a timeout on every
//! call, hub errors mapped to [`SyncError`].

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Once, PoisonError, RwLock};
use std::time::Duration;

use kyc_keys::{AuthKey, KdfParams, KdfSpec, RecoveryKey};
use kyc_model::CaseId;
use kyc_proto::ClientPolicy;
use kyc_proto::{
    ApiError, AuditAck, AuditBatch, DIGEST_HEADER, DecisionBatch, DecisionBatchResult, ErrorCode,
    LeaseGrant, LeaseRequest, LoginRequest, LoginResponse, Me, MediaManifest, MediaProblemReport,
    MediaProblemResponse, PasswordChangeRequest, PreloginRequest, PreloginResponse, ReleaseRequest,
    ReleaseResponse, RenewRequest, RenewResponse, Secret, VaultRecoveryKey, routes,
};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::error::SyncError;

/// How to reach the hub.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://host[:port]`, or `http://` to a loopback address (demo, tests).
    pub base_url: String,
    /// Longest wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest wait for a whole JSON call, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Slowest media download rate tolerated, in bytes per second: a download of `n` bytes
    /// times out after `request_timeout + n / min_media_rate`.
    pub min_media_rate: u64,
    /// Extra trusted root certificates (PEM), for a hub with a private CA.
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// The cheapest key derivation this client accepts from a hub's prelogin answer (the
    /// vault is keyed with it): production cost by default, so a hostile or misconfigured hub
    /// cannot weaken the vault. Tests lower it to `KdfParams::insecure_for_tests()`.
    pub kdf_floor: KdfParams,
    /// This client's version (`MAJOR.MINOR.PATCH`), sent with every request
    /// ([`kyc_proto::CLIENT_VERSION_HEADER`]) and compared with the hub's
    /// `min_client_version` before signing in.
    pub client_version: String,
    /// The oldest hub API version this client can talk to (default
    /// [`kyc_proto::API_VERSION`]): an older hub is reported as [`SyncError::HubOutdated`].
    pub min_hub_api_version: u32,
    /// Use the system's proxy settings (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, …). Off:
    /// connect directly.
    pub use_system_proxy: bool,
    /// A proxy every request goes through (`http://host:port`), overriding the system's.
    pub proxy: Option<String>,
}

impl ClientConfig {
    /// Defaults for a hub address: 10 s to connect, 30 s per call, 50 kB/s slowest media.
    pub fn new(base_url: impl Into<String>) -> ClientConfig {
        ClientConfig {
            base_url: base_url.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            min_media_rate: 50_000,
            extra_roots_pem: Vec::new(),
            kdf_floor: KdfParams::DEFAULT,
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
            min_hub_api_version: kyc_proto::API_VERSION,
            use_system_proxy: true,
            proxy: None,
        }
    }
}

/// Checks the hub address: `https` anywhere, `http` only to loopback.
pub fn check_base_url(url: &str) -> Result<Url, SyncError> {
    let parsed = Url::parse(url).map_err(|_| SyncError::BadUrl)?;
    if !parsed.username().is_empty() || parsed.password().is_some() || parsed.query().is_some() {
        return Err(SyncError::BadUrl);
    }
    let Some(host) = parsed.host_str() else { return Err(SyncError::BadUrl) };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback_host(host) => Ok(parsed),
        "http" => Err(SyncError::InsecureUrl),
        _ => Err(SyncError::BadUrl),
    }
}

/// `localhost`, `127.0.0.0/8` or `[::1]`, as the URL parser prints hosts.
fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A client of one hub. Holds the session token (zeroized when replaced or dropped).
pub struct HubClient {
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
    token: RwLock<Option<Secret>>,
    /// Unix time (s) of the last successful answer from the hub; 0: none yet.
    last_contact: AtomicI64,
}

impl std::fmt::Debug for HubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubClient({}, signed in: {})", self.base, self.is_signed_in())
    }
}

fn install_crypto_provider() {
    // reqwest is built without a bundled provider (no aws-lc); ring is the process default,
    // as in the hub. Installing fails harmlessly when someone installed one first.
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn transport(e: &reqwest::Error) -> SyncError {
    if is_certificate_refusal(e) {
        return SyncError::UntrustedCertificate;
    }
    let reason = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "transport"
    };
    SyncError::Unavailable { reason: reason.into() }
}

/// Whether rustls refused the hub's certificate somewhere down the error's chain. The rustls
/// error travels inside `io::Error`s (two, nested), whose `source()` skips the error they wrap,
/// so those are stepped into instead.
fn is_certificate_refusal(e: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        if matches!(err.downcast_ref::<rustls::Error>(), Some(rustls::Error::InvalidCertificate(_)))
        {
            return true;
        }
        next = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    false
}

async fn error_of(resp: reqwest::Response) -> SyncError {
    let status = resp.status();
    let body = resp.bytes().await.unwrap_or_default();
    match serde_json::from_slice::<ApiError>(&body) {
        Ok(api) => {
            // The code and rule only: the message is the hub's prose.
            tracing::debug!(status = status.as_u16(), error = %api.log_code(), "hub refused");
            SyncError::from_api(&api)
        }
        Err(_) if status.is_server_error() => {
            SyncError::Unavailable { reason: format!("status {}", status.as_u16()) }
        }
        Err(_) if status == StatusCode::UNAUTHORIZED => SyncError::Unauthorized,
        Err(_) if status == StatusCode::TOO_MANY_REQUESTS => SyncError::RateLimited,
        Err(_) => SyncError::Protocol { what: "error without an error body" },
    }
}

impl HubClient {
    /// A client for `config.base_url`; refuses plain HTTP to anything but loopback.
    pub fn new(config: ClientConfig) -> Result<HubClient, SyncError> {
        let base = check_base_url(&config.base_url)?;
        install_crypto_provider();
        let mut headers = reqwest::header::HeaderMap::new();
        let version = reqwest::header::HeaderValue::from_str(&config.client_version)
            .map_err(|_| SyncError::ClientSetup)?;
        headers.insert(kyc_proto::CLIENT_VERSION_HEADER, version);
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .https_only(base.scheme() == "https")
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers);
        // Corporate networks: the system's proxy settings (reqwest reads the environment),
        // or one given explicitly; tunnelled with CONNECT, so TLS stays end to end.
        builder = match &config.proxy {
            Some(proxy) => builder
                .proxy(reqwest::Proxy::all(proxy.as_str()).map_err(|_| SyncError::ClientSetup)?),
            None if config.use_system_proxy => builder,
            None => builder.no_proxy(),
        };
        for pem in &config.extra_roots_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|_| SyncError::ClientSetup)?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|_| SyncError::ClientSetup)?;
        Ok(HubClient {
            http,
            base,
            config,
            token: RwLock::new(None),
            last_contact: AtomicI64::new(0),
        })
    }

    /// The hub's base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Whether a session token is held.
    pub fn is_signed_in(&self) -> bool {
        self.token.read().unwrap_or_else(PoisonError::into_inner).is_some()
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(path);
        url
    }

    fn token(&self) -> Result<Secret, SyncError> {
        self.token
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(SyncError::Unauthorized)
    }

    fn forget_token(&self) {
        *self.token.write().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// When this client last had a successful answer from the hub (any call), if ever.
    pub fn last_contact(&self) -> Option<OffsetDateTime> {
        match self.last_contact.load(Ordering::Relaxed) {
            0 => None,
            secs => OffsetDateTime::from_unix_timestamp(secs).ok(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, SyncError> {
        let resp = req.send().await.map_err(|e| transport(&e))?;
        if resp.status().is_success() {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            self.last_contact.fetch_max(now, Ordering::Relaxed);
            Ok(resp)
        } else {
            let err = error_of(resp).await;
            if matches!(err, SyncError::Unauthorized | SyncError::AccountRevoked) {
                self.forget_token();
            }
            Err(err)
        }
    }

    pub(crate) async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, SyncError> {
        self.call_at(method, self.url(path), body).await
    }

    /// A `GET` with a query string (the supervisor's filters).
    pub(crate) async fn get_query<Q: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        query: &Q,
    ) -> Result<T, SyncError> {
        self.call_at::<(), T>(Method::GET, self.query_url(path, query)?, None).await
    }

    /// The hub address of `path` with `query` as its query string.
    fn query_url<Q: Serialize>(&self, path: &str, query: &Q) -> Result<Url, SyncError> {
        let mut url = self.url(path);
        let qs = serde_urlencoded::to_string(query)
            .map_err(|_| SyncError::Protocol { what: "query string" })?;
        url.set_query((!qs.is_empty()).then_some(qs.as_str()));
        Ok(url)
    }

    /// A `GET` with a query string whose answer is text (the statistics' CSV), at most
    /// `max_bytes` long.
    pub(crate) async fn get_query_text<Q: Serialize>(
        &self,
        path: &str,
        query: &Q,
        max_bytes: usize,
    ) -> Result<String, SyncError> {
        let url = self.query_url(path, query)?;
        let token = self.token()?;
        let resp = self.send(self.http.get(url).bearer_auth(token.expose())).await?;
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        if bytes.len() > max_bytes {
            return Err(SyncError::Protocol { what: "response too large" });
        }
        String::from_utf8(bytes.to_vec()).map_err(|_| SyncError::Protocol { what: "response body" })
    }

    async fn call_at<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, SyncError> {
        let token = self.token()?;
        let mut req = self.http.request(method, url).bearer_auth(token.expose());
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = self.send(req).await?;
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        serde_json::from_slice(&bytes).map_err(|_| SyncError::Protocol { what: "response body" })
    }

    /// The cheapest key derivation this client accepts (see [`ClientConfig::kdf_floor`]).
    pub fn kdf_floor(&self) -> KdfParams {
        self.config.kdf_floor
    }

    fn keep_token(&self, login: &LoginResponse) {
        *self.token.write().unwrap_or_else(PoisonError::into_inner) = Some(login.token.clone());
    }

    /// Asks how to derive the account's keys. Does not check the answer against the floor
    /// ([`crate::sign_in`] does).
    pub async fn prelogin(&self, username: &str) -> Result<KdfSpec, SyncError> {
        let body = PreloginRequest { username: username.to_owned() };
        let resp = self.send(self.http.post(self.url(routes::PRELOGIN)).json(&body)).await?;
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        let answer: PreloginResponse = serde_json::from_slice(&bytes)
            .map_err(|_| SyncError::Protocol { what: "prelogin response" })?;
        Ok(answer.kdf)
    }

    /// `GET /healthz`: the hub's API version and the oldest client it accepts, checked
    /// against this client: [`SyncError::HubOutdated`] or [`SyncError::UpdateRequired`].
    pub async fn check_compatible(&self) -> Result<kyc_proto::Health, SyncError> {
        let resp = self.send(self.http.get(self.url(routes::HEALTHZ))).await?;
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        let health: kyc_proto::Health = serde_json::from_slice(&bytes)
            .map_err(|_| SyncError::Protocol { what: "health response" })?;
        if health.api_version < self.config.min_hub_api_version {
            return Err(SyncError::HubOutdated { api_version: health.api_version });
        }
        let ours = kyc_proto::parse_version(&self.config.client_version);
        let min = health.min_client_version.as_deref().and_then(kyc_proto::parse_version);
        if let (Some(ours), Some(min)) = (ours, min)
            && ours < min
        {
            return Err(SyncError::UpdateRequired);
        }
        Ok(health)
    }

    /// Signs in with an already derived hub key; the token is kept for later calls.
    pub async fn login_with_key(
        &self,
        username: &str,
        auth_key: &AuthKey,
    ) -> Result<LoginResponse, SyncError> {
        let body = LoginRequest { username: username.to_owned(), auth_key: auth_key.to_secret() };
        let resp = self.send(self.http.post(self.url(routes::LOGIN)).json(&body)).await?;
        let bytes = resp.bytes().await.map_err(|e| transport(&e))?;
        let login: LoginResponse = serde_json::from_slice(&bytes)
            .map_err(|_| SyncError::Protocol { what: "login response" })?;
        self.keep_token(&login);
        Ok(login)
    }

    /// Signs in with a password: prelogin, one key derivation off the async runtime, login.
    /// The token is kept for later calls. [`crate::sign_in`] also returns the derived keys.
    pub async fn login(
        &self,
        username: &str,
        password: &Secret,
    ) -> Result<LoginResponse, SyncError> {
        Ok(crate::sign_in(self, username, password).await?.login().clone())
    }

    /// The hub half of a password change: proves the current key, sets the new one. Every
    /// session of the account ends; the new session's token is kept. [`crate::change_password`]
    /// also re-keys the vault.
    pub async fn change_password(
        &self,
        current: &AuthKey,
        new: &AuthKey,
        new_kdf: KdfSpec,
    ) -> Result<LoginResponse, SyncError> {
        let body = PasswordChangeRequest {
            current_auth_key: current.to_secret(),
            new_auth_key: new.to_secret(),
            new_kdf,
        };
        let login: LoginResponse = self.call(Method::POST, routes::PASSWORD, Some(&body)).await?;
        self.keep_token(&login);
        Ok(login)
    }

    /// Deposits (replacing) the recovery key of vault `vault_id` with the hub, for this account.
    pub async fn put_recovery_key(
        &self,
        vault_id: &str,
        key: &RecoveryKey,
    ) -> Result<(), SyncError> {
        let token = self.token()?;
        let body = VaultRecoveryKey { recovery_key: key.to_secret() };
        let req = self
            .http
            .put(self.url(&routes::vault_recovery(vault_id)))
            .bearer_auth(token.expose())
            .json(&body);
        self.send(req).await.map(|_| ())
    }

    /// Has the hub release this account's recovery key of vault `vault_id` (audited there).
    pub async fn release_recovery_key(&self, vault_id: &str) -> Result<RecoveryKey, SyncError> {
        let path = routes::vault_recovery_release(vault_id);
        let answer: VaultRecoveryKey = match self.call::<(), _>(Method::POST, &path, None).await {
            Err(SyncError::Hub { code: ErrorCode::NotFound }) => {
                return Err(SyncError::RecoveryUnavailable);
            }
            other => other?,
        };
        RecoveryKey::from_secret(&answer.recovery_key)
            .map_err(|_| SyncError::Protocol { what: "recovery key" })
    }

    /// Ends the session on the hub and forgets the token (forgotten even if the hub is
    /// unreachable: the session then dies by its idle timeout).
    pub async fn logout(&self) -> Result<(), SyncError> {
        let token = self.token()?;
        self.forget_token();
        let req = self.http.post(self.url(routes::LOGOUT)).bearer_auth(token.expose());
        self.send(req).await.map(|_| ())
    }

    /// The signed-in account.
    pub async fn me(&self) -> Result<Me, SyncError> {
        self.call::<(), Me>(Method::GET, routes::ME, None).await
    }

    /// Leases up to `max_cases` (1..=50) cases.
    pub async fn lease(&self, max_cases: u32) -> Result<LeaseGrant, SyncError> {
        self.lease_for(max_cases, false).await
    }

    /// Leases up to `max_cases` (1..=50) cases; `offline`: for offline work, with the
    /// policy's longer offline leases.
    pub async fn lease_for(&self, max_cases: u32, offline: bool) -> Result<LeaseGrant, SyncError> {
        let body = LeaseRequest { max_cases, kind: None, offline };
        self.call(Method::POST, routes::LEASES, Some(&body)).await
    }

    /// The hub's policy for workstations (offline limits, idle-lock bounds).
    pub async fn client_policy(&self) -> Result<ClientPolicy, SyncError> {
        self.call::<(), ClientPolicy>(Method::GET, routes::POLICY_CLIENT, None).await
    }

    /// Renews the leases on `case_ids` (1..=200).
    pub async fn renew(&self, case_ids: Vec<CaseId>) -> Result<RenewResponse, SyncError> {
        self.call(Method::POST, routes::LEASES_RENEW, Some(&RenewRequest { case_ids })).await
    }

    /// Gives `case_ids` (1..=200) back undecided.
    pub async fn release(&self, case_ids: Vec<CaseId>) -> Result<ReleaseResponse, SyncError> {
        self.call(Method::POST, routes::LEASES_RELEASE, Some(&ReleaseRequest { case_ids })).await
    }

    /// Reports that a leased case's media could not be used. The hub re-checks the stored bytes
    /// itself: confirmed, the case leaves the queue (and the caller's lease ends); refuted,
    /// nothing changes.
    pub async fn report_media_problem(
        &self,
        case_id: &CaseId,
        report: &MediaProblemReport,
    ) -> Result<MediaProblemResponse, SyncError> {
        self.call(Method::POST, &routes::case_media_problem(case_id), Some(report)).await
    }

    /// Pushes decisions (1..=100).
    pub async fn push_decisions(
        &self,
        batch: &DecisionBatch,
    ) -> Result<DecisionBatchResult, SyncError> {
        self.call(Method::POST, routes::DECISIONS, Some(batch)).await
    }

    /// Pushes audit events (1..=500).
    pub async fn push_audit(&self, batch: &AuditBatch) -> Result<AuditAck, SyncError> {
        self.call(Method::POST, routes::AUDIT_EVENTS, Some(batch)).await
    }

    /// Downloads one media object, refusing more bytes than the manifest declares and a digest
    /// header that disagrees with the manifest. `on_bytes` is called with each chunk's length.
    /// The caller verifies the digest of the bytes.
    pub async fn media(
        &self,
        manifest: &MediaManifest,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Vec<u8>, SyncError> {
        let token = self.token()?;
        let rate = self.config.min_media_rate.max(1);
        let timeout = self.config.request_timeout + Duration::from_secs(manifest.size / rate);
        let req = self
            .http
            .get(self.url(&routes::media(&manifest.id)))
            .bearer_auth(token.expose())
            .timeout(timeout);
        let mut resp = match self.send(req).await {
            Err(SyncError::Forbidden) => return Err(SyncError::LeaseLost),
            other => other?,
        };
        if resp.status() != StatusCode::OK {
            return Err(SyncError::Protocol { what: "media status" });
        }
        let header = resp.headers().get(DIGEST_HEADER).and_then(|v| v.to_str().ok());
        if header.is_some_and(|h| !h.eq_ignore_ascii_case(&manifest.sha256)) {
            return Err(SyncError::Integrity { media: manifest.id.clone() });
        }
        let cap =
            usize::try_from(manifest.size).map_err(|_| SyncError::Protocol { what: "size" })?;
        let mut bytes = Vec::with_capacity(cap);
        while let Some(chunk) = resp.chunk().await.map_err(|e| transport(&e))? {
            if bytes.len() + chunk.len() > cap {
                return Err(SyncError::Integrity { media: manifest.id.clone() });
            }
            bytes.extend_from_slice(&chunk);
            on_bytes(chunk.len() as u64);
        }
        if bytes.len() != cap {
            return Err(SyncError::Integrity { media: manifest.id.clone() });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        let table: &[(&str, Result<(), &str>)] = &[
            ("https://hub.example.com", Ok(())),
            ("https://10.0.0.1:8443", Ok(())),
            ("http://127.0.0.1:8080", Ok(())),
            ("http://127.5.5.5", Ok(())),
            ("http://[::1]:9000", Ok(())),
            ("http://localhost:9000", Ok(())),
            ("http://hub.example.com", Err("insecure")),
            ("http://10.0.0.1", Err("insecure")),
            ("http://[2001:db8::1]", Err("insecure")),
            ("http://localhost.evil.example", Err("insecure")),
            ("ftp://127.0.0.1", Err("bad")),
            ("https://user:pw@hub.example.com", Err("bad")),
            ("not a url", Err("bad")),
        ];
        for (url, expected) in table {
            let got = match check_base_url(url) {
                Ok(_) => Ok(()),
                Err(SyncError::InsecureUrl) => Err("insecure"),
                Err(SyncError::BadUrl) => Err("bad"),
                Err(e) => panic!("{url}: {e}"),
            };
            assert_eq!(&got, expected, "{url}");
        }
    }
}
