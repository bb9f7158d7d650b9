//! The window's types, generated from the Rust types that cross the IPC bridge, so `ui/` keeps
//! no hand copies that can drift. `ui/bindings.d.ts` is checked in; this test fails when it no
//! longer matches the Rust side, and `BROADSHEET_BLESS=1 cargo test --lib bindings` writes it
//! anew. Test-only: nothing here is in the shipped app.

use broadsheet_engine::error_kind::ErrorKind;
use broadsheet_engine::library::{
    ExportFormat, FeedCandidate, ImportReport, RulesImport, Subscription,
};
use broadsheet_engine::model::{
    Account, Article, ArticleImage, ArticleQuery, ArticleSummary, ArticleView, Feed, FeedHealth,
    Folder, NotifyBatch, Range, RefreshError, RefreshProgress, RefreshReport, RelatedLink,
    Settings, SettingsLimits, StoryLink, SyncError, SyncPhase, SyncProgress, SyncReport,
};
use broadsheet_engine::rules::miniflux::SkippedLine;
use broadsheet_engine::rules::{PatternKind, Rule, RuleAction, RuleField, RuleSpec};
use ts_rs::{Config, TS};

use crate::commands::{AppError, AppInfo, LibraryUpdated};

/// Where the generated declarations live, beside the UI that imports them.
const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/bindings.d.ts");

/// One exported TypeScript declaration, with its doc comment.
fn declare<T: TS>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

/// Every type the window receives or sends, in one file.
fn generate() -> String {
    // Ids are SQLite rowids: JSON numbers, well inside a double's exact range.
    let cfg = Config::new().with_large_int("number");
    let parts = [
        declare::<ErrorKind>(&cfg),
        declare::<AppError>(&cfg),
        declare::<AppInfo>(&cfg),
        declare::<LibraryUpdated>(&cfg),
        declare::<FeedHealth>(&cfg),
        declare::<Feed>(&cfg),
        declare::<Folder>(&cfg),
        declare::<ArticleSummary>(&cfg),
        declare::<RelatedLink>(&cfg),
        declare::<StoryLink>(&cfg),
        declare::<ArticleImage>(&cfg),
        declare::<Article>(&cfg),
        declare::<ArticleView>(&cfg),
        declare::<ArticleQuery>(&cfg),
        declare::<RefreshError>(&cfg),
        declare::<NotifyBatch>(&cfg),
        declare::<RefreshReport>(&cfg),
        declare::<Account>(&cfg),
        declare::<SyncError>(&cfg),
        declare::<SyncReport>(&cfg),
        declare::<RefreshProgress>(&cfg),
        declare::<SyncPhase>(&cfg),
        declare::<SyncProgress>(&cfg),
        declare::<Settings>(&cfg),
        declare::<Range>(&cfg),
        declare::<SettingsLimits>(&cfg),
        declare::<FeedCandidate>(&cfg),
        declare::<Subscription>(&cfg),
        declare::<ImportReport>(&cfg),
        declare::<ExportFormat>(&cfg),
        declare::<RuleField>(&cfg),
        declare::<RuleAction>(&cfg),
        declare::<PatternKind>(&cfg),
        declare::<RuleSpec>(&cfg),
        declare::<Rule>(&cfg),
        declare::<SkippedLine>(&cfg),
        declare::<RulesImport>(&cfg),
    ];
    format!(
        "// Generated from the Rust types by src-tauri/bindings.rs: do not edit by hand.\n\
         // BROADSHEET_BLESS=1 cargo test --lib bindings writes it anew.\n\n{}",
        parts.join("\n")
    )
}

#[test]
fn the_windows_types_match_the_rust_types() {
    let generated = generate();
    if std::env::var_os("BROADSHEET_BLESS").is_some() {
        std::fs::write(BINDINGS, &generated).expect("ui/bindings.d.ts is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(BINDINGS).unwrap_or_default();
    assert!(
        checked_in == generated,
        "ui/bindings.d.ts does not match the Rust types: run \
         `BROADSHEET_BLESS=1 cargo test --lib bindings` and commit the result"
    );
}
