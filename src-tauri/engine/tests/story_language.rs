//! A feed's declared language reaches the stories the window shows (issue 9: the story
//! frame's document gets `lang`), through parsing, the store and the article query, in
//! process against a loopback server.

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::{ArticleQuery, Feed, RefreshProgress};
use fixture_server::{FixtureServer, Reply};

/// Long enough that the items are whole stories, not teasers to complete from their pages.
fn body() -> String {
    "A sentence that makes the story whole. ".repeat(20)
}

/// An RSS 2.0 feed declaring `<language>` (when given) with one item.
fn rss_in(server: &FixtureServer, language: Option<&str>) -> String {
    let language = language
        .map(|l| format!("<language>{l}</language>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Le Quotidien</title>
<link>{home}</link>{language}<item><title>Une histoire</title><guid>fr-1</guid>
<link>{link}</link><description>{body}</description></item></channel></rss>"#,
        home = server.url("/"),
        link = server.url("/fr-1.html"),
        body = body(),
    )
}

/// An Atom feed whose root says `xml:lang="ar"`.
fn atom_in_arabic(server: &FixtureServer) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>الصحيفة</title>
<id>urn:example:ar</id><updated>2025-09-01T08:00:00Z</updated>
<link rel="alternate" href="{home}"/>
<entry><title>قصة</title><id>urn:example:ar:1</id><updated>2025-09-01T08:00:00Z</updated>
<link rel="alternate" href="{link}"/><content type="html">{body}</content></entry></feed>"#,
        home = server.url("/"),
        link = server.url("/ar-1.html"),
        body = body(),
    )
}

fn no_progress(_: RefreshProgress) {}

/// The language of the (one) story of `feed`, as the window reads it.
async fn language_of_story(library: &Library, feed: &Feed) -> Option<String> {
    let list = library
        .articles(ArticleQuery {
            feed_id: Some(feed.id),
            ..ArticleQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    library.article(list[0].id).await.unwrap().language
}

#[tokio::test(flavor = "multi_thread")]
async fn rss_language_and_atom_xml_lang_reach_the_stories() {
    let server = FixtureServer::start().await.unwrap();
    // feed-rs lowercases RSS `<language>`; the stored tag has the conventional casing.
    server.route(
        "/fr.xml",
        Reply::ok("application/rss+xml", rss_in(&server, Some("fr-FR"))),
    );
    server.route(
        "/ar.xml",
        Reply::ok("application/atom+xml", atom_in_arabic(&server)),
    );
    server.route(
        "/none.xml",
        Reply::ok("application/rss+xml", rss_in(&server, None)),
    );
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();

    let fr = library
        .subscribe(&server.url("/fr.xml"), None)
        .await
        .unwrap();
    let ar = library
        .subscribe(&server.url("/ar.xml"), None)
        .await
        .unwrap();
    let none = library
        .subscribe(&server.url("/none.xml"), None)
        .await
        .unwrap();
    assert_eq!(
        language_of_story(&library, &fr.feed).await.as_deref(),
        Some("fr-FR")
    );
    assert_eq!(
        language_of_story(&library, &ar.feed).await.as_deref(),
        Some("ar")
    );
    assert_eq!(language_of_story(&library, &none.feed).await, None);

    // A refresh keeps the feed's latest word: it now says German, with a Java-style locale.
    server.route(
        "/fr.xml",
        Reply::ok("application/rss+xml", rss_in(&server, Some("de_AT"))),
    );
    library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(
        language_of_story(&library, &fr.feed).await.as_deref(),
        Some("de-AT")
    );
}
