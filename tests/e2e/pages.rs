//! What several window tests do to the app's pages: click a list row by its title, serve a
//! made-up feed. Included by each test file that needs it (`#[path] mod pages;`), beside
//! `webdriver.rs` as `mod webdriver`.
#![allow(dead_code)] // not every test file uses every helper

use crate::webdriver::Session;

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
