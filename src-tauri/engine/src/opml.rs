//! OPML, the format readers exchange subscription lists in: reading outlines with their
//! folder, and writing the library's feeds back out. It never fetches anything.

use crate::credentials::redact_text;
use crate::error_kind::ErrorKind;
use chrono::{DateTime, Utc};
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use thiserror::Error;

use crate::model::Feed;

/// Largest OPML document read (a list of 10 000 feeds is well under this).
const MAX_OPML_BYTES: usize = 8 * 1024 * 1024;

/// Why an OPML document could not be read.
#[derive(Debug, Error)]
pub enum OpmlError {
    #[error("not an OPML document: {0}")]
    Malformed(String),
    #[error("OPML document too large ({0} bytes)")]
    TooLarge(usize),
}

impl OpmlError {
    /// A stable name for the kind of error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            OpmlError::Malformed(_) => ErrorKind::OpmlMalformed,
            OpmlError::TooLarge(_) => ErrorKind::OpmlTooLarge,
        }
    }
}

/// One feed of an OPML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub xml_url: String,
    pub html_url: Option<String>,
    pub title: String,
    /// The outermost folder the feed sits in; Broadsheet's folders are one level deep.
    pub folder: Option<String>,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.as_ref().eq_ignore_ascii_case(name) {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        } else {
            None
        }
    })
}

/// Reads every feed outline (those with an `xmlUrl`) of an OPML document.
pub fn parse_opml(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    if text.len() > MAX_OPML_BYTES {
        return Err(OpmlError::TooLarge(text.len()));
    }
    let mut reader = Reader::from_str(text);
    let mut feeds = Vec::new();
    // One entry per open <outline>: the folder name it opened, if it is a folder.
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| OpmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "opml" => {
                saw_opml = true;
            }
            Event::Start(e) if e.local_name().as_ref() == "outline" => {
                if let Some(feed) = feed_outline(&e, &stack) {
                    feeds.push(feed);
                    stack.push(None);
                } else {
                    stack.push(attr(&e, "text").or_else(|| attr(&e, "title")));
                }
            }
            Event::Empty(e) if e.local_name().as_ref() == "outline" => {
                if let Some(feed) = feed_outline(&e, &stack) {
                    feeds.push(feed);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "outline" => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(OpmlError::Malformed("no <opml> element".into()));
    }
    Ok(feeds)
}

fn feed_outline(e: &BytesStart, stack: &[Option<String>]) -> Option<OpmlFeed> {
    let xml_url = attr(e, "xmlUrl")?;
    let title = attr(e, "title")
        .or_else(|| attr(e, "text"))
        .unwrap_or_default();
    Some(OpmlFeed {
        xml_url,
        html_url: attr(e, "htmlUrl"),
        title,
        folder: stack.iter().flatten().next().cloned(),
    })
}

/// Writes feeds as an OPML 2.0 document, grouped by folder. No address in it carries a
/// `user:password@` (passwords stay in the credential store).
pub fn write_opml(feeds: &[Feed], now: DateTime<Utc>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>Broadsheet subscriptions</title>\n");
    out.push_str(&format!(
        "    <dateCreated>{}</dateCreated>\n  </head>\n  <body>\n",
        now.to_rfc2822()
    ));
    let outline = |f: &Feed, indent: &str| {
        let mut line = format!(
            "{indent}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{u}\"",
            t = escape(f.title.as_str()),
            u = escape(redact_text(&f.url))
        );
        if let Some(site) = &f.site_url {
            line.push_str(&format!(" htmlUrl=\"{}\"", escape(redact_text(site))));
        }
        line.push_str("/>\n");
        line
    };
    for f in feeds.iter().filter(|f| f.folder.is_none()) {
        out.push_str(&outline(f, "    "));
    }
    let mut folders: Vec<&str> = feeds.iter().filter_map(|f| f.folder.as_deref()).collect();
    // Folders differing only in case sort together but stay apart; dedup needs each name's
    // copies adjacent, or a folder's feeds would be written twice.
    folders.sort_unstable_by_key(|a| (a.to_lowercase(), *a));
    folders.dedup();
    for folder in folders {
        out.push_str(&format!(
            "    <outline text=\"{n}\" title=\"{n}\">\n",
            n = escape(folder)
        ));
        for f in feeds.iter().filter(|f| f.folder.as_deref() == Some(folder)) {
            out.push_str(&outline(f, "      "));
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_never_carries_a_password_from_an_address() {
        let mut private = feed("Private", "https://ann:s3cret@news.example/feed", None);
        private.site_url = Some("https://ann:s3cret@news.example/".into());
        let out = write_opml(&[private], Utc::now());
        assert!(!out.contains("s3cret"), "{out}");
        assert!(
            out.contains("xmlUrl=\"https://news.example/feed\""),
            "{out}"
        );
    }

    fn feed(title: &str, url: &str, folder: Option<&str>) -> Feed {
        Feed {
            id: 1,
            title: title.into(),
            url: url.into(),
            site_url: Some("https://news.example/".into()),
            folder: folder.map(Into::into),
            unread: 0,
            full_story: false,
            last_refreshed: None,
            error: None,
            icon: None,
            local_network: false,
            account: None,
            notify: false,
        }
    }

    #[test]
    fn folders_nested_outlines_and_entities_are_read() {
        let doc = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="Loose" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>
  <outline text="World &amp; Politics">
    <outline text="B" title="B &lt;News&gt;" type="rss" xmlUrl="https://b.example/rss"/>
    <outline text="Deeper"><outline text="C" xmlUrl="https://c.example/atom.xml"/></outline>
  </outline>
  <outline text="Not a feed"/>
</body></opml>"#;
        let feeds = parse_opml(doc).unwrap();
        assert_eq!(feeds.len(), 3);
        assert_eq!(feeds[0].folder, None);
        assert_eq!(feeds[0].html_url.as_deref(), Some("https://a.example/"));
        assert_eq!(feeds[1].title, "B <News>");
        assert_eq!(feeds[1].folder.as_deref(), Some("World & Politics"));
        // Broadsheet's folders are one level deep: a feed two levels down keeps the outer folder.
        assert_eq!(feeds[2].folder.as_deref(), Some("World & Politics"));
    }

    #[test]
    fn written_opml_reads_back_the_same() {
        let feeds = vec![
            feed("Plain", "https://a.example/feed", None),
            feed(
                "Quotes \"&\" <tags>",
                "https://b.example/rss?x=1&y=2",
                Some("Tech & Science"),
            ),
        ];
        let doc = write_opml(&feeds, Utc::now());
        let back = parse_opml(&doc).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].xml_url, "https://a.example/feed");
        assert_eq!(back[1].title, "Quotes \"&\" <tags>");
        assert_eq!(back[1].xml_url, "https://b.example/rss?x=1&y=2");
        assert_eq!(back[1].folder.as_deref(), Some("Tech & Science"));
    }

    #[test]
    fn a_document_that_is_not_opml_is_refused() {
        assert_eq!(parse_opml("<rss/>").unwrap_err().kind(), "opml_malformed");
        assert_eq!(
            parse_opml("<opml><body><outline").unwrap_err().kind(),
            "opml_malformed"
        );
    }
}
