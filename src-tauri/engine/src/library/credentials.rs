//! Feeds' passwords: kept in the credential store under the feed's origin when a person gives
//! one (`https://user:password@host/feed`), found again for each refresh, and moved there out
//! of the addresses an older library stored. Only the order of calls lives here: the store
//! keeps the flag, `crate::credentials` the secret. Never puts a password in the library, an
//! error or a log line.

use std::path::Path;
use std::sync::Arc;

use url::Url;

use super::{Library, LibraryError, Result};
use crate::credentials::{
    account_of, take_userinfo, CredentialError, CredentialPlace, CredentialStore, ServiceKind,
    SiteCredential,
};
use crate::fetch::redacted;
use crate::model::FeedId;
use crate::store::{Store, StoreError};

impl Library {
    /// Keeps `login` in the credential store (before the feed that needs it is stored, so a
    /// feed never says it has a password the store lacks).
    pub(super) async fn keep_login(&self, login: &SiteCredential) -> Result<()> {
        let credentials = Arc::clone(&self.credentials);
        let (account, credential) = (login.account(), login.credential.clone());
        tokio::task::spawn_blocking(move || {
            credentials.set(ServiceKind::Feed, &account, &credential)
        })
        .await?
        .map_err(LibraryError::from)
    }

    /// Forgets the password of `url`'s origin once no feed left in the library sends it (a
    /// password given for one feed serves every feed of its origin).
    pub(super) async fn forget_unused_login(&self, url: &str) -> Result<()> {
        let Ok(url) = Url::parse(url) else {
            return Ok(());
        };
        let account = account_of(&url);
        let feeds = self.blocking(|s| s.feeds_to_refresh(None)).await?;
        let still_sent = feeds.iter().any(|f| {
            f.has_credentials && Url::parse(&f.url).is_ok_and(|u| account_of(&u) == account)
        });
        if still_sent {
            return Ok(());
        }
        let credentials = Arc::clone(&self.credentials);
        tokio::task::spawn_blocking(move || credentials.remove(ServiceKind::Feed, &account))
            .await?
            .map_err(LibraryError::from)
    }

    /// Keeps `login` and marks feed `id` as sending it.
    pub(super) async fn give_feed_login(&self, id: FeedId, login: &SiteCredential) -> Result<()> {
        self.keep_login(login).await?;
        self.blocking(move |s| s.set_feed_credentials(id, true))
            .await
    }
}

/// Refuses a password file inside the library folder: the library is copied, synced and
/// shared, and must never carry a password.
pub(super) fn check_place(library: &Path, place: &CredentialPlace) -> Result<()> {
    let file = match place {
        CredentialPlace::Nowhere => return Ok(()),
        CredentialPlace::System { fallback } => fallback,
        CredentialPlace::File(file) => file,
    };
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if absolute(file).starts_with(absolute(library)) {
        return Err(LibraryError::InvalidSetting {
            message: format!(
                "the password file {} must not be inside the library folder {}",
                file.display(),
                library.display()
            ),
        });
    }
    Ok(())
}

/// The password kept for the origin of the feed at `url`, if one is. A store that fails is
/// logged and the feed is fetched without: its server's refusal then shows on the feed.
pub(super) async fn login_for(
    credentials: &Arc<CredentialStore>,
    url: &Url,
) -> Option<SiteCredential> {
    let credentials = Arc::clone(credentials);
    let account = account_of(url);
    let found =
        tokio::task::spawn_blocking(move || credentials.get(ServiceKind::Feed, &account)).await;
    match found {
        Ok(Ok(Some(credential))) => Some(SiteCredential::new(url, credential)),
        Ok(Ok(None)) => {
            tracing::warn!(url = %redacted(url), "no password kept for this feed's site");
            None
        }
        Ok(Err(error)) => {
            tracing::warn!(url = %redacted(url), %error, "cannot read this feed's password");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "reading a feed's password stopped unexpectedly");
            None
        }
    }
}

/// Whether an older library's stored addresses still hold a `user:password@` that
/// [`move_out_of_addresses`] has not moved yet.
pub(super) fn passwords_in_addresses(store: &Store) -> Result<bool, StoreError> {
    Ok(!addresses_with_logins(store)?.is_empty())
}

/// The feeds whose stored address holds a `user:password@`: each with that address, the address
/// without it, and the login. (The store's `@` finds candidates; `medium.com/feed/@name` is not
/// one.)
fn addresses_with_logins(
    store: &Store,
) -> Result<Vec<(FeedId, Url, Url, SiteCredential)>, StoreError> {
    let mut found = Vec::new();
    for (id, stored) in store.feeds_with_userinfo()? {
        let Ok(url) = Url::parse(&stored) else {
            continue;
        };
        if let (bare, Some(login)) = take_userinfo(&url) {
            found.push((id, url, bare, login));
        }
    }
    Ok(found)
}

/// Moves the `user:password@` of addresses an older library stored into the credential store,
/// and out of every address derived from them. A feed whose password cannot be kept (no place
/// for passwords, or the store failing) keeps its address until the next opening.
pub(super) fn move_out_of_addresses(
    store: &Store,
    credentials: &CredentialStore,
) -> Result<(), StoreError> {
    let mut moved = false;
    for (id, url, bare, login) in addresses_with_logins(store)? {
        let userinfo = match url.password() {
            Some(password) => format!("{}:{password}", url.username()),
            None => url.username().to_owned(),
        };
        let kept: Result<(), CredentialError> =
            credentials.set(ServiceKind::Feed, &login.account(), &login.credential);
        if let Err(error) = kept {
            tracing::warn!(url = %bare, %error, "a feed's password stays in its address for now");
            continue;
        }
        if store.move_out_userinfo(id, bare.as_str(), &userinfo)? {
            moved = true;
        } else {
            tracing::warn!(url = %bare, "another feed has this address; the password stays in its address");
        }
    }
    if moved {
        store.scrub()?;
    }
    Ok(())
}
