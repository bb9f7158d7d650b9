//! A Google Reader API client, as Miniflux, FreshRSS, Inoreader, The Old Reader and BazQux
//! speak it: log in, read folders, subscriptions, item ids and contents, and push read and
//! starred states and subscription edits.
//!
//! Owns the wire format and the servers' differences: the API base found from the address a
//! person typed ([`api_bases`]), the `GoogleLogin` auth header, the edit token (`T`) sent with
//! every POST and fetched afresh once when a server refuses it, item ids in every form
//! ([`ItemId`]), paging with `continuation`, and answers checked for their shape (some servers
//! answer an unknown path with `200 []`). Its requests go to the account's server only, never
//! follow a redirect, and keep the fetcher's timeouts and body cap. It must never put the
//! password or the auth token in an error, a log line or Debug output, and it never decides
//! what a sync does with what it reads.

mod address;
mod error;
mod ids;
mod wire;

use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use crate::fetch::{ApiAnswer, ApiRequest, FetchError, Fetcher, Reach};

pub use address::api_bases;
pub use error::{GReaderError, Secret};
pub use ids::{label_name, label_stream, ItemId, StateTag, READING_LIST};
use wire::{auth_line, scalar_text, RawItem};

/// How many ids, items and edits go in one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Ids asked for per `stream/items/ids` page (`n`).
    pub ids_page: usize,
    /// Items per `stream/items/contents` POST: small, so one slow batch costs little.
    pub contents_batch: usize,
    /// Items per `edit-tag` POST.
    pub edit_batch: usize,
    /// Most pages followed for one stream, against a server whose continuation never ends.
    pub max_pages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // Id lists are cheap (about 25 bytes an id: 1.2 MB here, under the body cap), and
            // each page is a round trip: a sync with nothing new lists the unread and starred
            // ids in full, so ask for them all at once. Miniflux 2.2.x and FreshRSS honour any
            // `n`; newer Miniflux caps it at 10,000 and Inoreader at 1,000, and they page.
            ids_page: 50_000,
            contents_batch: 50,
            edit_batch: 100,
            max_pages: 1000,
        }
    }
}

/// A feed the account follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// The server's stream id (`feed/12`), used in every edit.
    pub id: String,
    /// Its name on the server.
    pub title: String,
    /// The feed's own address, when the server says.
    pub feed_url: Option<String>,
    /// The site's address, when the server says.
    pub site_url: Option<String>,
    /// The folders it is in (names, not stream ids).
    pub folders: Vec<String>,
}

/// A folder of the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    /// The server's stream id (`user/1/label/Tech`).
    pub id: String,
    /// Its name.
    pub name: String,
}

/// One item's contents and state, as the server holds them (not yet sanitized).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// The stream id of its subscription (`feed/12`).
    pub feed_id: String,
    /// Its title, if any.
    pub title: Option<String>,
    /// The story's address.
    pub url: Option<String>,
    /// Its author, if any.
    pub author: Option<String>,
    /// When it was published, when the server says.
    pub published: Option<DateTime<Utc>>,
    /// Its HTML (the full content, else the summary), untrusted.
    pub html: String,
    /// Read on the server.
    pub read: bool,
    /// Starred on the server (a bookmark here).
    pub starred: bool,
}

/// A logged-in session with one account's server; cheap to share behind a reference.
pub struct GReaderClient {
    fetcher: Fetcher,
    base: Url,
    reach: Reach,
    auth: Secret,
    edit_token: Mutex<Option<Secret>>,
    body_cap: u64,
    limits: Limits,
    requests: AtomicUsize,
}

impl fmt::Debug for GReaderClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GReaderClient")
            .field("base", &self.base.as_str())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A form or query: names and values, in order (repeated names are how ids are listed).
type Pairs = Vec<(&'static str, String)>;

impl GReaderClient {
    /// Logs in with `ClientLogin` at the first API base that answers as the protocol does
    /// (see [`api_bases`]); a refusal there is an [`GReaderError::Auth`], tried nowhere else.
    /// Its requests go through `fetcher`, reaching only what the typed address names
    /// ([`Reach::of_subscription`]: loopback for `localhost` or `127.0.0.1`, a private range
    /// for such an address, else public addresses only).
    pub async fn login(
        fetcher: &Fetcher,
        address: &str,
        user: &str,
        password: &Secret,
    ) -> Result<GReaderClient, GReaderError> {
        let mut first_miss = None;
        // Counted across the bases tried, so the session's count includes every attempt.
        let mut made = 0;
        for base in api_bases(address)? {
            let mut client = GReaderClient {
                fetcher: fetcher.clone(),
                reach: Reach::of_subscription(&base, false),
                base,
                auth: Secret::new(""),
                edit_token: Mutex::new(None),
                body_cap: fetcher.config().caps.feed,
                limits: Limits::default(),
                requests: AtomicUsize::new(made),
            };
            let form = vec![
                ("Email", user.to_owned()),
                ("Passwd", password.expose().to_owned()),
            ];
            let endpoint = "accounts/ClientLogin";
            let answer = client.send(endpoint, Vec::new(), Some(form)).await;
            made = client.requests_made();
            let error = match answer.map(|body| auth_line(&body)) {
                Ok(Some(auth)) => {
                    client.auth = auth;
                    tracing::debug!(base = %client.base, "logged in");
                    return Ok(client);
                }
                Ok(None) => client.unexpected(endpoint, "no Auth= line in the answer"),
                Err(error) => error,
            };
            // Not found here, or not the protocol: the next base may be the API.
            let miss = matches!(&error, GReaderError::UnexpectedAnswer { .. })
                || matches!(&error, GReaderError::Server { status, .. } if matches!(status, 404 | 405));
            if !miss {
                return Err(error);
            }
            first_miss.get_or_insert(error);
        }
        Err(first_miss.unwrap_or_else(|| GReaderError::InvalidAddress {
            reason: "no address to try".to_owned(),
        }))
    }

    /// Sets how many ids, items and edits go in one request.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// The API base in use (`https://rss.example.com/` or `…/api/greader.php/`).
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// How many requests this session has made, logging in included.
    pub fn requests_made(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// The account's subscriptions with their folders.
    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, GReaderError> {
        #[derive(Deserialize)]
        struct List {
            subscriptions: Vec<Raw>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            id: String,
            #[serde(default)]
            title: String,
            url: Option<String>,
            html_url: Option<String>,
            #[serde(default)]
            categories: Vec<Category>,
        }
        #[derive(Deserialize)]
        struct Category {
            id: String,
        }
        let endpoint = "reader/api/0/subscription/list";
        let list: List = self.get_json(endpoint, Vec::new()).await?;
        Ok(list
            .subscriptions
            .into_iter()
            .map(|raw| Subscription {
                folders: raw
                    .categories
                    .iter()
                    .filter_map(|c| label_name(&c.id).map(str::to_owned))
                    .collect(),
                id: raw.id,
                title: raw.title,
                feed_url: raw.url.filter(|u| !u.is_empty()),
                site_url: raw.html_url.filter(|u| !u.is_empty()),
            })
            .collect())
    }

    /// The account's folders (labels; the state tags are left out).
    pub async fn folders(&self) -> Result<Vec<Folder>, GReaderError> {
        #[derive(Deserialize)]
        struct List {
            tags: Vec<Tag>,
        }
        #[derive(Deserialize)]
        struct Tag {
            id: String,
        }
        let list: List = self.get_json("reader/api/0/tag/list", Vec::new()).await?;
        Ok(list
            .tags
            .into_iter()
            .filter_map(|tag| {
                let name = label_name(&tag.id)?.to_owned();
                Some(Folder { id: tag.id, name })
            })
            .collect())
    }

    /// Subscribes to the feed at `feed_url` (`subscription/quickadd`); returns its stream id.
    pub async fn subscribe(&self, feed_url: &str) -> Result<String, GReaderError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Added {
            num_results: u64,
            stream_id: Option<String>,
        }
        let endpoint = "reader/api/0/subscription/quickadd";
        let form = vec![("quickadd", feed_url.to_owned())];
        let added: Added = self.post_json(endpoint, form).await?;
        match added
            .stream_id
            .filter(|id| added.num_results > 0 && !id.is_empty())
        {
            Some(id) => Ok(id),
            None => Err(self.unexpected(endpoint, "the server found no feed to subscribe to")),
        }
    }

    /// Subscribes to `feed_url` straight into `folder`, named `title` if given
    /// (`subscription/edit`, `ac=subscribe`): one request where [`GReaderClient::subscribe`]
    /// and a move take two. The answer holds no id: [`GReaderClient::subscriptions`] has it.
    pub async fn subscribe_into(
        &self,
        feed_url: &str,
        title: Option<&str>,
        folder: &str,
    ) -> Result<(), GReaderError> {
        let mut form: Pairs = vec![
            ("ac", "subscribe".into()),
            ("s", format!("feed/{feed_url}")),
            ("a", label_stream(folder)),
        ];
        if let Some(title) = title {
            form.push(("t", title.into()));
        }
        self.edit_subscription(form).await
    }

    /// Unsubscribes from a subscription (`subscription/edit`, `ac=unsubscribe`).
    pub async fn unsubscribe(&self, subscription_id: &str) -> Result<(), GReaderError> {
        self.edit_subscription(vec![
            ("ac", "unsubscribe".into()),
            ("s", subscription_id.into()),
        ])
        .await
    }

    /// Renames a subscription on the server.
    pub async fn rename(&self, subscription_id: &str, title: &str) -> Result<(), GReaderError> {
        self.edit_subscription(vec![
            ("ac", "edit".into()),
            ("s", subscription_id.into()),
            ("t", title.into()),
        ])
        .await
    }

    /// Moves a subscription from folder `from` (if any) into folder `to` (created if new).
    pub async fn move_to_folder(
        &self,
        subscription_id: &str,
        from: Option<&str>,
        to: &str,
    ) -> Result<(), GReaderError> {
        let mut form: Pairs = vec![
            ("ac", "edit".into()),
            ("s", subscription_id.into()),
            ("a", label_stream(to)),
        ];
        if let Some(from) = from.filter(|from| *from != to) {
            form.push(("r", label_stream(from)));
        }
        self.edit_subscription(form).await
    }

    async fn edit_subscription(&self, form: Pairs) -> Result<(), GReaderError> {
        self.post_ok("reader/api/0/subscription/edit", form).await
    }

    /// Every item id in `stream` (e.g. [`READING_LIST`], [`StateTag::stream_id`]), minus those
    /// carrying `exclude` (e.g. `Some(StateTag::Read)` for the unread ones), following the
    /// continuation to the end.
    pub async fn item_ids(
        &self,
        stream: &str,
        exclude: Option<StateTag>,
    ) -> Result<Vec<ItemId>, GReaderError> {
        self.list_ids(stream, exclude, usize::MAX).await
    }

    /// The newest `most` item ids of `stream` (newest first): one request when the server
    /// honours an `n` that large, paging only as far as `most`.
    pub async fn newest_ids(&self, stream: &str, most: usize) -> Result<Vec<ItemId>, GReaderError> {
        self.list_ids(stream, None, most).await
    }

    /// The ids of `stream` minus those tagged `exclude`, newest first, up to `most`.
    async fn list_ids(
        &self,
        stream: &str,
        exclude: Option<StateTag>,
        most: usize,
    ) -> Result<Vec<ItemId>, GReaderError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page {
            // Servers leave it out, or send null, when the stream is empty.
            item_refs: Option<Vec<Ref>>,
            continuation: Option<Value>,
        }
        #[derive(Deserialize)]
        struct Ref {
            id: Value,
        }
        let endpoint = "reader/api/0/stream/items/ids";
        let mut ids = Vec::new();
        // Miniflux's continuation is an offset: an item arriving while we page shifts the
        // rest by one, so an id can come twice. Keep the first.
        let mut seen = HashSet::new();
        let mut continuation: Option<String> = None;
        for _ in 0..self.limits.max_pages {
            let wanted = self.limits.ids_page.min(most - ids.len()).max(1);
            let mut query: Pairs = vec![("s", stream.to_owned()), ("n", wanted.to_string())];
            if let Some(tag) = exclude {
                query.push(("xt", tag.stream_id().to_owned()));
            }
            if let Some(c) = &continuation {
                query.push(("c", c.clone()));
            }
            let page: Page = self.get_json(endpoint, query).await?;
            let refs = page.item_refs.unwrap_or_default();
            let page_len = refs.len();
            for item in refs {
                let id = scalar_text(&item.id).and_then(|text| ItemId::parse(&text));
                let id = id.ok_or_else(|| {
                    self.unexpected(endpoint, &format!("an item id reads {}", item.id))
                })?;
                if ids.len() < most && seen.insert(id) {
                    ids.push(id);
                }
            }
            if ids.len() >= most {
                return Ok(ids);
            }
            let next = page.continuation.as_ref().and_then(scalar_text);
            // An empty page or a continuation that does not move ends the stream.
            match next {
                Some(next) if page_len > 0 && continuation.as_deref() != Some(next.as_str()) => {
                    continuation = Some(next);
                }
                _ => return Ok(ids),
            }
        }
        Err(self.unexpected(endpoint, "the continuation never ends"))
    }

    /// The contents and state of `ids`, in POST batches of [`Limits::contents_batch`]. Items
    /// the server no longer has are simply absent.
    pub async fn items(&self, ids: &[ItemId]) -> Result<Vec<Item>, GReaderError> {
        #[derive(Deserialize)]
        struct Contents {
            items: Vec<RawItem>,
        }
        let endpoint = "reader/api/0/stream/items/contents";
        let mut items = Vec::with_capacity(ids.len());
        for batch in ids.chunks(self.limits.contents_batch.max(1)) {
            let form = batch.iter().map(|id| ("i", id.long_form())).collect();
            let contents: Contents = self.post_json(endpoint, form).await?;
            for raw in contents.items {
                items.push(raw.into_item().ok_or_else(|| {
                    self.unexpected(endpoint, "an item without a readable id or feed")
                })?);
            }
        }
        Ok(items)
    }

    /// Adds (`on`) or removes `tag` on `ids` (`edit-tag`), in batches of [`Limits::edit_batch`].
    ///
    /// Miniflux 2.2 toggles rather than adds: `a=read` on an item already read marks it
    /// unread (and likewise for starred). So an add is sent only for the ids that lack the tag
    /// on the server, read from its stream first: one more listing, never a flipped state.
    pub async fn set_state(
        &self,
        ids: &[ItemId],
        tag: StateTag,
        on: bool,
    ) -> Result<(), GReaderError> {
        let ids = if on {
            self.lacking(ids, tag).await?
        } else {
            ids.to_vec()
        };
        for batch in ids.chunks(self.limits.edit_batch.max(1)) {
            let mut form: Pairs = batch.iter().map(|id| ("i", id.long_form())).collect();
            form.push((if on { "a" } else { "r" }, tag.stream_id().to_owned()));
            self.post_ok("reader/api/0/edit-tag", form).await?;
        }
        Ok(())
    }

    /// Those of `ids` that do not carry `tag` on the server now.
    async fn lacking(&self, ids: &[ItemId], tag: StateTag) -> Result<Vec<ItemId>, GReaderError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(match tag {
            // The unread ones are listed directly; "read" is everything else.
            StateTag::Read => {
                let unread: HashSet<ItemId> = self
                    .item_ids(READING_LIST, Some(StateTag::Read))
                    .await?
                    .into_iter()
                    .collect();
                ids.iter()
                    .copied()
                    .filter(|id| unread.contains(id))
                    .collect()
            }
            StateTag::Starred => {
                let starred: HashSet<ItemId> = self
                    .item_ids(StateTag::Starred.stream_id(), None)
                    .await?
                    .into_iter()
                    .collect();
                ids.iter()
                    .copied()
                    .filter(|id| !starred.contains(id))
                    .collect()
            }
        })
    }

    /// Marks every item of `stream` published up to `until` as read (`mark-all-as-read`).
    /// Miniflux 2.2 lacks the call and answers `200 []`, an [`GReaderError::UnexpectedAnswer`]
    /// here: mark the items with [`GReaderClient::set_state`] instead.
    pub async fn mark_all_read(
        &self,
        stream: &str,
        until: DateTime<Utc>,
    ) -> Result<(), GReaderError> {
        let form = vec![
            ("s", stream.to_owned()),
            ("ts", until.timestamp_micros().to_string()),
        ];
        self.post_ok("reader/api/0/mark-all-as-read", form).await
    }

    /// A GET whose answer must be a JSON object of type `T`.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        query: Pairs,
    ) -> Result<T, GReaderError> {
        let body = self.send(endpoint, query, None).await?;
        self.parse_json(endpoint, &body)
    }

    /// A POST whose answer must be a JSON object of type `T`.
    async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        form: Pairs,
    ) -> Result<T, GReaderError> {
        let body = self.post(endpoint, form).await?;
        self.parse_json(endpoint, &body)
    }

    /// A POST whose answer must be the protocol's `OK`.
    async fn post_ok(&self, endpoint: &str, form: Pairs) -> Result<(), GReaderError> {
        let body = self.post(endpoint, form).await?;
        if String::from_utf8_lossy(&body).trim() == "OK" {
            Ok(())
        } else {
            Err(self.unexpected(endpoint, "the answer is not OK"))
        }
    }

    fn parse_json<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        body: &[u8],
    ) -> Result<T, GReaderError> {
        serde_json::from_slice(body).map_err(|e| self.unexpected(endpoint, &e.to_string()))
    }

    /// A write: sends the edit token, and when the server refuses it, fetches a fresh one and
    /// tries once more (tokens expire; servers differ in how they say so, so any 401 counts).
    async fn post(&self, endpoint: &str, form: Pairs) -> Result<Vec<u8>, GReaderError> {
        let token = self.edit_token(false).await?;
        let with_token = |token: Secret| {
            let mut form = form.clone();
            form.push(("T", token.expose().to_owned()));
            Some(form)
        };
        match self.send(endpoint, Vec::new(), with_token(token)).await {
            Err(GReaderError::Auth { .. }) => {
                tracing::debug!(endpoint, "edit token refused; fetching a fresh one");
                let token = self.edit_token(true).await?;
                self.send(endpoint, Vec::new(), with_token(token)).await
            }
            other => other,
        }
    }

    /// The edit token, fetched at the first write and again when `fresh` is asked for.
    async fn edit_token(&self, fresh: bool) -> Result<Secret, GReaderError> {
        let mut cached = self.edit_token.lock().await;
        if let Some(token) = cached.as_ref().filter(|_| !fresh) {
            return Ok(token.clone());
        }
        let endpoint = "reader/api/0/token";
        let body = self.send(endpoint, Vec::new(), None).await?;
        let text = String::from_utf8_lossy(&body).trim().to_owned();
        if text.is_empty()
            || text.contains(char::is_whitespace)
            || text.starts_with(['[', '{', '<'])
        {
            return Err(self.unexpected(endpoint, "the answer is not a token"));
        }
        let token = Secret::new(text);
        *cached = Some(token.clone());
        Ok(token)
    }

    /// One request to `endpoint` under the base through the fetcher (a POST when there is a
    /// form), with the session's auth header; the body of a 2xx answer, under the cap.
    async fn send(
        &self,
        endpoint: &str,
        mut query: Pairs,
        form: Option<Pairs>,
    ) -> Result<Vec<u8>, GReaderError> {
        let mut url = self
            .base
            .join(endpoint)
            .map_err(|e| GReaderError::InvalidAddress {
                reason: e.to_string(),
            })?;
        if endpoint.starts_with("reader/") {
            query.insert(0, ("output", "json".to_owned()));
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let authorization = (!self.auth.expose().is_empty())
            .then(|| format!("GoogleLogin auth={}", self.auth.expose()));
        let form = form.map(|form| {
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish()
        });
        self.requests.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .fetcher
            .call(ApiRequest {
                url: &url,
                reach: self.reach,
                form: form.as_deref(),
                authorization: authorization.as_deref(),
                cap: self.body_cap,
            })
            .await
            .map_err(|e| self.fetch_failed(endpoint, e))?;
        tracing::debug!(endpoint, status = answer.status, "reader api answer");
        self.check_status(endpoint, &answer)?;
        Ok(answer.body)
    }

    fn check_status(&self, endpoint: &str, answer: &ApiAnswer) -> Result<(), GReaderError> {
        let status = StatusCode::from_u16(answer.status).map_err(|_| {
            self.unexpected(endpoint, &format!("an HTTP status of {}", answer.status))
        })?;
        let server = self.server();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(GReaderError::Auth { server });
        }
        if status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::SERVICE_UNAVAILABLE && answer.retry_after.is_some())
        {
            return Err(GReaderError::RateLimited {
                server,
                retry_after: answer.retry_after,
            });
        }
        if status.is_redirection() {
            let to = answer.location.as_deref().unwrap_or("elsewhere");
            return Err(self.unexpected(
                endpoint,
                &format!("it redirects to {to}; use that address for the account"),
            ));
        }
        if !status.is_success() {
            return Err(GReaderError::Server {
                server,
                endpoint: endpoint.to_owned(),
                status: status.as_u16(),
            });
        }
        Ok(())
    }

    /// The server as named in errors: the API base, which holds no secret.
    fn server(&self) -> String {
        self.base.to_string()
    }

    fn unexpected(&self, endpoint: &str, detail: &str) -> GReaderError {
        GReaderError::UnexpectedAnswer {
            server: self.server(),
            endpoint: endpoint.to_owned(),
            detail: detail.to_owned(),
        }
    }

    /// A request the fetcher could not complete: the network policy's refusals keep their
    /// own kind; everything else means the server cannot be reached now.
    fn fetch_failed(&self, endpoint: &str, error: FetchError) -> GReaderError {
        match error {
            FetchError::TooLarge { limit, .. } => GReaderError::TooLarge {
                server: self.server(),
                endpoint: endpoint.to_owned(),
                limit,
            },
            FetchError::Timeout { .. } => GReaderError::Unreachable {
                server: self.server(),
                detail: "no answer in time".to_owned(),
            },
            FetchError::Connect { detail, .. } | FetchError::Body { detail, .. } => {
                GReaderError::Unreachable {
                    server: self.server(),
                    detail,
                }
            }
            refused => GReaderError::Refused(refused),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(secret)).contains("hunter2"));
    }

    #[test]
    fn the_auth_line_is_read_from_a_client_login_answer() {
        let answer = b"SID=a/1\nLSID=a/1\nAuth=reader/3b43\n";
        assert_eq!(auth_line(answer), Some(Secret::new("reader/3b43")));
        assert_eq!(auth_line(b"<html>login</html>"), None);
        assert_eq!(auth_line(b"Auth=\n"), None);
    }

    #[test]
    fn an_item_reads_its_state_from_categories_with_the_users_number() {
        let raw: RawItem = serde_json::from_value(serde_json::json!({
            "id": "tag:google.com,2005:reader/item/000000000000000a",
            "categories": ["user/1/state/com.google/reading-list", "user/1/state/com.google/read",
                           "user/1/state/com.google/starred"],
            "title": "A story", "published": 1796002897,
            "alternate": [{"href": "https://news.example/a", "type": "text/html"}],
            "summary": {"content": "<p>teaser</p>"}, "content": {"content": " "},
            "origin": {"streamId": "feed/3", "title": "News"}
        }))
        .unwrap();
        let item = raw.into_item().unwrap();
        assert_eq!(item.id, ItemId(10));
        assert!(item.read && item.starred);
        assert_eq!(item.feed_id, "feed/3");
        assert_eq!(item.url.as_deref(), Some("https://news.example/a"));
        // An empty content falls back to the summary.
        assert_eq!(item.html, "<p>teaser</p>");
        assert_eq!(item.published.map(|p| p.timestamp()), Some(1_796_002_897));
    }
}
