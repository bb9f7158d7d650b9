//! Feed discovery from a page's `<link rel="alternate">` elements.

use broadsheet_engine::feed::{discover_feed_links, looks_like_feed, FeedFormat};
use url::Url;

fn page_url() -> Url {
    Url::parse("https://blog.example/posts/hello.html").unwrap()
}

#[test]
fn rss_atom_and_json_alternates_keep_order_resolve_and_dedupe() {
    let html = r#"<!doctype html><html><head>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
        <link rel="alternate" type="application/atom+xml" title="Atom" href="atom.xml">
        <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
        <link rel="alternate" type="application/feed+json" href="https://blog.example/feed.json">
        <link rel="ALTERNATE home" type="application/rss+xml" title="dup" href="https://blog.example/feed.xml">
        <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
        </head><body></body></html>"#;
    let links = discover_feed_links(html, &page_url()).unwrap();
    let got: Vec<(&str, Option<&str>, FeedFormat)> = links
        .iter()
        .map(|l| (l.url.as_str(), l.title.as_deref(), l.format))
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://blog.example/feed.xml",
                Some("RSS"),
                FeedFormat::Rss
            ),
            (
                "https://blog.example/posts/atom.xml",
                Some("Atom"),
                FeedFormat::Atom
            ),
            ("https://blog.example/feed.json", None, FeedFormat::Json),
        ]
    );
}

#[test]
fn base_href_is_used_when_http() {
    let html = r#"<html><head><base href="https://cdn.example/site/">
        <link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>"#;
    let links = discover_feed_links(html, &page_url()).unwrap();
    assert_eq!(links[0].url.as_str(), "https://cdn.example/site/atom.xml");
}

#[test]
fn non_http_base_href_is_ignored() {
    let html = r#"<html><head><base href="javascript:alert(1)//">
        <link rel="alternate" type="application/rss+xml" href="rss"></head></html>"#;
    let links = discover_feed_links(html, &page_url()).unwrap();
    assert_eq!(links[0].url.as_str(), "https://blog.example/posts/rss");
}

#[test]
fn page_without_feed_links_gives_nothing() {
    let html = "<html><head><title>x</title><link rel=icon href=/f.ico></head><body><a href=/feed>feed</a></body></html>";
    assert!(discover_feed_links(html, &page_url()).unwrap().is_empty());
}

#[test]
fn sniffing_tells_feeds_from_pages() {
    assert!(looks_like_feed(
        b"<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\"><channel/></rss>",
        None
    ));
    assert!(looks_like_feed(
        b"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
        None
    ));
    assert!(looks_like_feed(
        b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>",
        None
    ));
    assert!(looks_like_feed(
        br#"{"items":[],"version":"https://jsonfeed.org/version/1.1"}"#,
        None
    ));
    assert!(!looks_like_feed(
        b"<!DOCTYPE html><html><head></head></html>",
        Some("text/html")
    ));
    assert!(!looks_like_feed(br#"{"version":"1.0","items":[]}"#, None));
    assert!(!looks_like_feed(
        b"<?xml version='1.0' encoding='utf-7'?><rss/>",
        None
    ));
}
