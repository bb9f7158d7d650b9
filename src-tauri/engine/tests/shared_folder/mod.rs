//! Where the tests find the project's shared folder (test corpora and the seed story): it lives
//! beside the repository, not in it, at `<repo>/../shared`, or wherever `BROADSHEET_SHARED`
//! says (`tests/run-all` sets it when the checkout is a clone elsewhere).

use std::path::PathBuf;

/// `sub` inside the shared folder, or `None` with a note on stderr when it is not there (the
/// test that needs it then has nothing to check, and says so).
pub fn shared(sub: &str) -> Option<PathBuf> {
    let root = std::env::var_os("BROADSHEET_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    );
    let dir = root.join(sub);
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} not found (set BROADSHEET_SHARED to the shared folder)",
            dir.display()
        );
        None
    }
}
