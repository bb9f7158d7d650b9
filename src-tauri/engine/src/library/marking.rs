//! Marking what a list shows as read, and putting exactly those stories back (undo).
//!
//! Only the order of calls lives here; the selection itself is the store's (the list's own
//! query). It must never compute which stories a list shows on its own.

use chrono::Utc;

use super::{Library, Result};
use crate::model::{ArticleId, ArticleQuery};

impl Library {
    /// Marks read every unread story the list `query` shows (feed, folder, filter, search),
    /// all pages; returns their ids so an undo can mark exactly them unread again.
    pub async fn mark_query_read(&self, query: ArticleQuery) -> Result<Vec<ArticleId>> {
        self.blocking(move |s| s.mark_query_read(&query, Utc::now()))
            .await
    }

    /// Marks exactly these stories read or unread; returns how many changed.
    pub async fn set_read_many(&self, ids: Vec<ArticleId>, read: bool) -> Result<usize> {
        self.blocking(move |s| s.set_read_many(&ids, read, Utc::now()))
            .await
    }
}
