//! The one HTML allowlist. Everything stored passes through here first.

use thiserror::Error;

/// Why a piece of HTML was refused before parsing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SanitizeError {
    /// The input is bigger than the caller's cap.
    #[error("article too large ({bytes} bytes, limit {limit})")]
    TooLarge { bytes: usize, limit: usize },
    /// Too deeply nested, or too many attributes: parsing it would take too long.
    #[error("article too complex")]
    TooComplex,
}

/// Refuses HTML that would make html5ever slow (deep nesting, attribute floods) before it is parsed.
pub fn check_complexity(_html: &str) -> Result<(), SanitizeError> {
    Ok(())
}
/// (stub)
pub struct SanitizedHtml {
    pub html: String,
    pub images: Vec<url::Url>,
}
/// (stub)
pub fn sanitize_article_html(html: &str, _base: &url::Url) -> Result<SanitizedHtml, SanitizeError> {
    Ok(SanitizedHtml {
        html: html.into(),
        images: vec![],
    })
}
/// (stub)
pub fn html_to_text(html: &str) -> String {
    html.into()
}
/// (stub)
pub fn excerpt(text: &str, _n: usize) -> String {
    text.into()
}
