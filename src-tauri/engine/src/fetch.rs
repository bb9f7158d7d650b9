//! The HTTP policy: one place decides timeouts, caps, redirects and which addresses may be reached.
//! (Interface stub; replaced by the real module.)
use std::time::Duration;
use thiserror::Error;
use url::Url;

#[derive(Debug, Clone, Default)]
pub struct FetchConfig {}
#[derive(Debug, Clone, Copy)]
pub enum BodyKind {
    Feed,
    Page,
    Image,
}
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Reach {
    pub loopback: bool,
    pub private: bool,
    pub link_local: bool,
}
impl Reach {
    pub const PUBLIC: Reach = Reach {
        loopback: false,
        private: false,
        link_local: false,
    };
    pub async fn of_origin(_url: &Url) -> Reach {
        Reach::PUBLIC
    }
}
pub struct FetchRequest<'a> {
    pub url: &'a Url,
    pub kind: BodyKind,
    pub reach: Reach,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}
pub enum FetchOutcome {
    NotModified { final_url: Url },
    Fetched(FetchedBody),
}
pub struct FetchedBody {
    pub final_url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
}
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("rate limited {url}")]
    RateLimited {
        url: String,
        retry_after: Option<Duration>,
    },
}
impl FetchError {
    pub fn kind(&self) -> &'static str {
        "x"
    }
}
#[derive(Clone)]
pub struct Fetcher {}
impl Fetcher {
    pub fn new(_c: FetchConfig) -> Result<Fetcher, FetchError> {
        Ok(Fetcher {})
    }
    pub async fn fetch(&self, req: FetchRequest<'_>) -> Result<FetchOutcome, FetchError> {
        Err(FetchError::RateLimited {
            url: req.url.to_string(),
            retry_after: None,
        })
    }
}
