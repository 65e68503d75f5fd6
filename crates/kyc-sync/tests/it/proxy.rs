//! A fault-injecting HTTP/1.1 proxy on loopback, between a workstation and the hub. It reads
//! each request whole (Content-Length bodies, which is what the client and the hub send),
//! asks a rule what to do with it, and forwards it on a fresh upstream connection — or drops,
//! delays, resets after the hub answered, holds, or corrupts the answer. The upstream address
//! can change, so a hub restarted on another port stays behind the same proxy address.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward it and its answer.
    Pass,
    /// Close the client's connection (with a reset) without forwarding.
    Drop,
    /// Wait, then forward.
    Delay(Duration),
    /// Forward, let the hub answer, then reset the client's connection without the answer.
    ResetAfterHub,
    /// Report the request and never forward it (the client waits).
    HoldRequest,
    /// Forward, then report and never deliver the answer (the hub committed; the client waits).
    HoldResponse,
    /// Forward and flip one byte in the middle of the answer's body.
    CorruptBody,
}

/// The request line of one request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Number of this request through the proxy, from 0.
    pub n: u64,
}

type Rule = Box<dyn FnMut(&Request) -> Fault + Send>;

pub struct Proxy {
    pub addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    rule: Arc<Mutex<Rule>>,
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<Request>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let upstream = Arc::new(Mutex::new(upstream));
        let rule: Arc<Mutex<Rule>> = Arc::new(Mutex::new(Box::new(|_| Fault::Pass)));
        let (tx, rx) = mpsc::unbounded_channel();
        let counter = Arc::new(AtomicU64::new(0));
        let (up, r) = (upstream.clone(), rule.clone());
        tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else { continue };
                let (up, r, tx, counter) = (up.clone(), r.clone(), tx.clone(), counter.clone());
                tokio::spawn(async move {
                    let _ = serve(conn, up, r, tx, counter).await;
                });
            }
        });
        Proxy { addr, upstream, rule, events: tokio::sync::Mutex::new(rx) }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_upstream(&self, addr: SocketAddr) {
        *self.upstream.lock().unwrap() = addr;
    }

    pub fn set_rule(&self, rule: impl FnMut(&Request) -> Fault + Send + 'static) {
        *self.rule.lock().unwrap() = Box::new(rule);
    }

    /// The next held request (see [`Fault::HoldRequest`], [`Fault::HoldResponse`]).
    pub async fn next_hold(&self) -> Request {
        self.events.lock().await.recv().await.unwrap()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (k, v) = line.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Reads one whole message (head and Content-Length body); `None` at a clean end.
async fn read_message(
    s: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut tmp = vec![0u8; 64 * 1024];
    loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            let head = buf[..pos + 4].to_vec();
            let text = String::from_utf8_lossy(&head).into_owned();
            assert!(
                header(&text, "transfer-encoding").is_none(),
                "the test proxy handles Content-Length bodies only"
            );
            let len: usize = header(&text, "content-length").map_or(0, |v| v.parse().unwrap());
            while buf.len() < pos + 4 + len {
                let n = s.read(&mut tmp).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&tmp[..n]);
            }
            let body = buf[pos + 4..pos + 4 + len].to_vec();
            buf.drain(..pos + 4 + len);
            return Ok(Some((head, body)));
        }
        let n = s.read(&mut tmp).await?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
        buf.extend_from_slice(&tmp[..n]);
    }
}

fn reset(conn: TcpStream) {
    // A zero linger turns the close into a TCP reset.
    let _ = conn.set_zero_linger();
    drop(conn);
}

async fn serve(
    mut client: TcpStream,
    upstream: Arc<Mutex<SocketAddr>>,
    rule: Arc<Mutex<Rule>>,
    events: mpsc::UnboundedSender<Request>,
    counter: Arc<AtomicU64>,
) -> std::io::Result<()> {
    let mut cbuf = Vec::new();
    while let Some((head, body)) = read_message(&mut client, &mut cbuf).await? {
        let text = String::from_utf8_lossy(&head).into_owned();
        let mut parts = text.split_whitespace();
        let request = Request {
            method: parts.next().unwrap_or_default().to_owned(),
            path: parts.next().unwrap_or_default().to_owned(),
            n: counter.fetch_add(1, Ordering::SeqCst),
        };
        let fault = (rule.lock().unwrap())(&request);
        match fault {
            Fault::Drop => {
                reset(client);
                return Ok(());
            }
            Fault::HoldRequest => {
                let _ = events.send(request.clone());
                std::future::pending::<()>().await;
            }
            Fault::Delay(d) => tokio::time::sleep(d).await,
            _ => {}
        }
        let addr = *upstream.lock().unwrap();
        let mut up = match TcpStream::connect(addr).await {
            Ok(up) => up,
            Err(_) => {
                reset(client);
                return Ok(());
            }
        };
        up.write_all(&head).await?;
        up.write_all(&body).await?;
        let mut ubuf = Vec::new();
        let Some((rhead, mut rbody)) = read_message(&mut up, &mut ubuf).await? else {
            reset(client);
            return Ok(());
        };
        match fault {
            Fault::ResetAfterHub => {
                reset(client);
                return Ok(());
            }
            Fault::HoldResponse => {
                let _ = events.send(request.clone());
                std::future::pending::<()>().await;
            }
            Fault::CorruptBody if !rbody.is_empty() => {
                let mid = rbody.len() / 2;
                rbody[mid] ^= 0x5a;
            }
            _ => {}
        }
        client.write_all(&rhead).await?;
        client.write_all(&rbody).await?;
    }
    Ok(())
}
