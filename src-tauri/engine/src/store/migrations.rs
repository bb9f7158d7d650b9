//! The schema: the migrations in `migrations/`, applied in order when a library is opened.
//!
//! `PRAGMA user_version` is the number of migrations applied. A migration that has shipped is
//! never edited, only followed by the next; a library written by a newer Broadsheet is refused,
//! never migrated down.

use std::path::Path;

use rusqlite::Connection;

use super::{Result, StoreError};

/// Schema changes, in order. `PRAGMA user_version` is the number applied; never edit one
/// that has shipped, add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_images.sql"),
    include_str!("migrations/0003_feed_icons.sql"),
    include_str!("migrations/0004_language.sql"),
    include_str!("migrations/0005_local_network.sql"),
    include_str!("migrations/0006_feed_credentials.sql"),
    include_str!("migrations/0007_accounts.sql"),
    include_str!("migrations/0008_rules.sql"),
    include_str!("migrations/0009_stories.sql"),
    include_str!("migrations/0010_packed_stories.sql"),
];

/// Migrations that rewrite most rows smaller: a library migrated across one is compacted
/// (`VACUUM`) once, since SQLite leaves a shrunk row alone on its page (schema 10 left a
/// 200-story library one story per page, three quarters of each page empty, and no free page).
const COMPACTING: &[i64] = &[10];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the library open on `conn` to [`SCHEMA_VERSION`], each migration in a transaction
/// of its own, then compacts it if one of them rewrote most rows smaller.
pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = i as i64 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
        tracing::info!(version, "library migrated");
    }
    if found > 0 && COMPACTING.iter().any(|&v| found < v) {
        // Outside any transaction, as VACUUM must be.
        conn.execute_batch("VACUUM")?;
        tracing::info!("library compacted after migrating");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_library_from_a_newer_version_is_refused_not_migrated_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
                .unwrap();
        }
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.kind(), "library_too_new");
    }

    #[test]
    fn every_earlier_schema_version_migrates_to_the_current_one() {
        for start in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("library.sqlite3");
            {
                let c = Connection::open(&path).unwrap();
                for sql in &MIGRATIONS[..start as usize] {
                    c.execute_batch(sql).unwrap();
                }
                c.execute_batch(&format!("PRAGMA user_version = {start}"))
                    .unwrap();
            }
            let store = Store::open(&path).unwrap();
            let v: i64 = store
                .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
                .unwrap();
            assert_eq!(v, SCHEMA_VERSION);
            assert_eq!(store.integrity_check().unwrap(), ["ok"]);
            // Schema 4: feeds keep the language they declare.
            let language_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM pragma_table_info('feeds') WHERE name = 'language'",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(language_columns, 1, "from version {start}");
            // Schema 5: every feed starts without the local network.
            let local_network_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM pragma_table_info('feeds')
                         WHERE name = 'local_network' AND dflt_value = '0'",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(local_network_columns, 1, "from version {start}");
            // Schema 6: feeds say whether they send a password from the credential store.
            let credential_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM pragma_table_info('feeds') WHERE name = 'has_credentials'",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(credential_columns, 1, "from version {start}");
            // Schema 7: accounts, which feeds and articles are theirs, and the edits to push.
            let sync_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT (SELECT count(*) FROM pragma_table_info('feeds')
                                 WHERE name IN ('account_id', 'remote_id'))
                              + (SELECT count(*) FROM pragma_table_info('articles')
                                 WHERE name = 'remote_id')
                              + (SELECT count(*) FROM pragma_table_info('accounts'))
                              + (SELECT count(*) FROM pragma_table_info('sync_queue'))",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(sync_columns, 3 + 9 + 8, "from version {start}");
            // Schema 8: rules, and stories hidden by them or due to be announced.
            let rule_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT (SELECT count(*) FROM pragma_table_info('rules'))
                              + (SELECT count(*) FROM pragma_table_info('article_state')
                                 WHERE name IN ('hidden', 'notify'))
                              + (SELECT count(*) FROM pragma_table_info('feeds') WHERE name = 'notify')
                              + (SELECT count(*) FROM pragma_table_info('articles') WHERE name = 'categories')",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(rule_columns, 10 + 4, "from version {start}");
            // Schema 9: articles name their story, found through an index.
            let story_columns: i64 = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT (SELECT count(*) FROM pragma_table_info('articles') WHERE name = 'story_id')
                              + (SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name LIKE 'articles_story%')",
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(story_columns, 3, "from version {start}");
            // Schema 10: the long texts packed into `body`, the search index contentless.
            let packed: (i64, i64) = store
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT (SELECT count(*) FROM pragma_table_info('articles')
                                 WHERE name IN ('body', 'html', 'text', 'excerpt')),
                                (SELECT count(*) FROM sqlite_schema
                                 WHERE name = 'article_fts' AND sql LIKE '%contentless_delete = 1%')",
                        [],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?)
                })
                .unwrap();
            assert_eq!(packed, (1, 1), "from version {start}");
        }
    }

    #[test]
    fn stories_of_a_schema_9_library_are_packed_and_still_read_searched_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        let filler = "Officials described the first session as frank and useful. ".repeat(40);
        {
            let c = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..9] {
                c.execute_batch(sql).unwrap();
            }
            c.execute_batch("PRAGMA user_version = 9").unwrap();
            c.execute(
                "INSERT INTO feeds (id, url, title, created_at) VALUES (1, 'https://news.example/feed', 'News', 0)",
                [],
            )
            .unwrap();
            for n in 0..200 {
                c.execute(
                    "INSERT INTO articles (id, feed_id, key, title, published, fetched_at, html, text,
                                           excerpt, source_hash)
                     VALUES (?1, 1, ?1, ?2, ?1, 0, ?3, ?4, ?5, 'h')",
                    rusqlite::params![
                        n + 1,
                        format!("Summit talks, day {n}"),
                        format!("<p>Leaders met in Beijing on day {n}.</p><p>{filler}</p>"),
                        format!("Leaders met in Beijing on day {n}. {filler}"),
                        format!("Leaders met in Beijing on day {n}."),
                    ],
                )
                .unwrap();
                c.execute(
                    "INSERT INTO article_state (article_id) VALUES (?1)",
                    [n + 1],
                )
                .unwrap();
            }
        }
        let before = std::fs::metadata(&path).unwrap().len();

        let store = Store::open(&path).unwrap();
        let article = store.article(8).unwrap();
        assert_eq!(article.summary.excerpt, "Leaders met in Beijing on day 7.");
        assert!(article
            .html
            .starts_with("<p>Leaders met in Beijing on day 7.</p>"));
        assert_eq!(
            article.text,
            format!("Leaders met in Beijing on day 7. {filler}")
        );
        let found = |words: &str| {
            store
                .articles(&crate::model::ArticleQuery {
                    search: Some(words.into()),
                    limit: Some(1000),
                    ..Default::default()
                })
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(found("\"day 7\" beijing"), [8]);
        store
            .write(|tx| Ok(tx.execute("DELETE FROM articles WHERE id = 8", [])?))
            .unwrap();
        assert!(found("\"day 7\" beijing").is_empty());
        assert_eq!(found("frank").len(), 199);
        assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        drop(store);
        // The old columns' space was given back, not left as free pages.
        let after = std::fs::metadata(&path).unwrap().len();
        assert!(after * 2 < before, "{before} bytes before, {after} after");
    }
}
