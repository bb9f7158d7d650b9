//! Passwords the person gave Broadsheet (in a feed's address today, a sync account's later),
//! kept out of the library: in the operating system's credential store (Keychain, Windows
//! Credential Manager, the Secret Service), or where there is none (a headless Linux machine),
//! in a file only the user may read, outside the library folder.
//!
//! Owns where a secret lives, its key (a service kind and an account: for a feed, its origin),
//! taking `user:password@` out of an address, and the one rule for whom a password is for (its
//! own origin). It must never write a secret into the library, a log line or an error message.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::{Origin, Url};

use crate::error_kind::ErrorKind;

/// What a secret is for; the first half of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceKind {
    /// A feed's user name and password, for the feed's origin.
    Feed,
    /// A sync account's user name and API password.
    SyncAccount,
}

impl ServiceKind {
    fn name(self) -> &'static str {
        match self {
            ServiceKind::Feed => "feed",
            ServiceKind::SyncAccount => "sync-account",
        }
    }
}

/// A user name and password. Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// The user name, percent-decoded.
    pub user: String,
    /// The password, percent-decoded.
    pub password: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// A credential and the one origin (scheme, host and port) it may be sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteCredential {
    origin: Origin,
    /// The user name and password.
    pub credential: Credential,
}

impl SiteCredential {
    /// `credential` for the origin of `url`.
    pub fn new(url: &Url, credential: Credential) -> SiteCredential {
        SiteCredential {
            origin: url.origin(),
            credential,
        }
    }

    /// Whether this credential may be sent to `url`: only to its own origin.
    pub fn covers(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// The account it is kept under: the origin, as `https://host:port`.
    pub fn account(&self) -> String {
        self.origin.ascii_serialization()
    }
}

/// The account a feed at `url` keeps its credential under (its origin).
pub fn account_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// `url` without its `user:password@`, and what that was, for the origin of `url`.
pub fn take_userinfo(url: &Url) -> (Url, Option<SiteCredential>) {
    if url.username().is_empty() && url.password().is_none() {
        return (url.clone(), None);
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let credential = Credential {
        user: decode(url.username()),
        password: decode(url.password().unwrap_or("")),
    };
    let mut bare = url.clone();
    // Only URLs that cannot have a host refuse these, and a web address always has one.
    let _ = bare.set_username("");
    let _ = bare.set_password(None);
    let credential = (!credential.user.is_empty() || !credential.password.is_empty())
        .then(|| SiteCredential::new(&bare, credential));
    (bare, credential)
}

/// Text that may hold an address typed by a person, with any `user:password@` cut out of it;
/// for error messages about input that is not (yet) a URL.
pub fn redact_text(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let rest = &input[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &input[..start], &rest[at + 1..]),
        None => input.to_owned(),
    }
}

/// Where secrets are kept; the app says which.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CredentialPlace {
    /// Nowhere: a password given in an address is refused (a library opened without a place,
    /// as most tests open one).
    #[default]
    Nowhere,
    /// The operating system's credential store; where it cannot be reached, this file (which
    /// must be outside the library folder).
    System {
        /// The file used when the system has no credential store.
        fallback: PathBuf,
    },
    /// Only this file, readable by the user alone (tests, and `BROADSHEET_CREDENTIALS_FILE`).
    File(PathBuf),
}

/// Why a secret could not be kept or read. Never holds the secret.
#[derive(Debug, Error)]
pub enum CredentialError {
    /// No place to keep passwords was given.
    #[error("credentials: this library has no place to keep passwords")]
    Nowhere,
    /// The operating system's credential store failed.
    #[error("credentials: the system's credential store failed: {0}")]
    System(String),
    /// The fallback file could not be read or written.
    #[error("credentials: cannot use {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The fallback file is not what this module writes.
    #[error("credentials: {path} is damaged: {detail}")]
    Damaged { path: PathBuf, detail: String },
}

impl CredentialError {
    /// The stable kind, for the window and scripts.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::Credentials
    }
}

type Result<T, E = CredentialError> = std::result::Result<T, E>;

/// The secrets, wherever they are kept; cheap to share, safe across threads. Its calls block
/// (the system store may answer over D-Bus): call them off the async workers.
pub struct CredentialStore {
    place: CredentialPlace,
    backend: OnceLock<Backend>,
    /// What was read or written, so a refresh of many feeds on one server asks the store once.
    known: Mutex<HashMap<(ServiceKind, String), Option<Credential>>>,
}

enum Backend {
    Nowhere,
    System {
        store: Arc<keyring_core::CredentialStore>,
        /// Read too, for secrets kept while the system store was unavailable.
        fallback: PathBuf,
    },
    File(PathBuf),
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("place", &self.place)
            .finish_non_exhaustive()
    }
}

/// The service name of an entry in the system's store.
const SERVICE: &str = "Broadsheet";

impl CredentialStore {
    /// A store keeping secrets in `place`. Nothing is touched before the first call.
    pub fn new(place: CredentialPlace) -> CredentialStore {
        CredentialStore {
            place,
            backend: OnceLock::new(),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// The secret kept for `account`, if any.
    pub fn get(&self, kind: ServiceKind, account: &str) -> Result<Option<Credential>> {
        let key = (kind, account.to_owned());
        if let Some(known) = self.known().get(&key) {
            return Ok(known.clone());
        }
        let found =
            match self.backend() {
                Backend::Nowhere => None,
                Backend::System { store, fallback } => {
                    match system_entry(store, kind, account)?.get_secret() {
                        Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| {
                            CredentialError::System(format!("unreadable entry: {e}"))
                        })?),
                        Err(keyring_core::Error::NoEntry) => file_get(fallback, kind, account)?,
                        Err(e) => return Err(CredentialError::System(e.to_string())),
                    }
                }
                Backend::File(path) => file_get(path, kind, account)?,
            };
        self.known().insert(key, found.clone());
        Ok(found)
    }

    /// Keeps `credential` for `account`, replacing what was there.
    pub fn set(&self, kind: ServiceKind, account: &str, credential: &Credential) -> Result<()> {
        match self.backend() {
            Backend::Nowhere => return Err(CredentialError::Nowhere),
            Backend::System { store, .. } => {
                let secret = serde_json::to_vec(credential)
                    .map_err(|e| CredentialError::System(e.to_string()))?;
                system_entry(store, kind, account)?
                    .set_secret(&secret)
                    .map_err(|e| CredentialError::System(e.to_string()))?;
            }
            Backend::File(path) => file_update(path, |all| {
                all.entry(kind.name().to_owned())
                    .or_default()
                    .insert(account.to_owned(), credential.clone());
            })?,
        }
        self.known()
            .insert((kind, account.to_owned()), Some(credential.clone()));
        Ok(())
    }

    /// Forgets the secret kept for `account`, wherever it is kept (the system's store and the
    /// fallback file both); forgetting one that is not there is not an error.
    pub fn remove(&self, kind: ServiceKind, account: &str) -> Result<()> {
        let forget_in_file = |path: &Path| {
            if !path.exists() {
                return Ok(());
            }
            file_update(path, |all| {
                if let Some(accounts) = all.get_mut(kind.name()) {
                    accounts.remove(account);
                }
            })
        };
        match self.backend() {
            Backend::Nowhere => {}
            Backend::System { store, fallback } => {
                match system_entry(store, kind, account)?.delete_credential() {
                    Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                    Err(e) => return Err(CredentialError::System(e.to_string())),
                }
                forget_in_file(fallback)?;
            }
            Backend::File(path) => forget_in_file(path)?,
        }
        self.known().insert((kind, account.to_owned()), None);
        Ok(())
    }

    fn known(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(ServiceKind, String), Option<Credential>>> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn backend(&self) -> &Backend {
        self.backend.get_or_init(|| match &self.place {
            CredentialPlace::Nowhere => Backend::Nowhere,
            CredentialPlace::File(path) => Backend::File(path.clone()),
            CredentialPlace::System { fallback } => match system_store() {
                Ok(store) => Backend::System {
                    store,
                    fallback: fallback.clone(),
                },
                Err(reason) => {
                    // Once per library: the README says where this file is and why.
                    tracing::warn!(
                        file = %fallback.display(),
                        %reason,
                        "no system credential store; passwords are kept in a file only you can read"
                    );
                    Backend::File(fallback.clone())
                }
            },
        })
    }
}

fn system_entry(
    store: &Arc<keyring_core::CredentialStore>,
    kind: ServiceKind,
    account: &str,
) -> Result<keyring_core::Entry> {
    keyring_core::Entry::new_in_store(store, SERVICE, &format!("{} {account}", kind.name()))
        .map_err(|e| CredentialError::System(e.to_string()))
}

/// The platform's credential store, if it answers: a store that cannot be reached (no session
/// bus, no Secret Service) fails here, once, rather than at every password.
fn system_store() -> Result<Arc<keyring_core::CredentialStore>, String> {
    let store = platform_store()?;
    let probe =
        keyring_core::Entry::new_in_store(&store, SERVICE, "probe").map_err(|e| e.to_string())?;
    match probe.get_secret() {
        Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(store),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, String> {
    let store: Arc<keyring_core::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, String> {
    let store: Arc<keyring_core::CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, String> {
    let store: Arc<keyring_core::CredentialStore> =
        zbus_secret_service_keyring_store::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "macos",
    target_os = "windows",
    all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )
)))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, String> {
    Err("this platform has no credential store Broadsheet knows".to_owned())
}

/// The fallback file: kind, then account, then the credential.
type FileContents = BTreeMap<String, BTreeMap<String, Credential>>;

/// Serializes writers of the fallback file within this process.
static FILE_LOCK: Mutex<()> = Mutex::new(());

fn file_get(path: &Path, kind: ServiceKind, account: &str) -> Result<Option<Credential>> {
    Ok(read_file(path)?
        .get(kind.name())
        .and_then(|accounts| accounts.get(account))
        .cloned())
}

fn read_file(path: &Path) -> Result<FileContents> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| CredentialError::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileContents::new()),
        Err(source) => Err(CredentialError::File {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Reads the file, applies `change`, and replaces the file atomically: the new contents are
/// written to a file created readable by the user alone, then renamed over the old one, so the
/// secrets are never readable by others, not even for a moment, and never half written.
fn file_update(path: &Path, change: impl FnOnce(&mut FileContents)) -> Result<()> {
    let _guard = FILE_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    let io = |source| CredentialError::File {
        path: path.to_path_buf(),
        source,
    };
    let mut all = read_file(path)?;
    change(&mut all);
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "credentials".to_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let bytes = serde_json::to_vec_pretty(&all).map_err(|e| CredentialError::Damaged {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let written = (|| {
        let mut file = private_file_options().open(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(io)
}

#[cfg(unix)]
fn private_file_options() -> std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true).mode(0o600);
    options
}

#[cfg(not(unix))]
fn private_file_options() -> std::fs::OpenOptions {
    // Windows: the file inherits the ACL of the user's own profile folder.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_taken_out_of_an_address_and_decoded() {
        let url = Url::parse("https://ann%40home:s%3Acret@news.example:8443/feed?x=1").unwrap();
        let (bare, found) = take_userinfo(&url);
        assert_eq!(bare.as_str(), "https://news.example:8443/feed?x=1");
        let found = found.unwrap();
        assert_eq!(found.credential.user, "ann@home");
        assert_eq!(found.credential.password, "s:cret");
        assert_eq!(found.account(), "https://news.example:8443");
        assert!(!format!("{found:?}").contains("s:cret"));
    }

    #[test]
    fn a_credential_covers_its_own_origin_only() {
        let url = Url::parse("http://u:p@127.0.0.1:8080/feed").unwrap();
        let (_, found) = take_userinfo(&url);
        let found = found.unwrap();
        assert!(found.covers(&Url::parse("http://127.0.0.1:8080/other").unwrap()));
        assert!(!found.covers(&Url::parse("http://127.0.0.1:8081/feed").unwrap()));
        assert!(!found.covers(&Url::parse("https://127.0.0.1:8080/feed").unwrap()));
        assert!(!found.covers(&Url::parse("http://localhost:8080/feed").unwrap()));
    }

    #[test]
    fn typed_text_loses_its_userinfo() {
        assert_eq!(redact_text("http://u:secret@host/a@b"), "http://host/a@b");
        assert_eq!(redact_text("not an address"), "not an address");
        assert_eq!(redact_text("https://host/x"), "https://host/x");
    }
}
