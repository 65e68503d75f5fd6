//! Running the hub: binding, TLS, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::server::TlsStream;

use crate::api::{AppState, app};
use crate::config::{HubConfig, TlsFiles};
use crate::ops::OpsError;
use crate::store::StoreError;

/// Why the hub could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Plain HTTP was asked for on an address other machines can reach.
    #[error(
        "refusing to listen on non-loopback address {0} without TLS; pass --tls-cert and --tls-key"
    )]
    PlainHttpNotLoopback(SocketAddr),
    /// The data directory could not be opened.
    #[error(transparent)]
    DataDir(#[from] OpsError),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Binding the address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The certificate or key could not be read or used.
    #[error("TLS configuration: {0}")]
    Tls(&'static str),
    /// A startup task failed.
    #[error("startup task failed")]
    Task,
}

/// The peer address of a connection, plain or TLS.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, TcpListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// A listener that yields connections whose TLS handshake has completed. Handshakes run in
/// their own tasks, so one slow client cannot stall accepting others.
pub struct TlsListener {
    local: SocketAddr,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    acceptor_task: JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.acceptor_task.abort();
    }
}

impl TlsListener {
    fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let (tx, ready) = mpsc::channel(64);
        let acceptor_task = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    let handshake =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
                    match handshake.await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(Self { local, ready, acceptor_task })
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The acceptor task only ends when aborted; wait for shutdown.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, ServeError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert_pem)
        .map_err(|_| ServeError::Tls("cannot read the certificate file"))?
        .collect::<Result<_, _>>()
        .map_err(|_| ServeError::Tls("malformed certificate PEM"))?;
    if certs.is_empty() {
        return Err(ServeError::Tls("no certificate in the certificate file"));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key_pem)
        .map_err(|_| ServeError::Tls("cannot read a private key from the key file"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| ServeError::Tls("no usable protocol versions"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|_| ServeError::Tls("certificate and key do not form a usable pair"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// A hub running in the current tokio runtime.
#[derive(Debug)]
pub struct RunningHub {
    /// The bound address (the real port when the config asked for port 0).
    pub addr: SocketAddr,
    /// Whether it speaks TLS.
    pub tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    join: JoinHandle<std::io::Result<()>>,
}

impl RunningHub {
    /// `http://addr` or `https://addr`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", if self.tls { "https" } else { "http" }, self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits until the server task and
    /// its store are gone (so the data directory can be reopened at once).
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops (it stops only through [`RunningHub::shutdown`] or a
    /// failure).
    pub async fn wait(self) -> std::io::Result<()> {
        match self.join.await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    /// A handle that triggers shutdown from elsewhere (for example a signal handler).
    pub fn shutdown_trigger(&mut self) -> Option<oneshot::Sender<()>> {
        self.shutdown.take()
    }
}

/// Opens the data directory (SQLite store, hub key, media), binds `config.listen` and serves
/// until shut down. Refuses a non-loopback address without TLS.
pub async fn serve(config: HubConfig) -> Result<RunningHub, ServeError> {
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        return Err(ServeError::PlainHttpNotLoopback(config.listen));
    }
    let open_config = config.clone();
    let state = tokio::task::spawn_blocking(move || AppState::open(&open_config))
        .await
        .map_err(|_| ServeError::Task)??;
    serve_state(config, state).await
}

/// Serves an already built state (another [`crate::store::Store`] backend, for example);
/// `config.data_dir` is not used. Same transport rules as [`serve`].
pub async fn serve_state(config: HubConfig, state: AppState) -> Result<RunningHub, ServeError> {
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        return Err(ServeError::PlainHttpNotLoopback(config.listen));
    }
    let acceptor = config.tls.as_ref().map(tls_acceptor).transpose()?;
    let tcp = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Bind { addr: config.listen, source })?;
    let addr =
        tcp.local_addr().map_err(|source| ServeError::Bind { addr: config.listen, source })?;
    let purge_task = config.purge_interval.map(|every| {
        let state = state.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                // Failures are logged inside; the next tick tries again.
                let _ = state.purge_now().await;
            }
        })
    });
    let router = app(state);
    let (tx, rx) = oneshot::channel::<()>();
    let signal = async move {
        let _ = rx.await;
    };
    let tls = acceptor.is_some();
    let join = match acceptor {
        None => {
            let service = router.into_make_service_with_connect_info::<PeerAddr>();
            tokio::spawn(
                async move { axum::serve(tcp, service).with_graceful_shutdown(signal).await },
            )
        }
        Some(acceptor) => {
            let listener = TlsListener::new(tcp, acceptor)
                .map_err(|source| ServeError::Bind { addr: config.listen, source })?;
            let service = router.into_make_service_with_connect_info::<PeerAddr>();
            tokio::spawn(async move {
                axum::serve(listener, service).with_graceful_shutdown(signal).await
            })
        }
    };
    // The purge task holds the state (and so the store): it ends with the server.
    let join = tokio::spawn(async move {
        let result = join.await;
        if let Some(task) = purge_task {
            task.abort();
            let _ = task.await;
        }
        result.unwrap_or_else(|e| Err(std::io::Error::other(e)))
    });
    tracing::info!(%addr, tls, "hub listening");
    Ok(RunningHub { addr, tls, shutdown: Some(tx), join })
}
