//! Exporting a stored story: the self-contained HTML page and the Markdown file.

use base64::Engine as _;
use broadsheet_engine::export::{export_html, export_markdown};

fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
use broadsheet_engine::model::{Article, ArticleSummary, RelatedLink};
use chrono::{TimeZone, Utc};
use dom_query::Document;

/// Story text from the seed corpus, shaped as the sanitizer stores it.
const SUMMIT_HTML: &str = include_str!("fixtures/export/seed-summit-story-sanitized.html");
const HOSTILE_TITLE: &str = r#""><img src=x onerror=alert(1)>"#;
const CACHED_JPEG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg";

fn article(title: &str, html: &str) -> Article {
    Article {
        summary: ArticleSummary {
            id: 7,
            feed_id: Some(1),
            feed_title: Some("Daily Example".into()),
            title: title.into(),
            url: Some("https://news.example/2024/a.html".into()),
            author: Some("A. Reporter".into()),
            published: Utc.with_ymd_and_hms(2025, 9, 1, 8, 30, 0).unwrap(),
            read: false,
            bookmarked: false,
            excerpt: String::new(),
            story: 7,
            outlets: 1,
            outlet_feeds: vec![],
        },
        html: html.into(),
        text: String::new(),
        site_name: None,
        lead_image: None,
        related: vec![
            RelatedLink {
                title: "Sarawak sets up a committee [bullying]".into(),
                url: "https://news.example/2024/b.html".into(),
            },
            // Stored as an inert string (payload 49); it must not become a link.
            RelatedLink {
                title: "bad".into(),
                url: "javascript:alert(1)".into(),
            },
        ],
        images: vec![],
        language: None,
        coverage: vec![],
    }
}

fn summit() -> Article {
    article(
        "Beijing Summit Brings Russia, North Korea, and China Together",
        SUMMIT_HTML,
    )
}

fn only_summit_jpeg(url: &str) -> Option<(String, Vec<u8>)> {
    (url == "https://news.example/img/summit.jpg")
        .then(|| ("image/jpeg".to_string(), CACHED_JPEG.to_vec()))
}

fn nothing_cached(_: &str) -> Option<(String, Vec<u8>)> {
    None
}

/// The only policy an export has: pictures from `data:` URIs, nothing from the web.
const STRICT_CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// The Content-Security-Policy an exported page declares.
fn csp_of(doc: &Document) -> String {
    doc.select("meta[http-equiv]")
        .attr("content")
        .unwrap()
        .to_string()
}

#[test]
fn markdown_of_a_small_story_is_exact() {
    let a = article(
        "Small *story*",
        r#"<h2>Part one</h2><p>Hello <em>world</em>, see <a href="https://x.example/p">this</a>.</p><ul><li>one</li><li>two</li></ul>"#,
    );
    let expected = "\
# Small \\*story\\*

Daily Example · A. Reporter · 1 September 2025

[Original story](https://news.example/2024/a.html)

## Part one

Hello *world*, see [this](https://x.example/p).

- one
- two

## Related

- [Sarawak sets up a committee \\[bullying\\]](https://news.example/2024/b.html)
";
    assert_eq!(export_markdown(&a), expected);
}

#[test]
fn markdown_of_a_real_story_keeps_its_structure() {
    let md = export_markdown(&summit());
    let has_line = |line: &str| md.lines().any(|l| l == line);

    assert!(md.starts_with("# Beijing Summit Brings Russia, North Korea, and China Together\n\n"));
    assert!(has_line(
        "## Beijing Summit Brings Russia, North Korea, and China Together"
    ));
    assert!(has_line("### What changed"));
    assert!(md.contains("the *first time* the three"));
    // The figure: the picture (its <img>, not the webp sources), then its caption as a paragraph.
    assert!(md.contains("![Leaders at the summit](https://news.example/img/summit.jpg)\n\nLeaders arrive in **Beijing**."));
    assert!(md.contains("[security landscape](https://news.example/asia/security.html)"));
    assert!(has_line(
        "- Russia and North Korea signed a mutual defense pact in June 2024."
    ));
    assert!(
        md.lines().any(|l| l.starts_with("  ")
            && l.trim_start()
                == "- Pyongyang also maintains a long-standing alliance with Beijing."),
        "the nested item is indented under its parent:\n{md}"
    );
    assert!(has_line(
        "> We must continue to take a clear stand against hegemonism and power politics, and practice true multilateralism."
    ));
    // A paragraph that looks like an ordered list item, and text that looks like emphasis.
    assert!(md.contains("2024\\. A year of pacts; `*not* emphasis` and a\\_snake\\_case\\_word."));
    assert!(has_line("| Leader | Country |"));
    assert!(has_line("| Kim Jong Un | North Korea |"));
    // The table with a spanning cell is text, its cells still apart.
    assert!(
        has_line("15,000 Kursk region"),
        "irregular table as text:\n{md}"
    );
    assert!(has_line("---"));
    assert!(
        md.contains("“Axis of Upheaval”  \ntaking shape"),
        "a <br> is a hard line break"
    );
    assert!(md.contains("![Parade](https://cdn.example/uncached/parade.jpg)"));
    assert!(md.ends_with("## Related\n\n- [Sarawak sets up a committee \\[bullying\\]](https://news.example/2024/b.html)\n"));
    assert!(
        !md.contains("javascript:"),
        "a non-web related link is dropped"
    );
    // No raw HTML passes through: every `<` in the file is escaped.
    assert!(!md.replace("\\<", "").contains('<'), "raw HTML in:\n{md}");
}

#[test]
fn markdown_shows_hostile_text_literally() {
    let mut a = article(
        HOSTILE_TITLE,
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; and # not a heading</p><p># hash first</p><p>1) not a list</p>",
    );
    a.summary.author = Some("'onmouseover='alert(1)".into());
    a.site_name = Some("- Dash Times".into());
    let md = export_markdown(&a);
    assert!(
        md.starts_with("# \"\\>\\<img src=x onerror=alert(1)\\>\n\n"),
        "{md}"
    );
    assert!(
        md.contains("\n\\- Dash Times · 'onmouseover='alert(1) · 1 September 2025\n"),
        "{md}"
    );
    assert!(
        md.contains("\\<script>alert(1)\\</script> and # not a heading"),
        "{md}"
    );
    assert!(md.contains("\n\\# hash first\n"), "{md}");
    assert!(md.contains("\n1\\) not a list\n"), "{md}");
}

#[test]
fn html_escapes_a_hostile_title_and_byline() {
    let mut a = article(HOSTILE_TITLE, "<p>x</p>");
    a.summary.author = Some("'onmouseover='alert(1)".into());
    let html = export_html(&a, &nothing_cached);
    assert!(
        html.contains("<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>"),
        "{html}"
    );
    assert!(
        html.contains("<h1>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h1>"),
        "{html}"
    );
    assert!(html.contains("&#39;onmouseover=&#39;alert(1)"), "{html}");

    let doc = Document::from(html.as_str());
    assert!(doc.select("img").is_empty(), "the title made an element");
    assert!(doc.select("[onerror], [onmouseover]").is_empty());
    assert_eq!(doc.select("h1").text().to_string(), HOSTILE_TITLE);
    assert_eq!(doc.select("title").text().to_string(), HOSTILE_TITLE);
}

#[test]
fn html_is_a_complete_page_with_a_strict_policy_and_no_script() {
    let html = export_html(&summit(), &only_summit_jpeg);
    assert!(html.starts_with("<!doctype html>\n"));
    let doc = Document::from(html.as_str());
    assert!(doc
        .select("script, iframe, object, embed, base, link")
        .is_empty());
    assert_eq!(
        doc.select("meta[charset]")
            .attr("charset")
            .unwrap()
            .to_string(),
        "utf-8"
    );
    let csp = doc
        .select(r#"meta[http-equiv="Content-Security-Policy"]"#)
        .attr("content")
        .unwrap()
        .to_string();
    assert!(
        csp.starts_with("default-src 'none'; img-src data:"),
        "{csp}"
    );
    assert!(csp.ends_with("style-src 'unsafe-inline'"), "{csp}");
    assert!(doc
        .select("style")
        .text()
        .contains("prefers-color-scheme: dark"));
    assert_eq!(
        doc.select(".byline").text().to_string(),
        "Daily Example · A. Reporter · 1 September 2025"
    );
    assert_eq!(
        doc.select(".original a").attr("href").unwrap().to_string(),
        "https://news.example/2024/a.html"
    );
    assert_eq!(doc.select("article h3").text().to_string(), "What changed");
    assert_eq!(
        doc.select("article figure figcaption").text().to_string(),
        "Leaders arrive in Beijing."
    );
    assert_eq!(doc.select("article blockquote").length(), 1);
    let related: Vec<String> = doc
        .select(".related a")
        .iter()
        .map(|a| a.attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        related,
        ["https://news.example/2024/b.html"],
        "only web links are listed"
    );
}

#[test]
fn html_inlines_a_cached_picture_and_gives_an_uncached_one_its_alt_text() {
    let html = export_html(&summit(), &only_summit_jpeg);
    let doc = Document::from(html.as_str());
    let expected = format!("data:image/jpeg;base64,{}", base64_encode(CACHED_JPEG));
    let summit_img = doc.select(r#"img[alt="Leaders at the summit"]"#);
    assert_eq!(summit_img.attr("src").unwrap().to_string(), expected);
    // The webp sources would be picked over the inlined picture and fetched from the web.
    assert!(doc.select("picture source").is_empty());
    // An uncached picture would load from the web when the file is opened: its alt text stays.
    assert!(doc.select(r#"img[alt="Parade"]"#).is_empty());
    assert!(!html.contains("cdn.example/uncached"), "{html}");
    assert!(doc.select("article").text().contains("Parade"));
    assert_eq!(csp_of(&doc), STRICT_CSP);
}

/// A story whose pictures the engine refused to fetch (a cloud metadata address, a private
/// network's) still names them: the export must neither keep them nor let the file reach them.
#[test]
fn html_leaves_out_pictures_the_library_does_not_have_and_allows_nothing_remote() {
    let a = article(
        "t",
        concat!(
            r#"<p><img src="https://news.example/img/summit.jpg" alt="Summit"></p>"#,
            r#"<p><img src="http://169.254.169.254/x.png"></p>"#,
            r#"<picture><source srcset="http://10.0.0.1/x.webp"><img src="http://10.0.0.1/x.png" alt="Private"></picture>"#,
            r#"<video src="http://10.0.0.1/v.mp4" poster="http://10.0.0.1/p.png" controls></video>"#,
        ),
    );
    let html = export_html(&a, &only_summit_jpeg);
    let expected = format!("data:image/jpeg;base64,{}", base64_encode(CACHED_JPEG));
    let doc = Document::from(html.as_str());
    assert_eq!(
        doc.select(r#"img[alt="Summit"]"#)
            .attr("src")
            .unwrap()
            .to_string(),
        expected
    );
    for trace in ["169.254.169.254", "10.0.0.1"] {
        assert!(!html.contains(trace), "{trace} in {html}");
    }
    assert_eq!(doc.select("img").length(), 1);
    for directive in csp_of(&doc).split(';') {
        assert!(
            !directive.contains("http") && !directive.contains('*'),
            "{directive} allows a remote source"
        );
    }
}

#[test]
fn html_with_every_picture_cached_allows_only_data_pictures() {
    let a = article(
        "t",
        r#"<p><img src="https://news.example/a.png" srcset="https://news.example/a.png 1x, https://news.example/a2.png 2x" alt="a"></p>"#,
    );
    let html = export_html(&a, &|url: &str| {
        (url == "https://news.example/a.png")
            .then(|| ("image/png".to_string(), vec![0x89, b'P', b'N', b'G']))
    });
    let doc = Document::from(html.as_str());
    let img = doc.select("img");
    assert_eq!(
        img.attr("src").unwrap().to_string(),
        "data:image/png;base64,iVBORw=="
    );
    assert!(
        img.attr("srcset").is_none(),
        "a srcset would win over the inlined picture"
    );
    assert_eq!(csp_of(&doc), STRICT_CSP);
}

#[test]
fn html_inlines_a_picture_cached_under_a_srcset_candidate() {
    let a = article(
        "t",
        r#"<img src="https://news.example/small.png" srcset="https://news.example/big.png 2x">"#,
    );
    let html = export_html(&a, &|url: &str| {
        (url == "https://news.example/big.png")
            .then(|| ("image/png".to_string(), b"foobar".to_vec()))
    });
    assert!(
        html.contains(r#"<img src="data:image/png;base64,Zm9vYmFy">"#),
        "{html}"
    );
}

#[test]
fn a_non_web_original_link_is_not_exported() {
    let mut a = article("t", "<p>x</p>");
    a.summary.url = Some("javascript:alert(1)".into());
    assert!(!export_html(&a, &nothing_cached).contains("javascript:"));
    assert!(!export_markdown(&a).contains("javascript:"));
}

#[test]
fn html_stops_inlining_at_the_budget_when_a_picture_repeats() {
    // A hostile story shows one cached 5 MiB picture 40 times: inlining every copy would
    // make a 270 MB file. Inlining stops at 64 MiB of data: URIs (9 copies of 6.7 MiB).
    let html = r#"<img src="https://news.example/big.jpg">"#.repeat(40);
    let big = vec![0u8; 5 * 1024 * 1024];
    let lookups = std::cell::Cell::new(0);
    let out = export_html(&article("t", &html), &|url: &str| {
        lookups.set(lookups.get() + 1);
        (url == "https://news.example/big.jpg").then(|| ("image/jpeg".to_string(), big.clone()))
    });
    let doc = Document::from(out.as_str());
    assert_eq!(
        doc.select(r#"img[src^="data:image/jpeg;base64,"]"#)
            .length(),
        9
    );
    assert_eq!(doc.select("img").length(), 9, "the rest are left out");
    assert!(!out.contains("https://news.example/big.jpg"));
    assert!(out.len() < 65 * 1024 * 1024, "{} bytes", out.len());
    assert_eq!(lookups.get(), 1, "one cache lookup per URL");
}

#[test]
fn html_does_not_inline_a_cached_file_that_is_not_a_picture() {
    // Whatever the cache says, only a plain `image/...` type may shape a data: URI.
    for mime in [
        "text/html",
        "image/png;charset=x",
        "image/",
        "image/png,evil",
    ] {
        let a = article("t", r#"<img src="https://news.example/a.png">"#);
        let html = export_html(&a, &|_: &str| Some((mime.to_string(), b"foo".to_vec())));
        let doc = Document::from(html.as_str());
        assert!(doc.select("img").is_empty(), "{mime}");
        assert!(!html.contains("https://news.example/a.png"), "{mime}");
    }
}

/// An older library may hold a story whose link carries the feed's `user:password@` (derived
/// from the feed's address): an export is shared, so it never carries the password.
#[test]
fn exports_leave_a_password_out_of_the_story_and_related_links() {
    let mut story = article("Private", "<p>Body</p>");
    story.summary.url = Some("https://ann:s3cret@news.example/2024/a.html".into());
    story.related[0].url = "https://ann:s3cret@news.example/2024/b.html".into();
    for exported in [
        export_html(&story, &nothing_cached),
        export_markdown(&story),
    ] {
        assert!(!exported.contains("s3cret"), "{exported}");
        assert!(
            exported.contains("https://news.example/2024/a.html"),
            "{exported}"
        );
        assert!(
            exported.contains("https://news.example/2024/b.html"),
            "{exported}"
        );
    }
}
