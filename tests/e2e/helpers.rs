//! What the window tests share beyond WebDriver itself: scripts that read the window, stories
//! written straight into a library, and made-up feeds to serve. Each test file uses some of them.
#![allow(dead_code)]

use broadsheet_engine::store::NewArticle;

use super::webdriver::Session;

/// A JS expression: the text of the story frame, as the reader sees it.
pub const FRAME_TEXT: &str =
    "(document.getElementById('story-frame').contentDocument?.body?.innerText ?? '')";

/// JS for "the reader shows a story whose title contains X".
pub fn title_is(fragment: &str) -> String {
    format!(
        "return document.getElementById('story-title').textContent.includes({})",
        serde_json::to_string(fragment).unwrap()
    )
}

/// Clicks the list's row whose text contains `title`; returns the row's element id.
pub async fn click_row(s: &Session, title: &str) -> String {
    let row = s
        .exec(&format!(
            "return [...document.querySelectorAll('#list .row')].find(r => r.innerText.includes({})).id",
            serde_json::to_string(title).unwrap()
        ))
        .await;
    let id = row.as_str().unwrap().to_string();
    s.click(&format!("#{id}")).await;
    id
}

/// A stored story with only what a test cares about: `text` is its one paragraph.
pub fn story(
    key: &str,
    title: &str,
    text: &str,
    published: chrono::DateTime<chrono::Utc>,
) -> NewArticle {
    NewArticle {
        key: key.into(),
        url: Some(format!("https://news.example/{key}.html")),
        title: title.into(),
        author: None,
        published,
        updated: None,
        html: format!("<p>{text}</p>"),
        text: text.into(),
        excerpt: text.into(),
        source_hash: key.into(),
        site_name: None,
        lead_image: None,
        related: vec![],
        images: vec![],
        categories: vec![],
        rules: Default::default(),
    }
}

/// JS: set a form control's value as a person would, then fire the events the page listens to.
pub fn set_control(id: &str, value: &str) -> String {
    format!(
        "const e = document.getElementById({id:?}); e.value = {value:?}; \
         e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); return 0"
    )
}

/// Waits until the dialog `id` is open (`open` true) or closed.
pub async fn dialog_is(s: &Session, id: &str, open: bool) {
    let not = if open { "" } else { "!" };
    let what = format!(
        "the dialog {id} to be {}",
        if open { "open" } else { "closed" }
    );
    s.wait_for(
        &format!("return {not}document.getElementById({id:?}).open"),
        &what,
    )
    .await;
}

/// A small RSS feed of made-up stories (our own words), so the screenshots' sidebar looks like
/// a real reader's. Every item is a full story, so nothing else is fetched. The site's address
/// is a page the loopback server does not have, so these feeds find no icon and show monograms.
pub fn made_up_feed(title: &str, items: &[(&str, &str, &str)]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{title}</title><link>/about/</link><description>{title}</description>"
    );
    for (i, (headline, date, body)) in items.iter().enumerate() {
        xml.push_str(&format!(
            "<item><title>{headline}</title><guid>{title}-{i}</guid><pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}
