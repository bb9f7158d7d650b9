//! OPML: subscribing to a whole list of feeds from another reader, and writing the
//! subscriptions out for one.
//!
//! Owns turning outlines into subscriptions (http(s) addresses only, folders kept). Never
//! fetches: imported feeds are fetched at the next refresh. Never parses or writes OPML itself
//! (that is `crate::opml`).

use chrono::Utc;
use serde::{Deserialize, Serialize};
use url::Url;

use super::{Library, Result};
use crate::credentials::{take_userinfo, SiteCredential};
use crate::fetch::{is_web_url, redacted};
use crate::opml;
use crate::store::{FeedMeta, NewFeed};

/// What an OPML import did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub added: usize,
    pub already_subscribed: usize,
    /// Outlines whose address was not an http(s) URL.
    pub skipped: usize,
}

impl Library {
    /// Subscribes to every feed of an OPML document, keeping its folders. Feeds are fetched
    /// at the next refresh. A `user:password@` in an address goes to the credential store.
    pub async fn import_opml(&self, text: &str) -> Result<ImportReport> {
        // A list from another reader can be large: parsing is CPU work, off the async threads.
        let text = text.to_owned();
        let outlines = tokio::task::spawn_blocking(move || opml::parse_opml(&text)).await??;
        let mut report = ImportReport::default();
        let mut feeds: Vec<(Url, Option<SiteCredential>, opml::OpmlFeed)> = Vec::new();
        for o in outlines {
            match Url::parse(o.xml_url.trim()) {
                Ok(u) if is_web_url(&u) => {
                    let (url, login) = take_userinfo(&u);
                    if let Some(login) = &login {
                        self.keep_login(login).await?;
                    }
                    feeds.push((url, login, o));
                }
                _ => report.skipped += 1,
            }
        }
        self.blocking(move |s| {
            let now = Utc::now();
            for (url, login, o) in feeds {
                let new = NewFeed {
                    url: url.to_string(),
                    folder: o.folder,
                    meta: FeedMeta {
                        title: o.title,
                        site_url: o
                            .html_url
                            .and_then(|h| Url::parse(&h).ok())
                            .filter(is_web_url)
                            .map(|u| redacted(&u)),
                        ..FeedMeta::default()
                    },
                };
                let (id, added) = s.add_feed(&new, now)?;
                if login.is_some() {
                    s.set_feed_credentials(id, true)?;
                }
                if added {
                    report.added += 1;
                } else {
                    report.already_subscribed += 1;
                }
            }
            Ok(report)
        })
        .await
    }

    /// The subscriptions as an OPML 2.0 document, with folders.
    pub async fn export_opml(&self) -> Result<String> {
        let feeds = self.feeds().await?;
        Ok(opml::write_opml(&feeds, Utc::now()))
    }
}
