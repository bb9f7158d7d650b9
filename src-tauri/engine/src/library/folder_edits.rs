//! Renaming and deleting folders, and putting a deleted folder back (the window's Undo).
//!
//! Owns the rules of a folder's name (trimmed, never empty); the SQL is the store's. It must
//! never unsubscribe: a deleted folder's feeds stay in the library, out of any folder. An
//! account's feeds follow on its server at the next sync when they go into a folder (a rename,
//! an Undo); the protocol has no "out of every folder", so a deletion stays here.

use super::{Library, LibraryError, Result};
use crate::model::FeedId;
use crate::store::SyncEdit;

impl Library {
    /// Renames a folder (into another folder's name: the two become one). Returns the feeds
    /// that were in it; none when there was no such folder.
    pub async fn rename_folder(&self, from: String, to: String) -> Result<Vec<FeedId>> {
        let to = folder_name(&to)?;
        let (old, new) = (from.clone(), to.clone());
        let moved = self.blocking(move |s| s.rename_folder(&from, &to)).await?;
        self.mirror_moves(&moved, Some(old), &new).await?;
        Ok(moved)
    }

    /// Deletes a folder, keeping its feeds out of any folder. Returns those feeds, for
    /// [`Library::restore_folder`].
    pub async fn delete_folder(&self, name: String) -> Result<Vec<FeedId>> {
        self.blocking(move |s| s.delete_folder(&name)).await
    }

    /// Puts feeds (those a deleted folder held) back into a folder of that name.
    pub async fn restore_folder(&self, name: String, feeds: Vec<FeedId>) -> Result<()> {
        let name = folder_name(&name)?;
        let (moved, into) = (feeds.clone(), name.clone());
        self.blocking(move |s| s.move_feeds_to_folder(&feeds, &name))
            .await?;
        self.mirror_moves(&moved, None, &into).await
    }

    /// Queues the move of each account feed among `feeds` into folder `to`.
    async fn mirror_moves(&self, feeds: &[FeedId], from: Option<String>, to: &str) -> Result<()> {
        for &feed in feeds {
            let (from, to) = (from.clone(), to.to_owned());
            self.mirror_feed_edit(feed, move |stream| {
                Some(SyncEdit::Move { stream, from, to })
            })
            .await?;
        }
        Ok(())
    }
}

/// A folder's name as kept: trimmed, and not empty.
fn folder_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(LibraryError::InvalidSetting {
            message: "a folder needs a name".into(),
        });
    }
    Ok(name.to_string())
}
