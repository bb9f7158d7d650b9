//! The `images` list (what the next stage downloads for offline reading) and the
//! lazy-loading and tracking-pixel rewrites that decide it.

mod sanitize_invariants;

use sanitize_invariants::checked;

fn image_urls(html: &str) -> Vec<String> {
    checked(html).images.iter().map(|u| u.to_string()).collect()
}

#[test]
fn images_in_document_order_deduplicated() {
    let html = r#"<p><img src="/a.jpg" srcset="a-2x.jpg 2x, /a.jpg 1x"></p>
        <picture><source srcset="b.webp 800w, b-small.webp 400w" type="image/webp"><img src="b.jpg"></picture>
        <img src="https://cdn.example/c.png"><img src="/a.jpg">"#;
    assert_eq!(
        image_urls(html),
        [
            "https://news.example/a.jpg",
            "https://news.example/2024/a-2x.jpg",
            "https://news.example/2024/b.webp",
            "https://news.example/2024/b-small.webp",
            "https://news.example/2024/b.jpg",
            "https://cdn.example/c.png",
        ]
    );
}

#[test]
fn video_source_is_not_an_image() {
    assert!(
        image_urls(r#"<video controls><source src="v.mp4" type="video/mp4"></video>"#).is_empty()
    );
}

#[test]
fn lazy_data_src_replaces_data_uri_placeholder() {
    // WordPress lazy-load plugins: a data: GIF in src, the real image in data-src.
    let out = checked(
        r#"<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="photo.jpg" alt="A">"#,
    );
    assert_eq!(
        out.html,
        r#"<img alt="A" src="https://news.example/2024/photo.jpg">"#
    );
    assert_eq!(out.images.len(), 1);
}

#[test]
fn lazy_attributes_fill_missing_src_and_srcset() {
    let out = checked(
        r#"<img data-lazy-src="l.jpg"><img data-original="o.jpg"><img data-srcset="s1.jpg 1x, s2.jpg 2x">"#,
    );
    assert_eq!(
        out.images.iter().map(|u| u.path()).collect::<Vec<_>>(),
        ["/2024/l.jpg", "/2024/o.jpg", "/2024/s1.jpg", "/2024/s2.jpg"]
    );
    assert!(
        !out.html.contains("data-"),
        "lazy attributes are consumed: {}",
        out.html
    );
}

#[test]
fn lazy_src_replaces_spacer_gif() {
    let out = checked(r#"<img src="/img/spacer.gif" data-src="/img/real.png">"#);
    assert_eq!(out.html, r#"<img src="https://news.example/img/real.png">"#);
}

#[test]
fn real_src_wins_over_lazy_attribute() {
    let out = checked(r#"<img src="real.jpg" data-src="other.jpg">"#);
    assert_eq!(
        out.html,
        r#"<img src="https://news.example/2024/real.jpg">"#
    );
}

#[test]
fn hostile_lazy_attributes_are_dropped() {
    let out =
        checked(r#"<img data-src="javascript:alert(1)" data-srcset="javascript:alert(1) 1x">"#);
    assert_eq!(out.html, "", "an image with no usable URL is removed");
    assert!(out.images.is_empty());
}

#[test]
fn tracking_pixels_are_dropped() {
    let out = checked(
        r#"<p>a<img src="https://t.example/1.gif" width="1" height="1"><img src="https://t.example/0.gif" width="0"><img src="https://t.example/px.gif" height="1px" width="1px">b</p><img src="kept.jpg" width="1" height="300">"#,
    );
    assert_eq!(
        out.html,
        r#"<p>ab</p><img src="https://news.example/2024/kept.jpg" width="1" height="300">"#
    );
    assert_eq!(out.images.len(), 1);
}

#[test]
fn srcset_with_commas_in_urls_and_bad_descriptors() {
    // Cloudinary-style URLs hold commas; a candidate with a nonsense descriptor is malformed.
    let out = checked(
        r#"<img srcset="/c/w_400,h_300/p.jpg 400w, /c/w_800,h_600/p.jpg 800w, bad.jpg 2q, neg.jpg -1x">"#,
    );
    assert_eq!(
        out.images.iter().map(|u| u.path()).collect::<Vec<_>>(),
        ["/c/w_400,h_300/p.jpg", "/c/w_800,h_600/p.jpg"]
    );
}

#[test]
fn non_http_base_leaves_no_relative_url() {
    let base = url::Url::parse("javascript:alert(1)//").unwrap();
    let out = broadsheet_engine::sanitize::sanitize_article_html(
        r#"<a href="/x">x</a><img src="a.png"><img src="https://ok.example/b.png">"#,
        &base,
    )
    .unwrap();
    assert_eq!(
        out.html,
        r#"<a rel="noopener noreferrer nofollow">x</a><img src="https://ok.example/b.png">"#
    );
}

/// The sanitizer reads the same lazy attributes as the extractor (`picture_rules`): `data-url`
/// and `data-lazy-srcset` too, checked as URLs like the others and gone afterwards.
#[test]
fn every_lazy_attribute_the_extractor_reads_is_read_here_too() {
    let out = checked(
        r#"<img src="/spacer.gif" data-url="u.jpg"><img data-lazy-srcset="s.jpg 2x, javascript:alert(1) 3x"><picture><source data-lazy-srcset="w.webp"><img src="p.jpg"></picture>"#,
    );
    assert_eq!(
        out.images.iter().map(|u| u.path()).collect::<Vec<_>>(),
        ["/2024/u.jpg", "/2024/s.jpg", "/2024/w.webp", "/2024/p.jpg"]
    );
    assert!(!out.html.contains("data-"), "{}", out.html);
    assert!(!out.html.contains("javascript"), "{}", out.html);
}
