//! How a request that reqwest could not complete becomes a [`FetchError`]: a policy refusal
//! from the resolver, a timeout, a refused connection or a broken body, with the causes' own
//! words. It must never decide policy, only name what happened.

use url::Url;

use super::address::BlockedAddress;
use super::FetchError;

/// Maps a reqwest error to ours, finding a policy refusal from the resolver in its sources.
pub(super) fn transport_error(error: &reqwest::Error, url: &Url) -> FetchError {
    let url_text = url.to_string();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedAddress>() {
            let reason = blocked.to_string();
            return if blocked.is_local_network_name() {
                FetchError::LocalNetwork {
                    url: url_text,
                    reason,
                }
            } else {
                FetchError::Blocked {
                    url: url_text,
                    reason,
                }
            };
        }
        source = current.source();
    }
    let detail = error_chain(error);
    if error.is_timeout() {
        FetchError::Timeout { url: url_text }
    } else if error.is_connect() {
        FetchError::Connect {
            url: url_text,
            detail,
        }
    } else {
        FetchError::Body {
            url: url_text,
            detail,
        }
    }
}

/// The messages of an error's sources, which say more than reqwest's own "error sending request".
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut source = error.source();
    while let Some(current) = source {
        parts.push(current.to_string());
        source = current.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}
