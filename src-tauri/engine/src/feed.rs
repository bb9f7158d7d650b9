//! (Interface stub; replaced by the real module.)
use chrono::{DateTime, Utc};
use thiserror::Error;
use url::Url;
pub struct ParsedFeed {
    pub title: String,
    pub site_url: Option<Url>,
    pub description: Option<String>,
    pub icon_url: Option<Url>,
    pub items: Vec<ParsedItem>,
}
pub struct Enclosure {
    pub url: Url,
    pub mime: Option<String>,
    pub length: Option<u64>,
}
pub struct ParsedItem {
    pub key: String,
    pub url: Option<Url>,
    pub title: String,
    pub author: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub summary_html: Option<String>,
    pub content_html: Option<String>,
    pub base_url: Url,
    pub enclosures: Vec<Enclosure>,
}
#[derive(Debug, Error)]
pub enum FeedError {
    #[error("not a feed")]
    NotAFeed,
}
impl FeedError {
    pub fn kind(&self) -> &'static str {
        "x"
    }
}
pub fn parse_feed(
    _b: &[u8],
    _ct: Option<&str>,
    _u: &Url,
    _t: DateTime<Utc>,
) -> Result<ParsedFeed, FeedError> {
    Err(FeedError::NotAFeed)
}
pub fn looks_like_feed(_b: &[u8], _ct: Option<&str>) -> bool {
    false
}
pub struct FeedLink {
    pub url: Url,
    pub title: Option<String>,
}
pub fn discover_feed_links(_h: &str, _u: &Url) -> Vec<FeedLink> {
    vec![]
}
pub const COMMON_FEED_PATHS: &[&str] = &["/feed"];
