//! The server address as a person types it, turned into the API bases to try.
//!
//! People type what any Reader-API client asks for: `rss.example.com`, the site's root
//! (Miniflux answers there), a FreshRSS install with or without its `/api/greader.php`, or an
//! address copied with `/accounts/ClientLogin` or `/reader/api/0` still on it. This module owns
//! that reading and nothing else: it never touches the network, and it refuses an address
//! holding a user name or password (they travel in the login's body, never in a URL).

use url::Url;

use super::GReaderError;

/// FreshRSS serves the API under this path of its install.
const FRESHRSS_API: &str = "api/greader.php";

/// Paths a person may have copied from a client's settings or a server's documentation; they
/// name an endpoint, not the base, and are cut off.
const ENDPOINT_TAILS: &[&str] = &["/accounts/ClientLogin", "/reader/api/0"];

/// The API bases to try, best guess first: the address as typed, then FreshRSS's path under
/// it (unless it already names it). Fails on what is not an http(s) address with a host.
pub fn api_bases(typed: &str) -> Result<Vec<Url>, GReaderError> {
    let typed = typed.trim();
    let invalid = |reason: &str| GReaderError::InvalidAddress {
        reason: reason.to_owned(),
    };
    if typed.is_empty() {
        return Err(invalid("the server address is empty"));
    }
    // Without a scheme, `localhost:8080` would read as the scheme "localhost".
    let with_scheme = if typed.contains("://") {
        typed.to_owned()
    } else {
        format!("https://{typed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("only http and https addresses are used"));
    }
    if url.host().is_none() {
        return Err(invalid("the address has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed back: the address itself holds the secret.
        return Err(invalid(
            "the address holds a user name or password; give them in their own fields",
        ));
    }
    url.set_query(None);
    url.set_fragment(None);
    let mut path = url.path().trim_end_matches('/').to_owned();
    for tail in ENDPOINT_TAILS {
        if let Some(cut) = path.strip_suffix(tail) {
            path = cut.to_owned();
        }
    }
    let names_freshrss = path.ends_with(&format!("/{FRESHRSS_API}"));
    url.set_path(&format!("{path}/"));
    let mut bases = vec![url.clone()];
    if !names_freshrss {
        url.set_path(&format!("{path}/{FRESHRSS_API}/"));
        bases.push(url);
    }
    Ok(bases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bases(typed: &str) -> Vec<String> {
        api_bases(typed)
            .unwrap()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_bare_host_is_https_and_tried_at_the_root_then_as_freshrss() {
        assert_eq!(
            bases(" rss.example.com "),
            [
                "https://rss.example.com/",
                "https://rss.example.com/api/greader.php/"
            ]
        );
        assert_eq!(
            bases("localhost:8080"),
            [
                "https://localhost:8080/",
                "https://localhost:8080/api/greader.php/"
            ]
        );
    }

    #[test]
    fn a_freshrss_address_with_its_api_path_is_used_as_typed() {
        assert_eq!(
            bases("https://example.com/freshrss/p/api/greader.php"),
            ["https://example.com/freshrss/p/api/greader.php/"]
        );
        assert_eq!(
            bases("https://example.com/freshrss/p/api/greader.php/accounts/ClientLogin"),
            ["https://example.com/freshrss/p/api/greader.php/"]
        );
    }

    #[test]
    fn a_copied_endpoint_is_cut_back_to_the_base() {
        assert_eq!(
            bases("http://127.0.0.1:8080/reader/api/0/?x=1#top")[0],
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            bases("https://miniflux.example/accounts/ClientLogin")[0],
            "https://miniflux.example/"
        );
    }

    #[test]
    fn an_address_with_a_password_in_it_is_refused_without_repeating_it() {
        let error = api_bases("https://me:hunter2@rss.example.com/").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn other_schemes_and_empty_addresses_are_refused() {
        assert!(api_bases("").is_err());
        assert!(api_bases("ftp://rss.example.com").is_err());
        assert!(api_bases("file:///etc/passwd").is_err());
    }
}
