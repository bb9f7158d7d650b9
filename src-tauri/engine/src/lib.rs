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
//! Who calls whom: the window and the command line call `library` for every operation (and
//! take only values, names and error types from elsewhere); nothing in the engine calls
//! `library`; `process` is pure (no network, no database, no clock) and calls only `sanitize`.
//!
//! Rules every stage shares are written once, in leaf modules the stages import and that
//! import none of them: `picture_rules` (srcset, lazy pictures, tracking pixels),
//! `image_scheme` (the addresses of kept pictures), `hex`, `error_kind` (the stable error
//! names). Only `store` holds SQL.

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
pub mod sanitize;
pub mod store;
