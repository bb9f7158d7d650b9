//! Renaming and deleting folders: the SQL for changing a folder as a whole.
//!
//! Owns only the `folders` rows and the feeds' `folder_id`. It must never delete a feed or an
//! article: deleting a folder moves its feeds out of it, nothing more.

use rusqlite::OptionalExtension;

use super::feeds::folder_id;
use super::{Result, Store};
use crate::model::FeedId;

impl Store {
    /// Renames a folder. Renaming into the name of another folder merges the two (its feeds
    /// join that folder). Returns the feeds of the renamed folder; none when it did not exist.
    pub fn rename_folder(&self, from: &str, to: &str) -> Result<Vec<FeedId>> {
        self.write(|tx| {
            let Some(old) = folder_named(tx, from)? else {
                return Ok(Vec::new());
            };
            let feeds = folder_feeds(tx, old)?;
            let to = to.trim();
            // The name column compares without case, so "news" -> "News" finds the same row.
            match folder_named(tx, to)? {
                Some(id) if id != old => {
                    tx.execute(
                        "UPDATE feeds SET folder_id = ?2 WHERE folder_id = ?1",
                        [old, id],
                    )?;
                    tx.execute("DELETE FROM folders WHERE id = ?1", [old])?;
                }
                _ => {
                    tx.execute(
                        "UPDATE folders SET name = ?2 WHERE id = ?1",
                        rusqlite::params![old, to],
                    )?;
                }
            }
            Ok(feeds)
        })
    }

    /// Deletes a folder; its feeds stay, out of any folder. Returns those feeds (so the
    /// window can put them back); none when the folder did not exist.
    pub fn delete_folder(&self, name: &str) -> Result<Vec<FeedId>> {
        self.write(|tx| {
            let Some(old) = folder_named(tx, name)? else {
                return Ok(Vec::new());
            };
            let feeds = folder_feeds(tx, old)?;
            tx.execute(
                "UPDATE feeds SET folder_id = NULL WHERE folder_id = ?1",
                [old],
            )?;
            tx.execute("DELETE FROM folders WHERE id = ?1", [old])?;
            Ok(feeds)
        })
    }

    /// Puts feeds back into a folder (created if needed): undoes `delete_folder`.
    pub fn move_feeds_to_folder(&self, feeds: &[FeedId], name: &str) -> Result<()> {
        self.write(|tx| {
            let id = folder_id(tx, name)?;
            for feed in feeds {
                tx.execute(
                    "UPDATE feeds SET folder_id = ?2 WHERE id = ?1",
                    [*feed, id],
                )?;
            }
            // None of the feeds existed any more: no empty folder is left behind.
            tx.execute(
                "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
                [],
            )?;
            Ok(())
        })
    }
}

/// The folder of that name (compared without case), if there is one.
fn folder_named(tx: &rusqlite::Transaction, name: &str) -> Result<Option<i64>> {
    Ok(tx
        .query_row(
            "SELECT id FROM folders WHERE name = ?1",
            [name.trim()],
            |r| r.get(0),
        )
        .optional()?)
}

/// The feeds of one folder, by id.
fn folder_feeds(tx: &rusqlite::Transaction, folder: i64) -> Result<Vec<FeedId>> {
    let mut stmt = tx.prepare("SELECT id FROM feeds WHERE folder_id = ?1 ORDER BY id")?;
    let ids = stmt
        .query_map([folder], |r| r.get::<_, FeedId>(0))?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(ids)
}
