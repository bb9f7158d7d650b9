//! The one list of error kinds: the stable, machine-readable names every error of the engine
//! and the app reports, that scripts (`--json`), the window and the feed health record act on.
//!
//! Each module keeps its own thiserror enum with its own words; its `kind()` maps each case to
//! one of these. The names are stored in libraries (a feed's last error) and read by scripts,
//! so a name never changes once shipped: add a kind, never rename one. This module owns the
//! names and nothing else; it must never import another engine module.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares the enum with its stable names once, so the name table cannot drift from the
/// variants.
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)+) => {
        /// A stable, snake_case name for what went wrong.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorKind {
            $($(#[$doc])* $variant,)+
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$variant,)+];

            /// The stable name, as serialized and stored.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorKind::$variant => $name,)+
                }
            }
        }
    };
}

error_kinds! {
    // The network (engine::fetch).
    /// Not a usable web address.
    InvalidUrl = "invalid_url",
    /// A scheme other than http or https.
    UnsupportedScheme = "unsupported_scheme",
    /// The address is one this fetch may not reach (loopback, private, link-local).
    Blocked = "blocked",
    /// No answer in time.
    Timeout = "timeout",
    /// The connection could not be made (refused, no route, name not resolved, TLS).
    Connect = "connect",
    /// More redirects than the policy allows.
    TooManyRedirects = "too_many_redirects",
    /// A redirect to an address the policy refuses.
    BadRedirect = "bad_redirect",
    /// A body, page or story over its cap.
    TooLarge = "too_large",
    /// The server answered with an error status.
    HttpStatus = "http_status",
    /// The server asked us to come back later (429, Retry-After).
    RateLimited = "rate_limited",
    /// The response broke off or was malformed.
    Body = "body",
    /// The HTTP client could not be set up.
    Client = "client",
    /// A name on the local network, which the feed was not allowed to reach (its details can).
    LocalNetwork = "local_network",
    /// A redirect from https to plain http, refused.
    InsecureRedirect = "insecure_redirect",
    /// The server sent a type this fetch does not read (a picture as a feed, a PDF as a page).
    UnexpectedContentType = "unexpected_content_type",
    // Feeds (engine::feed).
    /// The document is not a feed.
    NotAFeed = "not_a_feed",
    /// The feed is broken beyond what the parser forgives.
    MalformedFeed = "malformed_feed",
    /// The feed declares an encoding we cannot read.
    UnsupportedEncoding = "unsupported_encoding",
    /// The feed nests too deeply to parse safely.
    FeedTooDeep = "feed_too_deep",
    /// The feed parser crashed on this feed (caught).
    FeedParserPanic = "feed_parser_panic",
    /// A site's page links to no feed and the usual feed addresses have none.
    NoFeedFound = "no_feed_found",
    // Pages and HTML (engine::extract, engine::sanitize).
    /// Nesting or attributes that would make parsing too slow.
    TooComplex = "too_complex",
    /// The page has no story to extract.
    NoContent = "no_content",
    /// A page address the extractor cannot use.
    UnsupportedUrl = "unsupported_url",
    // Pictures and icons (engine::images, engine::icons).
    /// The picture cache's folder could not be read or written.
    ImageCacheIo = "image_cache_io",
    /// The bytes are not a picture we keep.
    NotAnImage = "not_an_image",
    /// A 1x1 tracking picture, refused.
    TrackingPixel = "tracking_pixel",
    /// One picture larger than the whole cache budget.
    OverBudget = "over_budget",
    /// No icon found for a feed.
    NoIcon = "no_icon",
    // OPML.
    /// The OPML document could not be read.
    OpmlMalformed = "opml_malformed",
    /// The OPML document is over its cap.
    OpmlTooLarge = "opml_too_large",
    // The library (engine::store, engine::library).
    /// The library file cannot be opened or is damaged.
    LibraryUnreadable = "library_unreadable",
    /// The library was written by a newer Broadsheet.
    LibraryTooNew = "library_too_new",
    /// A database error inside the library.
    Library = "library",
    /// No feed with that id.
    NoSuchFeed = "no_such_feed",
    /// No article with that id.
    NoSuchArticle = "no_such_article",
    /// No sync account with that id.
    NoSuchAccount = "no_such_account",
    /// A file or folder of the library (or one the person chose) could not be used.
    Io = "io",
    /// A setting out of range or of the wrong kind.
    InvalidSetting = "invalid_setting",
    /// A rule refused: a broken or too costly pattern, an unknown field or action.
    InvalidRule = "invalid_rule",
    /// No rule with that id.
    NoSuchRule = "no_such_rule",
    // Sync accounts (engine::sync).
    /// The server refused the account's user name or API password.
    Auth = "auth",
    /// The account's server could not be reached (no connection, no answer in time).
    Unreachable = "unreachable",
    /// The server answered with something that is not the protocol (an HTML page, `200 []`).
    UnexpectedAnswer = "unexpected_answer",
    /// A password could not be kept in, or read from, the credential store.
    Credentials = "credentials",
    // The app.
    /// A link with a scheme the system browser is never handed (only http, https, mailto are).
    RefusedScheme = "refused_scheme",
    /// The system could not open a link in the browser.
    Opener = "opener",
    /// A bug: something that should not happen did.
    Internal = "internal",
}

impl ErrorKind {
    /// The kind named by a stored or serialized name. A name this version does not know (a
    /// library written by a later version) reads as [`ErrorKind::Internal`]; its message, kept
    /// beside it, still says what happened.
    pub fn from_stored(name: &str) -> ErrorKind {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == name)
            .unwrap_or(ErrorKind::Internal)
    }

    /// Whether this says the network itself failed (no connection, no answer), rather than
    /// one server answering badly. A refresh in which every feed fails this way found no
    /// network.
    pub fn is_network(self) -> bool {
        matches!(self, ErrorKind::Connect | ErrorKind::Timeout)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and scripts compare a kind with its stable name directly.
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorKind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_serializes_to_its_stable_name_and_reads_back() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).unwrap(), *kind);
            assert_eq!(ErrorKind::from_stored(kind.as_str()), *kind);
        }
    }

    #[test]
    fn the_stable_names_are_unique() {
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }

    #[test]
    fn a_name_from_a_later_version_reads_as_internal() {
        assert_eq!(ErrorKind::from_stored("quantum_flux"), ErrorKind::Internal);
    }
}
