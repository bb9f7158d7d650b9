//! Which feeds send a password (kept in the credential store, never here), and taking
//! `user:password@` out of the addresses an older library stored. It must never store a
//! password: only the flag that the credential store holds one for the feed's origin.

use rusqlite::params;

use super::packed::{self, Upto};
use super::{articles, Result, Store};
use crate::model::{ArticleId, FeedId};

impl Store {
    /// Marks whether a feed sends the password kept for its origin.
    pub fn set_feed_credentials(&self, id: FeedId, on: bool) -> Result<()> {
        self.set_feed_flag(id, "has_credentials", on)
    }

    /// The feeds whose stored address may hold a `user:password@` (an older library's).
    pub fn feeds_with_userinfo(&self) -> Result<Vec<(FeedId, String)>> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT id, url FROM feeds WHERE url LIKE '%@%' ORDER BY id")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Gives a feed its address without `userinfo` (as written in its URL, `user:password`),
    /// marks it as sending its origin's password, and cuts `//userinfo@` out of every address
    /// derived from the old one (its site and icon, its stories' links, keys, pictures and
    /// HTML). Returns false, changing nothing, when another feed already has the bare address.
    pub fn move_out_userinfo(&self, id: FeedId, bare_url: &str, userinfo: &str) -> Result<bool> {
        self.write(|tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM feeds WHERE url = ?1 AND id != ?2)",
                params![bare_url, id],
                |r| r.get(0),
            )?;
            if taken {
                return Ok(false);
            }
            let needle = format!("//{userinfo}@");
            tx.execute(
                "UPDATE feeds SET url = ?2, has_credentials = 1,
                     site_url = replace(site_url, ?3, '//'), icon_url = replace(icon_url, ?3, '//'),
                     error_message = replace(error_message, ?3, '//')
                 WHERE id = ?1",
                params![id, bare_url, needle],
            )?;
            tx.execute(
                "UPDATE feed_icons SET url = replace(url, ?2, '//') WHERE feed_id = ?1",
                params![id, needle],
            )?;
            // OR IGNORE: a story whose cleaned key another story of the feed already has keeps
            // its old key rather than failing the whole library's opening.
            tx.execute(
                "UPDATE OR IGNORE articles SET url = replace(url, ?2, '//'),
                     key = replace(key, ?2, '//'),
                     lead_image = replace(lead_image, ?2, '//'),
                     related = replace(related, ?2, '//'), images = replace(images, ?2, '//')
                 WHERE feed_id = ?1",
                params![id, needle],
            )?;
            // The story's texts are packed, out of SQL's reach, and the search index holds the
            // words of its title and text: both cleaned one story at a time.
            let mut bodies =
                tx.prepare("SELECT id, title, body FROM articles WHERE feed_id = ?1")?;
            let mut rewrite = tx.prepare_cached("UPDATE articles SET body = ?2 WHERE id = ?1")?;
            let mut rows = bodies.query([id])?;
            while let Some(r) = rows.next()? {
                let (story, title) = (r.get::<_, ArticleId>(0)?, r.get::<_, String>(1)?);
                let body = packed::column(r, 2, Upto::Html)?;
                if [&body.excerpt, &body.text, &body.html]
                    .iter()
                    .any(|t| t.contains(&needle))
                {
                    let clean = |t: &str| t.replace(&needle, "//");
                    let text = clean(&body.text);
                    rewrite.execute(params![
                        story,
                        packed::pack(&clean(&body.excerpt), &text, &clean(&body.html))
                    ])?;
                    articles::reindex_text(tx, story, &title, &text)?;
                }
            }
            Ok(true)
        })
    }

    /// Rewrites the library file and empties its write-ahead log, so that what was replaced
    /// (a password, once) is in no free page or old log frame either. Slow on a big library:
    /// only after [`Store::move_out_userinfo`] changed something.
    pub fn scrub(&self) -> Result<()> {
        // `optimize` merges the search index's segments into one, leaving out the words of
        // entries deleted since (a contentless index only marks them deleted until then).
        self.run_on_writer(
            "INSERT INTO article_fts (article_fts) VALUES ('optimize');
             VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{article, fetched, store, subscribe};

    #[test]
    fn a_password_in_a_stored_story_is_taken_out_of_its_packed_texts_and_search_index_too() {
        let (dir, store) = store();
        let feed = subscribe(&store, "https://reader:hunter2@news.example/feed");
        let mut story = article("a", "Summit", "h", 1_700_000_000);
        story.html =
            r#"<p>Read <a href="https://reader:hunter2@news.example/more">more</a>.</p>"#.into();
        story.text = "Read more at https://reader:hunter2@news.example/more.".into();
        store.apply_updates(&[fetched(feed, vec![story])]).unwrap();
        let id = store.articles(&Default::default()).unwrap()[0].id;

        assert!(store
            .move_out_userinfo(feed, "https://news.example/feed", "reader:hunter2")
            .unwrap());
        let cleaned = store.article(id).unwrap();
        assert_eq!(
            cleaned.html,
            r#"<p>Read <a href="https://news.example/more">more</a>.</p>"#
        );
        assert_eq!(cleaned.text, "Read more at https://news.example/more.");
        // The search index no longer knows the password's word, even in a deleted entry.
        let search = |q: &str| {
            store
                .articles(&crate::model::ArticleQuery {
                    search: Some(q.into()),
                    ..Default::default()
                })
                .unwrap()
                .len()
        };
        assert_eq!(search("hunter2"), 0);
        assert_eq!(search("more"), 1);
        store.scrub().unwrap();
        // The index stores each word after the prefix it shares with the word before it
        // ("https", "hunter2"), so the file is searched for the password's tail.
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            assert!(!bytes.windows(6).any(|w| w == b"unter2"));
        }
    }
}
