//! Editing a feed's address from its details. Only the checks and the order of calls live
//! here: the address is read as a subscription's is (a bare `example.com` is https), and the
//! store changes it. It never fetches: the next refresh (Retry) tries the new address.

use super::{parse_user_url, Library, LibraryError, Result};
use crate::model::FeedId;

impl Library {
    /// Points a feed at a new address, keeping its stories and state. Fails when the input
    /// is not a web address, or another feed already has it.
    pub async fn set_feed_url(&self, id: FeedId, input: &str) -> Result<()> {
        let (url, login) = parse_user_url(input)?;
        let url = url.to_string();
        let changed = {
            let url = url.clone();
            self.blocking(move |s| s.set_feed_url(id, &url)).await?
        };
        if !changed {
            return Err(LibraryError::InvalidSetting {
                message: format!("another of your feeds already has the address {url}"),
            });
        }
        if let Some(login) = login {
            self.give_feed_login(id, &login).await?;
        }
        Ok(())
    }
}
