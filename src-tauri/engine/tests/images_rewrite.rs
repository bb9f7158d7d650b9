//! Rewriting stored story HTML for the window: pictures from the app's own scheme, nothing
//! remote. (Inlining pictures into a self-contained export is `export_html`'s, tested in
//! `export_story.rs`.)

use std::collections::HashMap;

use broadsheet_engine::images::rewrite_image_urls;

fn tokens(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(u, t)| ((*u).to_owned(), (*t).to_owned()))
        .collect()
}

const A_TOKEN: &str = "0123456789abcdef0123456789abcdef";
const B_TOKEN: &str = "fedcba9876543210fedcba9876543210";

#[test]
fn a_cached_img_src_points_at_the_image_scheme() {
    let html =
        r#"<p>Before</p><img src="https://news.example/a.png" alt="The harbour"><p>After</p>"#;
    let out = rewrite_image_urls(html, &tokens(&[("https://news.example/a.png", A_TOKEN)]));
    assert_eq!(
        out,
        format!(
            r#"<p>Before</p><img src="broadsheet-img://localhost/{A_TOKEN}" alt="The harbour"><p>After</p>"#
        )
    );
}

#[test]
fn a_picture_not_cached_loses_its_src_but_keeps_its_alt_text() {
    let html = r#"<figure><img src="https://t.example/p.gif?uid=42" alt="Chart of rates"><figcaption>Rates</figcaption></figure>"#;
    let out = rewrite_image_urls(html, &HashMap::new());
    assert_eq!(
        out,
        r#"<figure><img alt="Chart of rates"><figcaption>Rates</figcaption></figure>"#
    );
    assert!(!out.contains("t.example"));
}

#[test]
fn srcset_keeps_only_cached_candidates_with_their_descriptors() {
    let html = r#"<img src="https://news.example/a.png" srcset="https://news.example/a.png 1x, https://news.example/b.png 2x, https://news.example/c.png 3x">"#;
    let map = tokens(&[
        ("https://news.example/a.png", A_TOKEN),
        ("https://news.example/b.png", B_TOKEN),
    ]);
    let out = rewrite_image_urls(html, &map);
    assert_eq!(
        out,
        format!(
            r#"<img src="broadsheet-img://localhost/{A_TOKEN}" srcset="broadsheet-img://localhost/{A_TOKEN} 1x, broadsheet-img://localhost/{B_TOKEN} 2x">"#
        )
    );
    // No candidate cached: the attribute goes entirely.
    let out = rewrite_image_urls(html, &HashMap::new());
    assert_eq!(out, "<img>");
}

// Payload 27 (picture_source) after sanitizing: a <source> in a <picture> is a picture too.
#[test]
fn picture_sources_are_rewritten_or_emptied_like_img() {
    let html = r#"<picture><source srcset="https://news.example/s.webp 1x" type="image/webp"><source srcset="https://news.example/s.avif" type="image/avif"><img src="https://news.example/a.png" alt="x"></picture>"#;
    let map = tokens(&[("https://news.example/s.webp", B_TOKEN)]);
    let out = rewrite_image_urls(html, &map);
    assert_eq!(
        out,
        format!(
            r#"<picture><source srcset="broadsheet-img://localhost/{B_TOKEN} 1x" type="image/webp"><source type="image/avif"><img alt="x"></picture>"#
        )
    );
}

// The stored HTML escapes `&` in attributes; the token map holds the URL itself.
#[test]
fn escaped_ampersands_and_unnormalized_urls_still_find_their_token() {
    let html = r#"<img src="https://news.example/img?w=600&amp;h=400"><img src="HTTPS://News.Example/b.png">"#;
    let map = tokens(&[
        ("https://news.example/img?w=600&h=400", A_TOKEN),
        ("https://news.example/b.png", B_TOKEN),
    ]);
    let out = rewrite_image_urls(html, &map);
    assert_eq!(
        out,
        format!(
            r#"<img src="broadsheet-img://localhost/{A_TOKEN}"><img src="broadsheet-img://localhost/{B_TOKEN}">"#
        )
    );
}

// The window's CSP loads nothing remote; a remote media address would only be a CSP violation.
#[test]
fn video_and_audio_lose_their_remote_sources_and_posters() {
    let html = r#"<video src="https://news.example/v.mp4" poster="https://news.example/a.png" controls=""><source src="https://news.example/v.webm"></video><audio src="https://news.example/a.mp3" controls=""></audio>"#;
    let map = tokens(&[("https://news.example/a.png", A_TOKEN)]);
    let out = rewrite_image_urls(html, &map);
    assert_eq!(
        out,
        format!(
            r#"<video poster="broadsheet-img://localhost/{A_TOKEN}" controls=""><source></video><audio controls=""></audio>"#
        )
    );
}

#[test]
fn text_links_and_markup_around_pictures_are_left_alone() {
    let html = r#"<p>A <a href="https://news.example/x" rel="noopener noreferrer nofollow">link</a> &amp; text &lt;b&gt;</p><ul><li>one</li></ul>"#;
    assert_eq!(rewrite_image_urls(html, &HashMap::new()), html);
}
