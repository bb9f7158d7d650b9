//! Changing a feed's address (its site moved its feed). The feed keeps its stories, read
//! state, bookmarks, name and folder; what the old address's server said about caching is
//! forgotten, so the next refresh asks the new one afresh. It must never merge two feeds.

use rusqlite::{params, OptionalExtension};

use super::{Result, Store, StoreError};
use crate::model::FeedId;

impl Store {
    /// Points a feed at a new address. Returns false, changing nothing, when another feed
    /// already has that address.
    pub fn set_feed_url(&self, id: FeedId, url: &str) -> Result<bool> {
        self.write(|tx| {
            let other: Option<FeedId> = tx
                .query_row(
                    "SELECT id FROM feeds WHERE url = ?1 AND id != ?2",
                    params![url, id],
                    |r| r.get(0),
                )
                .optional()?;
            if other.is_some() {
                return Ok(false);
            }
            let n = tx.execute(
                "UPDATE feeds SET url = ?2, etag = NULL, last_modified = NULL, body_hash = NULL,
                     retry_after = NULL
                 WHERE id = ?1",
                params![id, url],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchFeed(id));
            }
            Ok(true)
        })
    }
}
