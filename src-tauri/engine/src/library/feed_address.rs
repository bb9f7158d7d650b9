//! Editing a feed's address from its details. Only the checks and the order of calls live
//! here: the address is read as a subscription's is (a bare `example.com` is https), and the
//! store changes it. It never fetches: the next refresh (Retry) tries the new address.

use super::{parse_user_url, Library, LibraryError, Result};
use crate::model::FeedId;

impl Library {
    /// Points a feed at a new address, keeping its stories and state. Fails when the input
    /// is not a web address, another feed already has it, or the feed is a sync account's
    /// (its server fetches it, from the address it holds).
    pub async fn set_feed_url(&self, id: FeedId, input: &str) -> Result<()> {
        let (url, login) = parse_user_url(input)?;
        if self.blocking(move |s| s.feed_account(id)).await?.is_some() {
            return Err(LibraryError::InvalidSetting {
                message: "a synced feed's address is kept by its account's server; \
                          subscribe to the new address instead"
                    .to_owned(),
            });
        }
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
