//! The HTTP policy: one place decides timeouts, caps, redirects and which addresses may be reached.
//!
//! Every byte the engine downloads goes through [`Fetcher::fetch`]: feeds, article pages
//! and images. It owns the connection limits (global and per host), the total deadline,
//! the body caps (counted after decompression), redirect following (http/https only, a
//! bounded number of hops, the address policy re-checked on each hop), conditional GET
//! and the reading of 429/503 `Retry-After`, and which Content-Types a feed or a page is
//! accepted under. It must never send cookies or a Referer, never use a system proxy (the
//! address check would then be meaningless), never follow a redirect from https to http, and
//! never reach a loopback, private or link-local address the request's [`Reach`] does not allow.
//! A password travels only as the `Authorization` header a caller hands over with
//! [`Fetcher::fetch_signed_in`], to its own origin: never from `user:password@` in an address
//! (a fetched URL, and so every error and log line, never holds one).

mod address;
mod call;
mod content_type;
mod failure;
mod redirect;

use crate::credentials::{take_userinfo, SiteCredential};
use crate::error_kind::ErrorKind;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use reqwest::{Client, Response, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

pub use address::{address_class, AddressClass, Reach};
use address::{check_literal, ReachResolver};
pub use call::{ApiAnswer, ApiRequest};
use content_type::{feed_verdict, media_type, page_verdict, sniffs_as_markup_or_json, TypeVerdict};
pub(crate) use failure::error_chain;
use failure::transport_error;
pub use redirect::is_downgrade;
use redirect::{is_followed_redirect, redirect_target};

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "Broadsheet/",
    env!("CARGO_PKG_VERSION"),
    " (desktop news reader)"
);

const MB: u64 = 1024 * 1024;

/// The cap on a feed's icon: a sidebar picture of 16 pixels has no business being larger.
pub const ICON_CAP: u64 = 256 * 1024;

/// Limits and identity of the fetcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchConfig {
    /// Longest wait for a TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest time for a whole fetch, redirects and body included, once it has its connection slots.
    pub total_timeout: Duration,
    /// Most requests in flight at once, all hosts together.
    pub max_in_flight: usize,
    /// Most requests in flight at once to one host and port.
    pub max_per_host: usize,
    /// Most redirects followed before giving up.
    pub max_redirects: usize,
    /// The User-Agent header.
    pub user_agent: String,
    /// Body size caps by kind.
    pub caps: BodyCaps,
    /// Names answered with these addresses instead of DNS, for tests that need a name on
    /// loopback; the reach filter applies to them as to any DNS answer. Empty in the app.
    pub pinned_hosts: Vec<(String, IpAddr)>,
    /// Certificates (PEM) trusted besides the system's, for tests' loopback https servers.
    /// Empty in the app.
    pub extra_root_certificates: Vec<String>,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_in_flight: 16,
            max_per_host: 2,
            max_redirects: 5,
            user_agent: USER_AGENT.to_owned(),
            caps: BodyCaps::default(),
            pinned_hosts: Vec::new(),
            extra_root_certificates: Vec::new(),
        }
    }
}

/// Largest accepted body, in decompressed bytes, for each kind of fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyCaps {
    /// Feed documents.
    pub feed: u64,
    /// Article pages.
    pub page: u64,
    /// Images.
    pub image: u64,
}

impl Default for BodyCaps {
    fn default() -> BodyCaps {
        BodyCaps {
            feed: 10 * MB,
            page: 5 * MB,
            image: 15 * MB,
        }
    }
}

impl BodyCaps {
    /// The cap for a kind of body.
    pub fn limit(&self, kind: BodyKind) -> u64 {
        match kind {
            BodyKind::Feed => self.feed,
            BodyKind::Page => self.page,
            BodyKind::Image => self.image,
            BodyKind::Icon => self.image.min(ICON_CAP),
        }
    }
}

/// What is being fetched; decides the cap and the Accept header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// A feed document (RSS, Atom, RDF, JSON Feed).
    Feed,
    /// A web page (article or feed discovery).
    Page,
    /// An image.
    Image,
    /// A feed's icon: an image under a much smaller cap ([`ICON_CAP`]).
    Icon,
}

impl BodyKind {
    /// What a body of this kind is, for an error about a body that is something else.
    fn expected(self) -> &'static str {
        match self {
            BodyKind::Feed => "a feed (XML or JSON) or a web page",
            BodyKind::Page => "a web page (text/html)",
            BodyKind::Image | BodyKind::Icon => "a picture",
        }
    }

    fn accept(self) -> &'static str {
        match self {
            BodyKind::Feed => "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
            BodyKind::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
            BodyKind::Image => "image/avif, image/webp, image/png, image/jpeg, image/gif, image/*;q=0.8",
            // No SVG: an icon is kept only if it is a raster picture.
            BodyKind::Icon => "image/png, image/x-icon, image/vnd.microsoft.icon, image/gif, image/webp, image/jpeg, image/*;q=0.5",
        }
    }
}

/// One fetch: what, how far it may reach, and the validators of the copy we already have.
#[derive(Clone, Copy, Debug)]
pub struct FetchRequest<'a> {
    /// The URL to fetch (http or https).
    pub url: &'a Url,
    /// What kind of body is expected.
    pub kind: BodyKind,
    /// Which non-public addresses this fetch may reach (on every hop).
    pub reach: Reach,
    /// The ETag of the stored copy, sent as If-None-Match.
    pub etag: Option<&'a str>,
    /// The Last-Modified of the stored copy, sent as If-Modified-Since.
    pub last_modified: Option<&'a str>,
}

impl<'a> FetchRequest<'a> {
    /// An unconditional fetch of `url` reaching public addresses only.
    pub fn new(url: &'a Url, kind: BodyKind) -> FetchRequest<'a> {
        FetchRequest {
            url,
            kind,
            reach: Reach::PUBLIC,
            etag: None,
            last_modified: None,
        }
    }
}

/// What a successful fetch produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    /// The server answered 304: the stored copy is current.
    NotModified {
        /// The URL after redirects.
        final_url: Url,
    },
    /// A 2xx response and its body.
    Fetched(FetchedBody),
}

/// A 2xx response with its decompressed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedBody {
    /// The URL after redirects (relative links resolve against it).
    pub final_url: Url,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The Content-Type header, as sent.
    pub content_type: Option<String>,
    /// The ETag header, to send back next time.
    pub etag: Option<String>,
    /// The Last-Modified header, to send back next time.
    pub last_modified: Option<String>,
    /// The decompressed body, at most the cap for its kind.
    pub body: Vec<u8>,
}

/// Whether `url` is a web address: http or https, the only schemes the engine fetches, keeps
/// or links to. Everything else (javascript:, data:, file:, mailto:) is not a web address.
pub fn is_web_url(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// `url` as shown in errors and logs: without its `user:password@`.
pub fn redacted(url: &Url) -> String {
    without_userinfo(url).to_string()
}

fn without_userinfo(url: &Url) -> Url {
    take_userinfo(url).0
}

/// `raw` (surrounding whitespace trimmed) resolved against `base`, if that is a web address.
pub fn join_web_url(base: &Url, raw: &str) -> Option<Url> {
    let url = base.join(raw.trim()).ok()?;
    is_web_url(&url).then_some(url)
}

/// The `charset` parameter of a Content-Type value (`text/html; charset="utf-8"`), unquoted;
/// `None` when there is none or it is empty. Feeds and pages read the server's word with it.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("charset") {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            (!value.is_empty()).then_some(value)
        } else {
            None
        }
    })
}

/// Why a fetch failed; every variant names the URL it was about.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL cannot be fetched as written (e.g. it has no host).
    #[error("fetch: invalid URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// Only http and https are fetched.
    #[error("fetch: unsupported scheme {scheme:?} in {url} (only http and https are fetched)")]
    UnsupportedScheme { url: String, scheme: String },
    /// The address policy refused the host or what it resolves to.
    #[error("fetch: blocked {url}: {reason}")]
    Blocked { url: String, reason: String },
    /// A name resolves to the local network, which this feed was not allowed to reach (the
    /// reason says how to allow it).
    #[error("fetch: blocked {url}: {reason}")]
    LocalNetwork { url: String, reason: String },
    /// The connection or the whole fetch took too long.
    #[error("fetch: timed out fetching {url}")]
    Timeout { url: String },
    /// No connection could be made.
    #[error("fetch: cannot connect to {url}: {detail}")]
    Connect { url: String, detail: String },
    /// More redirects than allowed.
    #[error("fetch: too many redirects from {url} (more than {limit})")]
    TooManyRedirects { url: String, limit: usize },
    /// A redirect without a usable Location (missing, unparsable, or not http/https).
    #[error("fetch: bad redirect from {url} to {location:?}: {reason}")]
    BadRedirect {
        url: String,
        location: String,
        reason: String,
    },
    /// A redirect from https to http: the feed would be read over plain text from then on.
    #[error(
        "fetch: refused the redirect from {url} to {location}: it leaves https for plain http"
    )]
    InsecureRedirect { url: String, location: String },
    /// The server says the body is something this fetch does not read (a picture as a feed,
    /// a PDF as a page).
    #[error("fetch: {url} is served as {content_type}, not {expected}")]
    UnexpectedContentType {
        url: String,
        content_type: String,
        expected: &'static str,
    },
    /// The body is bigger than the cap for its kind.
    #[error("fetch: response too large (over {}) from {url}", human_size(*limit))]
    TooLarge { url: String, limit: u64 },
    /// A non-2xx status (other than 304 and rate limiting).
    #[error("fetch: {status} {} from {url}", status_reason(*status))]
    Http { url: String, status: u16 },
    /// 429, or 503 with Retry-After: come back later.
    #[error("fetch: rate limited by {url}{}", retry_note(*retry_after))]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
    /// The response was malformed or broke off.
    #[error("fetch: broken response from {url}: {detail}")]
    Body { url: String, detail: String },
    /// The HTTP client could not be set up.
    #[error("fetch: cannot set up the HTTP client: {detail}")]
    Client { detail: String },
}

impl FetchError {
    /// A stable snake_case name for the error, for the UI and the feed health record.
    pub fn kind(&self) -> ErrorKind {
        match self {
            FetchError::InvalidUrl { .. } => ErrorKind::InvalidUrl,
            FetchError::UnsupportedScheme { .. } => ErrorKind::UnsupportedScheme,
            FetchError::Blocked { .. } => ErrorKind::Blocked,
            FetchError::LocalNetwork { .. } => ErrorKind::LocalNetwork,
            FetchError::InsecureRedirect { .. } => ErrorKind::InsecureRedirect,
            FetchError::UnexpectedContentType { .. } => ErrorKind::UnexpectedContentType,
            FetchError::Timeout { .. } => ErrorKind::Timeout,
            FetchError::Connect { .. } => ErrorKind::Connect,
            FetchError::TooManyRedirects { .. } => ErrorKind::TooManyRedirects,
            FetchError::BadRedirect { .. } => ErrorKind::BadRedirect,
            FetchError::TooLarge { .. } => ErrorKind::TooLarge,
            FetchError::Http { .. } => ErrorKind::HttpStatus,
            FetchError::RateLimited { .. } => ErrorKind::RateLimited,
            FetchError::Body { .. } => ErrorKind::Body,
            FetchError::Client { .. } => ErrorKind::Client,
        }
    }
}

fn human_size(bytes: u64) -> String {
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn status_reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

pub(crate) fn retry_note(retry_after: Option<Duration>) -> String {
    retry_after.map_or(String::new(), |d| {
        format!(" (retry after {}s)", d.as_secs())
    })
}

/// The shared HTTP client and its limits; cheap to clone, Send + Sync.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<FetcherInner>,
}

struct FetcherInner {
    config: FetchConfig,
    /// One client per reach, because the DNS policy lives in the client's resolver.
    clients: Mutex<HashMap<Reach, Client>>,
    in_flight: Arc<Semaphore>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent across a panic (single inserts and removals), so keep going.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Fetcher {
    /// Builds a fetcher; fails if the limits are zero or the TLS backend cannot start.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        if config.max_in_flight == 0 || config.max_per_host == 0 {
            return Err(FetchError::Client {
                detail: "max_in_flight and max_per_host must be at least 1".to_owned(),
            });
        }
        let fetcher = Fetcher {
            inner: Arc::new(FetcherInner {
                in_flight: Arc::new(Semaphore::new(config.max_in_flight)),
                config,
                clients: Mutex::new(HashMap::new()),
                hosts: Arc::new(Mutex::new(HashMap::new())),
            }),
        };
        // Clients (and the TLS roots they load) are built at the first fetch, not here: the
        // window opens on the library without touching the network stack.
        Ok(fetcher)
    }

    /// The configuration this fetcher enforces.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// Fetches one URL under the policy; never panics on anything a server sends.
    pub async fn fetch(&self, req: FetchRequest<'_>) -> Result<FetchOutcome, FetchError> {
        self.fetch_signed_in(req, None).await
    }

    /// Fetches one URL as [`Fetcher::fetch`] does, sending `login` as `Authorization: Basic`
    /// on every hop to its own origin, and on no other.
    pub async fn fetch_signed_in(
        &self,
        req: FetchRequest<'_>,
        login: Option<&SiteCredential>,
    ) -> Result<FetchOutcome, FetchError> {
        // A password in the address itself is never sent, shown or logged: only `login` is.
        let bare = without_userinfo(req.url);
        let req = FetchRequest { url: &bare, ..req };
        let (client, mut host_slot, _in_flight) = self.ready(req.url, req.reach).await?;
        let deadline = self.inner.config.total_timeout;
        let following = self.follow(&client, &req, login, &mut host_slot);
        match tokio::time::timeout(deadline, following).await {
            Ok(result) => result,
            Err(_) => {
                tracing::debug!(url = %req.url, ?deadline, "fetch deadline passed");
                Err(FetchError::Timeout {
                    url: req.url.to_string(),
                })
            }
        }
    }

    /// Checks `url` against `reach` and waits for its connection slots: the client for the
    /// reach, the host's slot, then a global one.
    async fn ready(
        &self,
        url: &Url,
        reach: Reach,
    ) -> Result<(Client, HostSlot, OwnedSemaphorePermit), FetchError> {
        check_target(url, reach)?;
        let client = self.client_for(reach)?;
        // Wait for the host first, so a request queued behind a busy host holds no global slot.
        let host_slot = self.host_slot(url).await?;
        let in_flight = self
            .inner
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| closed(url))?;
        Ok((client, host_slot, in_flight))
    }

    fn client_for(&self, reach: Reach) -> Result<Client, FetchError> {
        let mut clients = lock(&self.inner.clients);
        if let Some(client) = clients.get(&reach) {
            return Ok(client.clone());
        }
        let config = &self.inner.config;
        let client_error = |e: reqwest::Error| FetchError::Client {
            detail: error_chain(&e),
        };
        let extra_roots = config
            .extra_root_certificates
            .iter()
            .map(|pem| reqwest::Certificate::from_pem(pem.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(client_error)?;
        let client = Client::builder()
            .user_agent(config.user_agent.as_str())
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .no_proxy()
            .dns_resolver(Arc::new(ReachResolver {
                reach,
                pinned: config.pinned_hosts.clone(),
            }))
            .tls_certs_merge(extra_roots)
            .build()
            .map_err(client_error)?;
        clients.insert(reach, client.clone());
        Ok(client)
    }

    async fn host_slot(&self, url: &Url) -> Result<HostSlot, FetchError> {
        let key = host_key(url);
        let semaphore = lock(&self.inner.hosts)
            .entry(key.clone())
            .or_insert_with(|| Arc::new(Semaphore::new(self.inner.config.max_per_host)))
            .clone();
        let permit = semaphore.acquire_owned().await.map_err(|_| closed(url))?;
        Ok(HostSlot {
            key,
            permit: Some(permit),
            hosts: self.inner.hosts.clone(),
        })
    }

    async fn follow(
        &self,
        client: &Client,
        req: &FetchRequest<'_>,
        login: Option<&SiteCredential>,
        host_slot: &mut HostSlot,
    ) -> Result<FetchOutcome, FetchError> {
        let mut current = req.url.clone();
        let mut hops = 0;
        loop {
            let response = send(client, &current, req, login).await?;
            let status = response.status();
            if !is_followed_redirect(status) {
                return read_outcome(current, response, req, &self.inner.config.caps).await;
            }
            if hops == self.inner.config.max_redirects {
                return Err(FetchError::TooManyRedirects {
                    url: req.url.to_string(),
                    limit: self.inner.config.max_redirects,
                });
            }
            hops += 1;
            let next = redirect_target(&current, &response)?;
            drop(response);
            check_target(&next, req.reach).map_err(|e| match e {
                FetchError::Blocked { url, reason } => FetchError::Blocked {
                    url,
                    reason: format!("{reason} (redirected from {current})"),
                },
                other => other,
            })?;
            tracing::debug!(from = %current, to = %next, "following redirect");
            if host_key(&next) != host_slot.key {
                // Release the old host before waiting for the new one, so two feeds redirecting
                // to each other's hosts cannot wait on each other forever.
                *host_slot = HostSlot::empty(host_slot.hosts.clone());
                *host_slot = self.host_slot(&next).await?;
            }
            current = next;
        }
    }
}

fn closed(url: &Url) -> FetchError {
    FetchError::Client {
        detail: format!("the fetcher was shut down while {url} was waiting"),
    }
}

/// A per-host connection slot; the host's entry is removed once nobody uses or waits for it.
struct HostSlot {
    key: String,
    permit: Option<OwnedSemaphorePermit>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl HostSlot {
    fn empty(hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>) -> HostSlot {
        HostSlot {
            key: String::new(),
            permit: None,
            hosts,
        }
    }
}

impl Drop for HostSlot {
    fn drop(&mut self) {
        if self.permit.take().is_none() {
            return;
        }
        let mut hosts = lock(&self.hosts);
        // Only the map holds it: no fetch has or waits for this host (clones happen under this lock).
        if hosts
            .get(&self.key)
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            hosts.remove(&self.key);
        }
    }
}

fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The checks that need no DNS: scheme, host present, and IP-literal hosts (which skip the resolver).
fn check_target(url: &Url, reach: Reach) -> Result<(), FetchError> {
    if !is_web_url(url) {
        return Err(FetchError::UnsupportedScheme {
            url: url.to_string(),
            scheme: url.scheme().to_owned(),
        });
    }
    let host = url.host().ok_or_else(|| FetchError::InvalidUrl {
        url: url.to_string(),
        reason: "no host".to_owned(),
    })?;
    check_literal(&host, reach).map_err(|blocked| FetchError::Blocked {
        url: url.to_string(),
        reason: blocked.to_string(),
    })
}

async fn send(
    client: &Client,
    url: &Url,
    req: &FetchRequest<'_>,
    login: Option<&SiteCredential>,
) -> Result<Response, FetchError> {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static(req.kind.accept()));
    for (name, value) in [
        (IF_NONE_MATCH, req.etag),
        (IF_MODIFIED_SINCE, req.last_modified),
    ] {
        let Some(value) = value else { continue };
        // A validator we cannot send only costs a full download, so it is not an error.
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.insert(name, value);
            }
            Err(_) => {
                tracing::debug!(%url, %name, "skipping a validator that is not a valid header")
            }
        }
    }
    let mut request = client.get(url.clone()).headers(headers);
    if let Some(login) = login.filter(|login| login.covers(url)) {
        let credential = &login.credential;
        request = request.basic_auth(&credential.user, Some(&credential.password));
    }
    request.send().await.map_err(|e| transport_error(&e, url))
}

async fn read_outcome(
    final_url: Url,
    mut response: Response,
    req: &FetchRequest<'_>,
    caps: &BodyCaps,
) -> Result<FetchOutcome, FetchError> {
    let status = response.status();
    let url = final_url.to_string();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(FetchOutcome::NotModified { final_url });
    }
    let retry_after = header_text(&response, reqwest::header::RETRY_AFTER)
        .and_then(|v| parse_retry_after(&v, chrono::Utc::now()));
    if status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::SERVICE_UNAVAILABLE && retry_after.is_some())
    {
        return Err(FetchError::RateLimited { url, retry_after });
    }
    if !status.is_success() {
        return Err(FetchError::Http {
            url,
            status: status.as_u16(),
        });
    }
    let limit = caps.limit(req.kind);
    let content_type = header_text(&response, reqwest::header::CONTENT_TYPE);
    let verdict = type_verdict(req.kind, content_type.as_deref());
    let wrong_type = || FetchError::UnexpectedContentType {
        url: url.clone(),
        content_type: match content_type.as_deref().map(media_type) {
            Some(media) if !media.is_empty() => media,
            _ => "no Content-Type".to_owned(),
        },
        expected: req.kind.expected(),
    };
    if verdict == TypeVerdict::Refused {
        tracing::debug!(%url, ?content_type, "refusing the body's type");
        return Err(wrong_type());
    }
    let etag = header_text(&response, reqwest::header::ETAG);
    let last_modified = header_text(&response, reqwest::header::LAST_MODIFIED);
    let body = read_capped(&mut response, &final_url, limit).await?;
    if verdict == TypeVerdict::Sniff && !sniffs_as_markup_or_json(&body) {
        tracing::debug!(%url, ?content_type, "untyped body does not look like a document");
        return Err(wrong_type());
    }
    Ok(FetchOutcome::Fetched(FetchedBody {
        final_url,
        status: status.as_u16(),
        content_type,
        etag,
        last_modified,
        body,
    }))
}

/// The body of `response` from `url`, refused once it passes `limit` bytes.
async fn read_capped(
    response: &mut Response,
    url: &Url,
    limit: u64,
) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: url.to_string(),
        limit,
    };
    // With a Content-Encoding reqwest reports no length, so this only trusts identity bodies.
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let initial = announced.unwrap_or(64 * 1024).min(limit);
    let mut body = Vec::with_capacity(usize::try_from(initial).unwrap_or(0));
    // Chunks arrive decompressed, so the cap holds against compression bombs too.
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(&e, url))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            tracing::debug!(%url, limit, "body over the cap, aborting");
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What the Content-Type makes of a body of this kind. Pictures and icons are not judged
/// here: their bytes are checked where they are decoded.
fn type_verdict(kind: BodyKind, content_type: Option<&str>) -> TypeVerdict {
    match kind {
        BodyKind::Feed => feed_verdict(content_type),
        BodyKind::Page => page_verdict(content_type),
        BodyKind::Image | BodyKind::Icon => TypeVerdict::Accepted,
    }
}

fn header_text(response: &Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads `Retry-After` as delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
pub(crate) fn parse_retry_after(
    value: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    // A date in the past means "now".
    Some(
        (when.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::redirect::next_hop;
    use super::*;

    #[test]
    fn charset_param_reads_the_servers_word_unquoted() {
        assert_eq!(charset_param("text/html; charset=UTF-8"), Some("UTF-8"));
        assert_eq!(
            charset_param("text/xml;Charset=\"windows-1252\" "),
            Some("windows-1252")
        );
        assert_eq!(charset_param("text/xml; charset='koi8-r'"), Some("koi8-r"));
        assert_eq!(charset_param("text/html; charset="), None);
        assert_eq!(charset_param("text/html; charset=\"\""), None);
        assert_eq!(charset_param("text/html"), None);
        // The media type itself is never a parameter.
        assert_eq!(charset_param("charset=utf-8"), None);
    }

    #[test]
    fn web_urls_are_http_and_https_only() {
        let base = Url::parse("https://news.example/a/b.html").unwrap();
        assert_eq!(
            join_web_url(&base, " ../c.png ").map(String::from),
            Some("https://news.example/c.png".to_owned())
        );
        assert_eq!(join_web_url(&base, "javascript:alert(1)"), None);
        assert_eq!(join_web_url(&base, "data:image/png;base64,AAAA"), None);
        assert!(is_web_url(&Url::parse("HTTP://x.example/").unwrap()));
        assert!(!is_web_url(&Url::parse("file:///etc/passwd").unwrap()));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc2822("Wed, 21 Oct 2015 07:28:00 GMT")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn error_messages_name_the_url_and_the_limit() {
        let url = "https://news.example/feed".to_owned();
        let too_large = FetchError::TooLarge {
            url: url.clone(),
            limit: 10 * MB,
        };
        assert_eq!(
            too_large.to_string(),
            "fetch: response too large (over 10 MB) from https://news.example/feed"
        );
        assert_eq!(too_large.kind(), "too_large");
        let forbidden = FetchError::Http { url, status: 403 };
        assert_eq!(
            forbidden.to_string(),
            "fetch: 403 Forbidden from https://news.example/feed"
        );
        assert_eq!(forbidden.kind(), "http_status");
    }

    #[test]
    fn a_redirect_from_https_to_http_is_refused_on_every_hop() {
        let https = Url::parse("https://news.example/feed").unwrap();
        let error = next_hop(&https, "http://news.example/feed").unwrap_err();
        assert_eq!(error.kind(), "insecure_redirect");
        assert_eq!(
            error.to_string(),
            "fetch: refused the redirect from https://news.example/feed to \
             http://news.example/feed: it leaves https for plain http"
        );
        // A scheme-relative Location keeps https; an upgrade and http to http are followed.
        assert_eq!(
            next_hop(&https, "//mirror.example/feed").unwrap().as_str(),
            "https://mirror.example/feed"
        );
        let http = Url::parse("http://news.example/feed").unwrap();
        assert_eq!(
            next_hop(&http, "https://news.example/feed")
                .unwrap()
                .scheme(),
            "https"
        );
        assert_eq!(next_hop(&http, "/other").unwrap().scheme(), "http");
        // The second hop of http -> https -> http is a downgrade like any other.
        let upgraded = next_hop(&http, "https://news.example/feed").unwrap();
        assert_eq!(
            next_hop(&upgraded, "http://news.example/feed")
                .unwrap_err()
                .kind(),
            "insecure_redirect"
        );
        assert!(is_downgrade(&https, &http));
        assert!(!is_downgrade(&http, &https));
    }

    #[test]
    fn non_http_schemes_are_refused_before_any_connection() {
        let url = Url::parse("file:///etc/passwd").unwrap();
        let error = check_target(&url, Reach::PUBLIC).unwrap_err();
        assert_eq!(error.kind(), "unsupported_scheme");
        assert!(error.to_string().contains("file:///etc/passwd"));
    }
}
