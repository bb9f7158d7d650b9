//! The user's settings: one JSON value, brought into range on the way in and on the way out.
//!
//! What the settings are and their ranges belong to `model::Settings`; this file only keeps
//! them.

use rusqlite::OptionalExtension;

use super::{Result, Store, StoreError};
use crate::model::Settings;

impl Store {
    /// The user's settings (defaults for anything never saved).
    pub fn settings(&self) -> Result<Settings> {
        self.read(|c| {
            let json: Option<String> = c
                .query_row(
                    "SELECT value FROM settings WHERE key = 'settings'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(json
                .and_then(|j| serde_json::from_str::<Settings>(&j).ok())
                .unwrap_or_default()
                .normalized())
        })
    }

    /// Saves the user's settings, brought into range first; returns what was saved.
    pub fn save_settings(&self, settings: Settings) -> Result<Settings> {
        let settings = settings.normalized();
        let json = serde_json::to_string(&settings)
            .map_err(|_| StoreError::Poisoned("settings are not serializable"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('settings', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json],
            )?;
            Ok(())
        })?;
        Ok(settings)
    }
}
