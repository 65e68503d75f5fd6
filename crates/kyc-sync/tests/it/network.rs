//! Corporate networks and versions: a hub behind a private CA reached through an HTTPS proxy
//! (CONNECT), an app older than the hub accepts, and a hub older than the app needs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use kyc_sync::{CancellationToken, SyncError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

/// A forward proxy that only tunnels (`CONNECT host:port`), as corporate HTTPS proxies do;
/// counts the tunnels it opened to each target.
struct ConnectProxy {
    addr: SocketAddr,
    tunnels: Arc<AtomicU32>,
}

impl ConnectProxy {
    async fn start(only_to: SocketAddr) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tunnels = Arc::new(AtomicU32::new(0));
        let count = tunnels.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read_exact(&mut byte).await.is_err() || head.len() > 8192 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let line = String::from_utf8_lossy(&head);
                    let target = line.split_whitespace().nth(1).unwrap_or_default().to_owned();
                    if !line.starts_with("CONNECT ") || target != only_to.to_string() {
                        let _ = client.write_all(b"HTTP/1.1 403 Forbidden\r\n\r\n").await;
                        return;
                    }
                    let Ok(mut upstream) = TcpStream::connect(only_to).await else { return };
                    count.fetch_add(1, Ordering::SeqCst);
                    let _ = client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").await;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                });
            }
        });
        ConnectProxy { addr, tunnels }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_behind_a_private_ca_is_reached_through_a_corporate_proxy() {
    let certs = tempfile::tempdir().unwrap();
    let (tls, cert_pem) = self_signed_tls(certs.path(), &["127.0.0.1"]);
    let hub = Hub::start_with(|c| c.tls = Some(tls)).await;
    let cases = &synth_cases()[..1];
    hub.add_cases(&synth_as_cases(cases));
    let hub_addr: SocketAddr = hub.url().trim_start_matches("https://").parse().unwrap();
    let proxy = ConnectProxy::start(hub_addr).await;

    let data = tempfile::tempdir().unwrap();
    let mut config = client_config(&hub.url());
    config.extra_roots_pem = vec![cert_pem];
    config.proxy = Some(format!("http://{}", proxy.addr));
    let ws = workstation_with(config, data.path(), fast_options());
    sign_in(&ws, &hub).await.unwrap();
    let report = ws.pull(1, None, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.stored.len(), 1, "{:?}", report.failed);
    assert!(proxy.tunnels.load(Ordering::SeqCst) >= 1, "the calls went through the proxy");

    // The same hub without the proxy's route: a proxy that refuses the target fails the call
    // with a typed, transient error, and nothing else.
    let refusing = ConnectProxy::start("127.0.0.1:9".parse().unwrap()).await;
    let mut config = client_config(&hub.url());
    config.proxy = Some(format!("http://{}", refusing.addr));
    let other = tempfile::tempdir().unwrap();
    let ws = workstation_with(config, other.path(), fast_options());
    let err = sign_in(&ws, &hub).await.unwrap_err();
    assert!(err.is_transient(), "a proxy refusal is a network failure: {err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_older_than_the_hub_accepts_is_told_to_update() {
    let hub = Hub::start_with(|c| c.min_client_version = Some("2.0.0".into())).await;
    let data = tempfile::tempdir().unwrap();
    let mut config = client_config(&hub.url());
    config.client_version = "1.9.9".into();
    let old = workstation_with(config, data.path(), fast_options());
    let err = sign_in(&old, &hub).await.unwrap_err();
    assert!(matches!(err, SyncError::UpdateRequired), "{err:?}");

    // An old client that does not look at /healthz is refused by the login itself (426).
    let spec = old.client().prelogin(REVIEWER).await.unwrap();
    let key = kyc_keys::derive(&hub.password(REVIEWER), &spec).unwrap();
    let err = old.client().login_with_key(REVIEWER, &key.hub_auth_key()).await.unwrap_err();
    assert!(matches!(err, SyncError::UpdateRequired), "{err:?}");

    // The same version as the minimum signs in.
    let mut config = client_config(&hub.url());
    config.client_version = "2.0.0".into();
    let other = tempfile::tempdir().unwrap();
    let current = workstation_with(config, other.path(), fast_options());
    sign_in(&current, &hub).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_app_talking_to_an_older_hub_says_so() {
    let hub = Hub::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut config = client_config(&hub.url());
    config.min_hub_api_version = kyc_proto::API_VERSION + 1;
    let ws = workstation_with(config, data.path(), fast_options());
    let err = sign_in(&ws, &hub).await.unwrap_err();
    assert!(
        matches!(err, SyncError::HubOutdated { api_version } if api_version == kyc_proto::API_VERSION),
        "{err:?}"
    );
    assert!(!err.is_transient(), "retrying cannot help");
}
