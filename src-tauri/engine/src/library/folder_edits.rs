//! Renaming and deleting folders, and putting a deleted folder back (the window's Undo).
//!
//! Owns the rules of a folder's name (trimmed, never empty); the SQL is the store's. It must
//! never unsubscribe: a deleted folder's feeds stay in the library, out of any folder.

use super::{Library, LibraryError, Result};
use crate::model::FeedId;

impl Library {
    /// Renames a folder (into another folder's name: the two become one). Returns the feeds
    /// that were in it; none when there was no such folder.
    pub async fn rename_folder(&self, from: String, to: String) -> Result<Vec<FeedId>> {
        let to = folder_name(&to)?;
        self.blocking(move |s| s.rename_folder(&from, &to)).await
    }

    /// Deletes a folder, keeping its feeds out of any folder. Returns those feeds, for
    /// [`Library::restore_folder`].
    pub async fn delete_folder(&self, name: String) -> Result<Vec<FeedId>> {
        self.blocking(move |s| s.delete_folder(&name)).await
    }

    /// Puts feeds (those a deleted folder held) back into a folder of that name.
    pub async fn restore_folder(&self, name: String, feeds: Vec<FeedId>) -> Result<()> {
        let name = folder_name(&name)?;
        self.blocking(move |s| s.move_feeds_to_folder(&feeds, &name))
            .await
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
