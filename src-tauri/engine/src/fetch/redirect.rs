//! Which redirects the fetcher follows: web addresses only, never from https to http, and never
//! carrying a server's `user:password@`. It decides where the next hop goes; it must never make
//! a request (the hop loop in `Fetcher::fetch` does, under the same address policy).

use reqwest::{Response, StatusCode};
use url::Url;

use super::{is_web_url, without_userinfo, FetchError};
use crate::credentials::redact_text;

pub(super) fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

pub(super) fn redirect_target(current: &Url, response: &Response) -> Result<Url, FetchError> {
    let bad = |location: &str, reason: String| FetchError::BadRedirect {
        url: current.to_string(),
        location: redact_text(location),
        reason,
    };
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .ok_or_else(|| bad("", "no Location header".to_owned()))?;
    let location = location
        .to_str()
        .map_err(|_| bad("", "Location is not ASCII".to_owned()))?;
    next_hop(current, location)
}

/// Where a redirect from `current` to `location` leads, if it may be followed: a web address
/// that does not leave https for http (every hop, so http→https→http is refused too).
pub(super) fn next_hop(current: &Url, location: &str) -> Result<Url, FetchError> {
    let next = current
        .join(location)
        .map_err(|e| FetchError::BadRedirect {
            url: current.to_string(),
            location: location.to_owned(),
            reason: e.to_string(),
        })?;
    if !is_web_url(&next) {
        return Err(FetchError::BadRedirect {
            url: current.to_string(),
            location: location.to_owned(),
            reason: format!(
                "unsupported scheme {:?} (only http and https are fetched)",
                next.scheme()
            ),
        });
    }
    if is_downgrade(current, &next) {
        return Err(FetchError::InsecureRedirect {
            url: current.to_string(),
            location: next.to_string(),
        });
    }
    // A server's `user:password@` is neither sent (reqwest would) nor shown.
    Ok(without_userinfo(&next))
}

/// Whether going from `from` to `to` leaves https for plain http. Redirects never do it, and a
/// feed found from an https address is never stored as an http one.
pub fn is_downgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "https" && to.scheme() == "http"
}
