//! What can go wrong talking to a Reader API server, with stable kinds, and the one type a
//! password or token travels in. It must never let a secret reach Display, Debug or a message.

use std::fmt;
use std::time::Duration;

use crate::error_kind::ErrorKind;
use crate::fetch::{retry_note, FetchError};

/// A password or token: shown as `***` by Debug, with no Display, so it cannot reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret given by the person or the server.
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself, for the one request that sends it.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Why a call to the server failed; no variant holds the password or a token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GReaderError {
    /// The typed server address cannot be used.
    #[error("sync: unusable server address: {reason}")]
    InvalidAddress { reason: String },
    /// The server refused the user name, the API password or the session.
    #[error("sync: {server} refused the user name or API password")]
    Auth { server: String },
    /// No connection, or no answer in time.
    #[error("sync: cannot reach {server}: {detail}")]
    Unreachable { server: String, detail: String },
    /// 429, or 503 with Retry-After.
    #[error("sync: rate limited by {server}{}", retry_note(*retry_after))]
    RateLimited {
        server: String,
        retry_after: Option<Duration>,
    },
    /// Any other error status.
    #[error("sync: {status} from {server} for {endpoint}")]
    Server {
        server: String,
        endpoint: String,
        status: u16,
    },
    /// A 2xx answer that is not what the protocol says (an HTML page, `[]`, a missing field).
    #[error("sync: {server} answered {endpoint} with something else than the Google Reader API: {detail}")]
    UnexpectedAnswer {
        server: String,
        endpoint: String,
        detail: String,
    },
    /// An answer over the body cap.
    #[error("sync: the answer of {server} to {endpoint} is over {limit} bytes")]
    TooLarge {
        server: String,
        endpoint: String,
        limit: u64,
    },
    /// The fetcher refused the request (the network policy, the client): its own error,
    /// which names the endpoint's address and no secret.
    #[error("sync: {0}")]
    Refused(FetchError),
}

impl GReaderError {
    /// The stable name of the error, for the account's error record and `--json`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            GReaderError::InvalidAddress { .. } => ErrorKind::InvalidUrl,
            GReaderError::Auth { .. } => ErrorKind::Auth,
            GReaderError::Unreachable { .. } => ErrorKind::Unreachable,
            GReaderError::RateLimited { .. } => ErrorKind::RateLimited,
            GReaderError::Server { .. } => ErrorKind::HttpStatus,
            GReaderError::UnexpectedAnswer { .. } => ErrorKind::UnexpectedAnswer,
            GReaderError::TooLarge { .. } => ErrorKind::TooLarge,
            GReaderError::Refused(error) => error.kind(),
        }
    }
}
