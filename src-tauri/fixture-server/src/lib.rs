//! A loopback HTTP/1.1 server for Broadsheet's tests and benchmarks.
//!
//! It owns a raw `TcpListener` and writes responses by hand, because the point is to
//! misbehave on purpose: lie about lengths, drip bytes, stall, never end. It serves
//! routes and fixture folders on loopback only and must never outlive its owner:
//! dropping a [`FixtureServer`] aborts the accept task and every connection task.
//! Every loop is bounded, so a client that stops reading cannot keep a task alive forever.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Largest request head accepted; a client sending more gets its connection closed.
const MAX_REQUEST_HEAD: usize = 64 * 1024;
/// Largest request body read (and kept) from a client.
const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// How long a client may take to send its request.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound on bytes written by the unbounded behaviours, so a task always ends.
const MAX_STREAMED_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// How long `Stall` keeps a connection open before giving up.
const STALL_LIMIT: Duration = Duration::from_secs(120);
/// Size of each write when streaming large or endless bodies.
const STREAM_CHUNK: usize = 64 * 1024;
/// Requests kept for `requests()`; hit counts stay exact beyond it.
const MAX_RECORDED_REQUESTS: usize = 100_000;

/// A request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, with its query string.
    pub path: String,
    /// Header names lowercased, values as sent, in order.
    pub headers: Vec<(String, String)>,
    /// The request body (at most 1 MB is kept).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query string.
    pub fn path_without_query(&self) -> &str {
        strip_query(&self.path)
    }
}

/// How the server delivers a [`Reply`]; everything but `Normal` is a misbehaviour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Honest `Content-Length`, then the body, then close.
    Normal,
    /// Wait, then behave normally (a slow but honest server).
    Delay(Duration),
    /// Chunked transfer that never ends: the body (or `a` bytes) repeated until the client leaves.
    Endless,
    /// Claim `claimed` bytes in `Content-Length`, send `actual` bytes (the body repeated), then close.
    /// `claimed == actual` is an honest but huge response.
    LyingLength { claimed: u64, actual: u64 },
    /// Slowloris: headers, then `bytes_per_tick` body bytes every `tick`.
    Drip {
        bytes_per_tick: usize,
        tick: Duration,
    },
    /// Announce the full length, send half the body, close.
    CloseMidBody,
    /// Send the headers, then nothing, holding the connection open.
    Stall,
    /// Ignore status and headers: write the body bytes as the whole raw response.
    Raw,
}

/// A canned response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// Extra headers; `Content-Length`/`Transfer-Encoding`/`Connection` are added by the server.
    pub headers: Vec<(String, String)>,
    /// The body (or the repeated unit for streaming behaviours).
    pub body: Vec<u8>,
    /// How the reply is delivered.
    pub behaviour: Behaviour,
}

impl Reply {
    /// A 200 with a content type and body.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", content_type)
            .body(body)
    }

    /// An empty response with the given status.
    pub fn status(code: u16) -> Reply {
        Reply {
            status: code,
            headers: Vec::new(),
            body: Vec::new(),
            behaviour: Behaviour::Normal,
        }
    }

    /// A redirect (301, 302, 303, 307, 308) to `location`, sent verbatim.
    pub fn redirect(code: u16, location: &str) -> Reply {
        Reply::status(code).header("Location", location)
    }

    /// A raw response: these exact bytes are written and the connection is closed.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200).body(bytes).behaviour(Behaviour::Raw)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Sets how the reply is delivered.
    pub fn behaviour(mut self, behaviour: Behaviour) -> Reply {
        self.behaviour = behaviour;
        self
    }
}

type ReplyFn = dyn Fn(&Request) -> Reply + Send + Sync + 'static;

#[derive(Clone)]
enum Route {
    Fixed(Reply),
    Computed(Arc<ReplyFn>),
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    dirs: Vec<(String, PathBuf)>,
    hits: HashMap<String, usize>,
    total_hits: usize,
    requests: Vec<Request>,
}

struct Shared {
    state: Mutex<State>,
    active: AtomicUsize,
    peak: AtomicUsize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking route closure must not wedge every later test assertion.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A loopback HTTP server; it stops when dropped.
pub struct FixtureServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        self.accept_task.abort();
    }
}

impl FixtureServer {
    /// Starts a server on 127.0.0.1 with an ephemeral port.
    pub async fn start() -> std::io::Result<FixtureServer> {
        FixtureServer::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), 0).await
    }

    /// Starts a server on a given address, e.g. 127.0.0.7 (all of 127/8 is loopback on Linux).
    pub async fn start_on(ip: IpAddr, port: u16) -> std::io::Result<FixtureServer> {
        let listener = TcpListener::bind(SocketAddr::new(ip, port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            active: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        });
        let accept_task = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(FixtureServer {
            addr,
            shared,
            accept_task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of `path` on this server, e.g. `http://127.0.0.1:PORT/feed.xml`.
    pub fn url(&self, path: &str) -> String {
        let path = path.strip_prefix('/').unwrap_or(path);
        format!("http://{}/{}", self.addr, path)
    }

    /// Serves `reply` at `path` (exact match; a route with a query string wins over one without).
    pub fn route(&self, path: &str, reply: Reply) {
        self.shared
            .lock()
            .routes
            .insert(path.to_owned(), Route::Fixed(reply));
    }

    /// Serves the reply computed by `f` at `path`.
    pub fn route_fn(&self, path: &str, f: impl Fn(&Request) -> Reply + Send + Sync + 'static) {
        self.shared
            .lock()
            .routes
            .insert(path.to_owned(), Route::Computed(Arc::new(f)));
    }

    /// Serves files under `dir` at `prefix` (e.g. `/feeds/`), content type by extension.
    pub fn serve_dir(&self, prefix: &str, dir: impl Into<PathBuf>) {
        self.shared
            .lock()
            .dirs
            .push((prefix.to_owned(), dir.into()));
    }

    /// How many requests asked for `path` (compared with and without the query string).
    pub fn hits(&self, path: &str) -> usize {
        self.shared.lock().hits.get(path).copied().unwrap_or(0)
    }

    /// How many requests the server has read.
    pub fn total_hits(&self) -> usize {
        self.shared.lock().total_hits
    }

    /// The requests read so far, oldest first (the first 100 000).
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// The most requests served at the same time, each counted from when it was read until its reply
    /// started going out.
    pub fn peak_concurrency(&self) -> usize {
        self.shared.peak.load(Ordering::SeqCst)
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => {
                        connections.spawn(serve_connection(stream, shared.clone()));
                    }
                    // Running out of file descriptors is transient; back off instead of spinning.
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
            // Reap finished tasks so a long benchmark does not accumulate them.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Counts a connection as active for as long as it lives.
struct ActiveGuard(Arc<Shared>);

impl ActiveGuard {
    fn new(shared: Arc<Shared>) -> ActiveGuard {
        let now = shared.active.fetch_add(1, Ordering::SeqCst) + 1;
        shared.peak.fetch_max(now, Ordering::SeqCst);
        ActiveGuard(shared)
    }
}

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let request = match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_request(&mut stream)).await
    {
        Ok(Some(request)) => request,
        _ => return,
    };
    let active = ActiveGuard::new(shared.clone());
    let reply = record_and_route(&shared, &request).await;
    if let Behaviour::Delay(wait) = reply.behaviour {
        tokio::time::sleep(wait).await;
    }
    // A request counts as being served until its reply starts going out: from the first byte
    // written, the client may finish with it and start the next one before this task runs again,
    // and counting that tail would report an overlap the client never caused.
    drop(active);
    // Write errors mean the client went away, which is what clients of a hostile server do.
    let _ = write_reply(&mut stream, &request, reply).await;
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_REQUEST_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut request = Request {
        method,
        path,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    let wanted = request
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST_BODY);
    while request.body.len() < wanted {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        request.body.extend_from_slice(&chunk[..n]);
    }
    request.body.truncate(wanted);
    Some(request)
}

async fn record_and_route(shared: &Shared, request: &Request) -> Reply {
    let found = {
        let mut state = shared.lock();
        state.total_hits += 1;
        *state.hits.entry(request.path.clone()).or_default() += 1;
        let bare = request.path_without_query();
        if bare != request.path {
            *state.hits.entry(bare.to_owned()).or_default() += 1;
        }
        if state.requests.len() < MAX_RECORDED_REQUESTS {
            state.requests.push(request.clone());
        }
        let route = state
            .routes
            .get(&request.path)
            .or_else(|| state.routes.get(bare))
            .cloned();
        match route {
            Some(route) => Ok(route),
            None => Err(state.dirs.clone()),
        }
    };
    match found {
        Ok(Route::Fixed(reply)) => reply,
        Ok(Route::Computed(f)) => f(request),
        Err(dirs) => serve_file(&dirs, request.path_without_query()).await,
    }
}

async fn serve_file(dirs: &[(String, PathBuf)], path: &str) -> Reply {
    for (prefix, dir) in dirs {
        let Some(rest) = path.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let relative = Path::new(rest.trim_start_matches('/'));
        // Only plain names: `..` or an absolute path would escape the fixture folder.
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Reply::status(404);
        }
        if let Ok(body) = tokio::fs::read(dir.join(relative)).await {
            return Reply::ok(content_type_for(relative), body);
        }
    }
    Reply::status(404)
}

/// The content type the server sends for a file, by extension.
pub fn content_type_for(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "json" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head(reply: &Reply, framing: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        reply.status,
        reason_phrase(reply.status)
    );
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(framing);
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

async fn write_reply(
    stream: &mut TcpStream,
    request: &Request,
    reply: Reply,
) -> std::io::Result<()> {
    let is_head = request.method.eq_ignore_ascii_case("HEAD");
    let length = format!("Content-Length: {}\r\n", reply.body.len());
    match reply.behaviour.clone() {
        // The delay has already passed in `serve_connection`.
        Behaviour::Normal | Behaviour::Delay(_) => {
            stream.write_all(&head(&reply, &length)).await?;
            if !is_head {
                stream.write_all(&reply.body).await?;
            }
        }
        Behaviour::Raw => stream.write_all(&reply.body).await?,
        Behaviour::Endless => {
            stream
                .write_all(&head(&reply, "Transfer-Encoding: chunked\r\n"))
                .await?;
            let unit = streaming_unit(&reply.body);
            let chunk = [
                format!("{:x}\r\n", unit.len()).into_bytes(),
                unit,
                b"\r\n".to_vec(),
            ]
            .concat();
            let mut sent = 0u64;
            while sent < MAX_STREAMED_BYTES {
                stream.write_all(&chunk).await?;
                sent += chunk.len() as u64;
            }
        }
        Behaviour::LyingLength { claimed, actual } => {
            let framing = format!("Content-Length: {claimed}\r\n");
            stream.write_all(&head(&reply, &framing)).await?;
            let unit = streaming_unit(&reply.body);
            let mut left = actual.min(MAX_STREAMED_BYTES);
            while left > 0 {
                let n = (unit.len() as u64).min(left) as usize;
                stream.write_all(&unit[..n]).await?;
                left -= n as u64;
            }
        }
        Behaviour::Drip {
            bytes_per_tick,
            tick,
        } => {
            stream.write_all(&head(&reply, &length)).await?;
            for piece in reply.body.chunks(bytes_per_tick.max(1)) {
                tokio::time::sleep(tick).await;
                stream.write_all(piece).await?;
                stream.flush().await?;
            }
        }
        Behaviour::CloseMidBody => {
            stream.write_all(&head(&reply, &length)).await?;
            stream
                .write_all(&reply.body[..reply.body.len() / 2])
                .await?;
        }
        Behaviour::Stall => {
            stream.write_all(&head(&reply, &length)).await?;
            stream.flush().await?;
            tokio::time::sleep(STALL_LIMIT).await;
        }
    }
    stream.flush().await
}

/// The bytes a streaming behaviour repeats: the body, or 64 KB of `a` if the body is empty.
fn streaming_unit(body: &[u8]) -> Vec<u8> {
    if body.is_empty() {
        vec![b'a'; STREAM_CHUNK]
    } else {
        let repeats = (STREAM_CHUNK / body.len()).max(1);
        body.repeat(repeats)
    }
}

fn strip_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
