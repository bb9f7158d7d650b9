//! One call to a web API at one origin (a sync account's server): a GET or a form POST with
//! an `Authorization` header, under the same limits as every fetch (connection slots, the
//! total deadline, the body cap, the address policy, no proxy, no cookies, no Referer).
//!
//! Owns nothing but the request: it never follows a redirect (the answer's status and
//! `Location` go back to the caller, so a password or token cannot travel to another origin),
//! and it never reads what the answer means. It must never log the form or the header.

use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::Method;
use url::Url;

use super::{
    header_text, parse_retry_after, read_capped, transport_error, FetchError, Fetcher, Reach,
};

/// One request to an API: the address (query included), how far it may reach, an optional
/// form body (which makes it a POST) and an optional `Authorization` value.
#[derive(Clone, Copy)]
pub struct ApiRequest<'a> {
    /// The endpoint's full address; its origin is the only one the request goes to.
    pub url: &'a Url,
    /// Which non-public addresses it may reach.
    pub reach: Reach,
    /// An `application/x-www-form-urlencoded` body: sent as a POST when present.
    pub form: Option<&'a str>,
    /// The `Authorization` header's value, marked sensitive so no log shows it.
    pub authorization: Option<&'a str>,
    /// The largest body read, in decompressed bytes.
    pub cap: u64,
}

impl std::fmt::Debug for ApiRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The form and the header may hold a password or a token: never shown.
        f.debug_struct("ApiRequest")
            .field("url", &self.url.as_str())
            .field("reach", &self.reach)
            .field("post", &self.form.is_some())
            .finish_non_exhaustive()
    }
}

/// The server's answer, whatever its status: the caller reads what the status means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiAnswer {
    /// The HTTP status.
    pub status: u16,
    /// `Retry-After`, read as a delay.
    pub retry_after: Option<Duration>,
    /// `Location`, for a redirect the caller will not follow.
    pub location: Option<String>,
    /// The body (read for 2xx answers only, under the cap).
    pub body: Vec<u8>,
}

impl Fetcher {
    /// Makes one API call under the policy, following no redirect.
    pub async fn call(&self, req: ApiRequest<'_>) -> Result<ApiAnswer, FetchError> {
        let (client, _host_slot, _in_flight) = self.ready(req.url, req.reach).await?;
        let deadline = self.inner.config.total_timeout;
        match tokio::time::timeout(deadline, exchange(&client, &req)).await {
            Ok(answer) => answer,
            Err(_) => Err(FetchError::Timeout {
                url: req.url.to_string(),
            }),
        }
    }
}

async fn exchange(client: &reqwest::Client, req: &ApiRequest<'_>) -> Result<ApiAnswer, FetchError> {
    let url = req.url;
    let method = if req.form.is_some() {
        Method::POST
    } else {
        Method::GET
    };
    let mut request = client.request(method, url.clone());
    if let Some(value) = req.authorization {
        let mut value = HeaderValue::from_str(value).map_err(|_| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "the Authorization value is not a header value".to_owned(),
        })?;
        value.set_sensitive(true);
        request = request.header(AUTHORIZATION, value);
    }
    if let Some(form) = req.form {
        request = request
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.to_owned());
    }
    let mut response = request.send().await.map_err(|e| transport_error(&e, url))?;
    let status = response.status();
    let retry_after =
        header_text(&response, RETRY_AFTER).and_then(|v| parse_retry_after(&v, chrono::Utc::now()));
    let location = header_text(&response, LOCATION);
    let body = if status.is_success() {
        read_capped(&mut response, url, req.cap).await?
    } else {
        Vec::new()
    };
    Ok(ApiAnswer {
        status: status.as_u16(),
        retry_after,
        location,
        body,
    })
}
