//! The shapes the servers answer in: the `ClientLogin` reply and the items of
//! `stream/items/contents`, read leniently (ids, numbers or strings, missing fields) and turned
//! into [`Item`]s. It must never make a request or hold a secret longer than the answer.

use chrono::DateTime;
use serde::Deserialize;
use serde_json::Value;

use super::{Item, ItemId, Secret, StateTag};

/// The `Auth=` line of a `ClientLogin` answer.
pub(super) fn auth_line(body: &[u8]) -> Option<Secret> {
    String::from_utf8_lossy(body)
        .lines()
        .find_map(|line| line.trim().strip_prefix("Auth="))
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .map(Secret::new)
}

/// A JSON string or number as text (servers send ids and continuations as either).
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An item of `stream/items/contents`, as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawItem {
    id: String,
    #[serde(default)]
    categories: Vec<String>,
    title: Option<String>,
    author: Option<String>,
    published: Option<Value>,
    #[serde(default)]
    canonical: Vec<Link>,
    #[serde(default)]
    alternate: Vec<Link>,
    content: Option<Content>,
    summary: Option<Content>,
    origin: Option<Origin>,
}

#[derive(Deserialize)]
struct Link {
    href: String,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    content: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Origin {
    stream_id: String,
}

impl RawItem {
    pub(super) fn into_item(self) -> Option<Item> {
        let has = |tag: StateTag| self.categories.iter().any(|c| tag.matches(c));
        let published = self
            .published
            .as_ref()
            .and_then(scalar_text)
            .and_then(|text| text.parse::<i64>().ok())
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0));
        let url = self
            .canonical
            .iter()
            .chain(&self.alternate)
            .map(|link| link.href.trim())
            .find(|href| !href.is_empty())
            .map(str::to_owned);
        let html = [&self.content, &self.summary]
            .into_iter()
            .flatten()
            .map(|c| c.content.as_str())
            .find(|c| !c.trim().is_empty())
            .unwrap_or_default()
            .to_owned();
        Some(Item {
            id: ItemId::parse(&self.id)?,
            read: has(StateTag::Read),
            starred: has(StateTag::Starred),
            feed_id: self.origin?.stream_id,
            title: self.title.filter(|t| !t.trim().is_empty()),
            url,
            author: self.author.filter(|a| !a.trim().is_empty()),
            published,
            html,
        })
    }
}
