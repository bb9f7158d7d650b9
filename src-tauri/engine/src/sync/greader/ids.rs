//! The Google Reader API's names for items and streams, converted exactly.
//!
//! An item id is a 64-bit number the servers write three ways: the long form
//! `tag:google.com,2005:reader/item/` and 16 hex digits (what `stream/items/contents` returns),
//! a signed or unsigned decimal (what `stream/items/ids` returns), and, from Miniflux, a bare
//! number it reads as hex when we send it. This module owns the conversions (integers only,
//! never floating point) and always sends the long form; it must never guess at a form it
//! does not recognise.

use std::fmt;

/// The prefix of an item id's long form.
const LONG_FORM_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// One item (story) on the server: its 64-bit id, whatever form it came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u64);

impl ItemId {
    /// Reads an id in any of the forms servers send: the long form (16 hex digits), or a
    /// decimal, signed (Google's own ids are signed 64-bit) or not. `None` for anything else.
    pub fn parse(text: &str) -> Option<ItemId> {
        let text = text.trim();
        if let Some(hex) = text.strip_prefix(LONG_FORM_PREFIX) {
            // Exactly 16 digits: a shorter or longer tail is not an id we understand.
            if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            return u64::from_str_radix(hex, 16).ok().map(ItemId);
        }
        if let Ok(unsigned) = text.parse::<u64>() {
            return Some(ItemId(unsigned));
        }
        // A negative decimal is the same 64 bits read as signed: keep the bits.
        text.parse::<i64>().ok().map(ItemId::from_stored)
    }

    /// The same 64 bits as a signed integer, as SQLite stores them.
    pub fn as_stored(self) -> i64 {
        i64::from_ne_bytes(self.0.to_ne_bytes())
    }

    /// The id stored as [`ItemId::as_stored`] wrote it.
    pub fn from_stored(stored: i64) -> ItemId {
        ItemId(u64::from_ne_bytes(stored.to_ne_bytes()))
    }

    /// The long form, the only form sent to servers (Miniflux reads a bare number as hex).
    pub fn long_form(self) -> String {
        format!("{LONG_FORM_PREFIX}{:016x}", self.0)
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.long_form())
    }
}

/// The state tags an item can carry, as sent in `edit-tag`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StateTag {
    /// Read (its absence is unread).
    Read,
    /// Starred: a bookmark in Broadsheet.
    Starred,
}

impl StateTag {
    /// The tag as sent (`user/-/...`: "the signed-in user").
    pub fn stream_id(self) -> &'static str {
        match self {
            StateTag::Read => "user/-/state/com.google/read",
            StateTag::Starred => "user/-/state/com.google/starred",
        }
    }

    /// Whether a category from the server is this tag. Servers answer with the user's number
    /// (`user/1/state/com.google/read`), not `-`, so only the end is compared.
    pub fn matches(self, category: &str) -> bool {
        let tail = match self {
            StateTag::Read => "/state/com.google/read",
            StateTag::Starred => "/state/com.google/starred",
        };
        category.starts_with("user/") && category.ends_with(tail)
    }
}

/// The stream of every item of every subscription.
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";

/// The folder name in a label stream id (`user/1/label/Tech` is `Tech`), if it is one.
pub fn label_name(stream_id: &str) -> Option<&str> {
    let rest = stream_id.strip_prefix("user/")?;
    let (_user, name) = rest.split_once("/label/")?;
    (!name.is_empty()).then_some(name)
}

/// The stream id of a folder, as sent (`user/-/label/<name>`).
pub fn label_stream(name: &str) -> String {
    format!("user/-/label/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_of_an_item_id_read_as_one_number() {
        let long = ItemId::parse("tag:google.com,2005:reader/item/000000000000001f");
        assert_eq!(long, Some(ItemId(31)));
        assert_eq!(ItemId::parse("31"), Some(ItemId(31)));
        assert_eq!(
            ItemId(31).long_form(),
            "tag:google.com,2005:reader/item/000000000000001f"
        );
    }

    #[test]
    fn ids_past_two_to_the_53_convert_exactly_with_no_floating_point() {
        // 2^53 + 1 is the first integer a double cannot hold.
        let id = ItemId::parse("9007199254740993").unwrap();
        assert_eq!(
            id.long_form(),
            "tag:google.com,2005:reader/item/0020000000000001"
        );
        assert_eq!(ItemId::parse(&id.long_form()), Some(id));
        let max = ItemId::parse("tag:google.com,2005:reader/item/ffffffffffffffff").unwrap();
        assert_eq!(max, ItemId(u64::MAX));
        assert_eq!(ItemId::parse("18446744073709551615"), Some(max));
    }

    #[test]
    fn a_negative_decimal_id_keeps_its_64_bits() {
        // Google Reader's own ids were signed: -1 is the item ffff...ff.
        assert_eq!(ItemId::parse("-1"), Some(ItemId(u64::MAX)));
        assert_eq!(
            ItemId::parse("-5435451112314").unwrap().long_form(),
            "tag:google.com,2005:reader/item/fffffb0e75de0486"
        );
    }

    #[test]
    fn what_is_not_an_id_is_refused_not_guessed() {
        for text in [
            "",
            "1.5",
            "1e3",
            "0x1f",
            "tag:google.com,2005:reader/item/1f",
            "tag:google.com,2005:reader/item/000000000000001g",
            "tag:google.com,2005:reader/item/00000000000000001f",
            "18446744073709551616",
        ] {
            assert_eq!(ItemId::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn state_tags_match_on_the_end_whatever_the_user_number() {
        assert!(StateTag::Read.matches("user/1/state/com.google/read"));
        assert!(StateTag::Read.matches("user/-/state/com.google/read"));
        assert!(StateTag::Starred.matches("user/12345/state/com.google/starred"));
        assert!(!StateTag::Read.matches("user/1/state/com.google/reading-list"));
        assert!(!StateTag::Read.matches("user/1/label/read"));
    }

    #[test]
    fn folder_names_come_from_label_streams_only() {
        assert_eq!(label_name("user/1/label/Tech news"), Some("Tech news"));
        assert_eq!(label_name("user/-/label/A/B"), Some("A/B"));
        assert_eq!(label_name("user/1/state/com.google/starred"), None);
        assert_eq!(label_name("feed/1"), None);
        assert_eq!(label_stream("Tech"), "user/-/label/Tech");
    }
}
