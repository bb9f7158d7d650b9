//! Broadsheet's engine: everything between a URL and a stored, sanitized story.
//!
//! One stage, one module: `fetch` owns the network policy, `feed` turns bytes into
//! parsed feeds, `extract` finds the story in a page, `sanitize` holds the one HTML
//! allowlist, `images` keeps stories' pictures, `icons` finds each feed's icon, `process` turns a
//! parsed item or an extracted page into what is stored (pure: no network, no database),
//! `store` owns the SQLite library, `library` is the set of operations the app and the command
//! line offer and the only place that puts the stages in order, and `export` writes one stored
//! story out as a self-contained HTML file or as Markdown. This crate never depends on Tauri.
//!
//! Who may call whom; a module never calls one above it, so there are no circles:
//! 1. leaves, which import no engine module but each other: `error_kind` (the stable error
//!    names), `credentials` (passwords, kept out of the library), `hex`, `deflate` (writes the
//!    store's compressed bodies; flate2 reads them), `image_scheme` (the
//!    addresses of kept pictures), `picture_rules` (`srcset`, lazy pictures, tracking pixels),
//!    `model` (the values the app receives), `rules` (what a mute or notify rule is and what it
//!    matches: pure), `runs` (runs of characters in text, the walk behind words and whitespace), `stories` (which articles of different outlets
//!    report one event: the measure and the grouping rules, pure);
//! 2. the stages: `fetch` (the only code that talks to the network), then `sanitize`, `feed` and
//!    `extract`, which take only `fetch`'s address and charset rules, never a request; and
//!    `sync`, the Google Reader API client, which for now sends its own requests (POSTs, which
//!    `fetch` does not make yet) with `fetch`'s timeouts and caps, only to the server the person
//!    typed, and no redirects: moving them into `fetch` is open work;
//! 3. `store` (the only SQL; it takes only leaves), `process` (the item-to-article step: pure,
//!    no network, no database, no clock; stages and the store's value types only), `images`,
//!    `icons`, `export` and `opml`, each over the stages and the store;
//! 4. `library`, the only place that puts the stages in order. Nothing in the engine calls it;
//!    the window and the command line call it for every operation and take only values, names
//!    and error types from elsewhere.
//!
//! Rules every stage shares are written once, in the leaves; `tests/code_shape.rs` fails when
//! SQL appears outside `store/` or a source file passes 800 lines of code.

pub mod credentials;
pub mod deflate;
pub mod error_kind;
pub mod export;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod hex;
pub mod icons;
pub mod image_scheme;
pub mod images;
pub mod library;
pub mod model;
pub mod opml;
pub mod picture_rules;
pub mod process;
pub mod rules;
pub mod runs;
pub mod sanitize;
pub mod store;
pub mod stories;
pub mod sync;

/// The memory allocator of Broadsheet's programs: the window's, the command line's and the
/// benchmarks' `main` install it with `#[global_allocator]`. mimalloc, which made a first
/// import about 7% faster than glibc's malloc (BENCHMARKS.md, "The allocator, taken"). On Linux it
/// replaces `malloc` for the C libraries as well (see the engine's `Cargo.toml`).
pub use mimalloc::MiMalloc as Allocator;
