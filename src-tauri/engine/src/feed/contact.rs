//! The one place that keeps feed-rs from splitting a character in a contact.
//!
//! feed-rs (3.0) reads every "name and email" text (RSS `author`, `managingEditor`,
//! `webMaster`, `dc:creator`, `itunes:author`, `itunes:owner`'s name, a JSON Feed author's
//! name) with one pattern, `\b(<\[\()?(mailto:)?EMAIL(>]\))?\b`, and then cuts the name one
//! *byte* before or after the match. A multi-byte character touching the match ("编辑：ed@x.cn",
//! "（taro@example.jp）", "«mailto:redac@x.fr") makes it panic, and the whole feed fails.
//!
//! This module owns the rule that finds those spots in decoded text, and the JSON Feed pass
//! that applies it. The XML pass applies it in `parse` (it alone knows where decoded text sits
//! in the document). It must never change anything but a space beside an address: the name and
//! the address stay as the feed wrote them.

use serde_json::Value;

/// Every character feed-rs's pattern can match: the address's own, `mailto:`, and the
/// `<[(` and `>])` it allows around it.
fn may_be_in_match(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-@:<>[]()".contains(c)
}

/// Byte offsets in `text` where a space keeps feed-rs's cut on a character boundary: the edges
/// of each run of [`may_be_in_match`] characters that holds an `@`, where a multi-byte
/// character touches the run. Any match lies inside such a run, so after the spaces every
/// byte beside a match is ASCII.
pub(super) fn address_spaces(text: &str) -> Vec<usize> {
    let mut spaces = Vec::new();
    let mut run_start: Option<usize> = None;
    let mut run_has_at = false;
    let mut before_run: Option<char> = None;
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if may_be_in_match(c) {
            if run_start.is_none() {
                run_start = Some(at);
                run_has_at = false;
                before_run = previous;
            }
            run_has_at |= c == '@';
        } else if let Some(start) = run_start.take() {
            if run_has_at {
                if before_run.is_some_and(|b| !b.is_ascii()) {
                    spaces.push(start);
                }
                if !c.is_ascii() {
                    spaces.push(at);
                }
            }
        }
        previous = Some(c);
    }
    spaces
}

/// `text` with [`address_spaces`] applied, or `None` when it needs none.
fn with_address_spaces(text: &str) -> Option<String> {
    let spaces = address_spaces(text);
    if spaces.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + spaces.len());
    let mut at = 0;
    for space in spaces {
        out.push_str(&text[at..space]);
        out.push(' ');
        at = space;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// A JSON Feed whose author names need spaces, written again with them; `None` when the
/// document needs none or is not JSON (feed-rs then reports it). The quick test on the raw
/// text keeps ordinary feeds from being parsed twice.
pub(super) fn json_with_address_spaces(text: &str) -> Option<String> {
    let may_need = (text.contains('@') || text.contains("\\u0040"))
        && (!text.is_ascii() || text.contains("\\u"));
    if !may_need {
        return None;
    }
    let mut document: Value = serde_json::from_str(text).ok()?;
    let mut changed = false;
    let mut mend_authors = |holder: &mut Value| {
        let Some(holder) = holder.as_object_mut() else {
            return;
        };
        for (key, value) in holder.iter_mut() {
            let authors = match (key.as_str(), value) {
                ("author", author) => std::slice::from_mut(author),
                ("authors", Value::Array(list)) => list.as_mut_slice(),
                _ => continue,
            };
            for author in authors {
                if let Some(Value::String(name)) = author.get_mut("name") {
                    if let Some(spaced) = with_address_spaces(name) {
                        *name = spaced;
                        changed = true;
                    }
                }
            }
        }
    };
    mend_authors(&mut document);
    if let Some(items) = document.get_mut("items").and_then(Value::as_array_mut) {
        items.iter_mut().for_each(&mut mend_authors);
    }
    changed.then(|| document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spaced(text: &str) -> String {
        with_address_spaces(text).unwrap_or_else(|| text.to_owned())
    }

    #[test]
    fn a_wide_character_touching_an_address_gets_a_space_on_that_side_only() {
        assert_eq!(spaced("编辑：ed@example.cn"), "编辑： ed@example.cn");
        assert_eq!(spaced("（taro@example.jp）"), "（ taro@example.jp ）");
        assert_eq!(
            spaced("Zoë·zoe@example.com (Zoë)"),
            "Zoë· zoe@example.com (Zoë)"
        );
    }

    #[test]
    fn the_prefixes_and_brackets_feed_rs_allows_count_as_part_of_the_address() {
        assert_eq!(
            spaced("Rédaction «mailto:redac@example.fr»"),
            "Rédaction « mailto:redac@example.fr »"
        );
        assert_eq!(
            spaced("编<[(ed@example.cn>])编"),
            "编 <[(ed@example.cn>]) 编"
        );
    }

    #[test]
    fn names_without_a_wide_neighbour_or_an_address_are_left_alone() {
        for text in [
            "Jane Doe <jane@example.com>",
            "jane@example.com (Jane Doe)",
            "Zoë Müller",
            "编辑部",
            "@handle",
            "",
        ] {
            assert_eq!(with_address_spaces(text), None, "{text}");
        }
    }

    #[test]
    fn a_json_feed_gets_spaces_in_author_names_only() {
        let text = r#"{"version":"https://jsonfeed.org/version/1.1","title":"编辑：ed@example.cn","authors":[{"name":"编辑：ed@example.cn"}],"items":[{"id":"1","author":{"name":"Zoë\u00b7zoe@example.com"}}]}"#;
        let mended: Value =
            serde_json::from_str(&json_with_address_spaces(text).expect("mended")).unwrap();
        assert_eq!(mended["title"], "编辑：ed@example.cn");
        assert_eq!(mended["authors"][0]["name"], "编辑： ed@example.cn");
        assert_eq!(mended["items"][0]["author"]["name"], "Zoë· zoe@example.com");
    }

    #[test]
    fn a_json_feed_that_needs_no_space_comes_back_as_none() {
        for text in [
            r#"{"authors":[{"name":"Jane <jane@example.com>"}]}"#,
            r#"{"authors":[{"name":"Zoë <zoe@example.com>"}]}"#,
            r#"{"authors":[{"name":"编辑部"}]}"#,
            r#"{"authors":[{"name":"编辑：ed@example.cn""#,
        ] {
            assert_eq!(json_with_address_spaces(text), None, "{text}");
        }
    }
}
