//! Rules: what a person never wants to see (or wants to hear about), and how a story is matched
//! against them.
//!
//! A rule is a field and a pattern, an optional scope (one feed or one folder), an action and an
//! optional expiry. This module owns what a rule is, how its pattern becomes a regular
//! expression (linear time, size-capped: the `regex` crate), what a set of active rules decides
//! for one story, and Miniflux's rule lines (`miniflux`). It is pure and a leaf: no database, no
//! network, no clock of its own (the time is handed in), and it must never import a module other
//! than the leaves `model` and `error_kind`.

pub mod miniflux;

use chrono::{DateTime, Utc};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error_kind::ErrorKind;
use crate::model::FeedId;

/// Identifier of a rule in the library.
pub type RuleId = i64;

/// Longest pattern a rule may have, in characters: a rule is a few words or a short expression.
pub const MAX_PATTERN_CHARS: usize = 1000;

/// How much memory one compiled pattern may take (the `regex` crate refuses a bigger one
/// rather than build it), so a rule like `\w{1000}{1000}` is refused, not compiled.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What part of a story a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RuleField {
    Title,
    /// The title, the summary and the story.
    Text,
    Author,
    /// The story's address.
    Url,
    /// Any of the feed's categories (tags) of the story.
    Category,
    /// Any of the above.
    Any,
}

impl RuleField {
    /// Every field, in the order the window offers them.
    pub const ALL: [RuleField; 6] = [
        RuleField::Title,
        RuleField::Text,
        RuleField::Author,
        RuleField::Url,
        RuleField::Category,
        RuleField::Any,
    ];

    /// The name a person types (`title`, `text`, ...), as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleField::Title => "title",
            RuleField::Text => "text",
            RuleField::Author => "author",
            RuleField::Url => "url",
            RuleField::Category => "category",
            RuleField::Any => "any",
        }
    }

    /// The field named `name` (any case).
    pub fn parse(name: &str) -> Result<RuleField, RuleError> {
        named(&RuleField::ALL, RuleField::as_str, name)
            .ok_or_else(|| RuleError::UnknownField(name.to_string()))
    }
}

/// What a rule does to a story it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Out of every list and count (a bookmarked story is never hidden).
    Hide,
    /// Marked read when it arrives.
    Read,
    /// Bookmarked when it arrives.
    Bookmark,
    /// Announced in the notification of the refresh that brought it.
    Notify,
}

impl RuleAction {
    const ALL: [RuleAction; 4] = [
        RuleAction::Hide,
        RuleAction::Read,
        RuleAction::Bookmark,
        RuleAction::Notify,
    ];

    /// The name a person types, as serialized.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleAction::Hide => "hide",
            RuleAction::Read => "read",
            RuleAction::Bookmark => "bookmark",
            RuleAction::Notify => "notify",
        }
    }

    /// The action named `name` (any case).
    pub fn parse(name: &str) -> Result<RuleAction, RuleError> {
        named(&RuleAction::ALL, RuleAction::as_str, name)
            .ok_or_else(|| RuleError::UnknownAction(name.to_string()))
    }
}

/// The one of `all` whose name is `name`, in any case and spacing.
fn named<T: Copy>(all: &[T], name_of: fn(T) -> &'static str, name: &str) -> Option<T> {
    all.iter()
        .copied()
        .find(|v| name_of(*v).eq_ignore_ascii_case(name.trim()))
}

/// How a rule's pattern reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// A word or phrase, any case, matched as whole words; no character is special.
    Words,
    /// A regular expression (the `regex` crate's syntax, as Miniflux's rule lines; `(?i)` for
    /// any case).
    Regex,
}

/// A rule as a person writes it: everything but its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleSpec {
    pub field: RuleField,
    pub pattern: String,
    pub kind: PatternKind,
    /// Only this feed's stories (never with `folder`).
    pub feed_id: Option<FeedId>,
    /// Only the stories of this folder's feeds (never with `feed_id`).
    pub folder: Option<String>,
    pub action: RuleAction,
    /// From this time on the rule is kept but no longer applies.
    pub until: Option<DateTime<Utc>>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rule {
    pub id: RuleId,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub spec: RuleSpec,
}

impl RuleSpec {
    /// Whether the rule applies at `now` (it has no expiry, or it is still ahead).
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|until| until > now)
    }

    /// Checks the rule and compiles its pattern: a rule refused here is never stored.
    pub fn compile(&self) -> Result<Regex, RuleError> {
        if self.feed_id.is_some() && self.folder.is_some() {
            return Err(RuleError::TwoScopes);
        }
        compile_pattern(self.kind, &self.pattern)
    }
}

/// Why a rule was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("a rule needs a pattern: there is nothing to match")]
    EmptyPattern,
    #[error(
        "the pattern is {0} characters long; a rule's pattern may have at most {MAX_PATTERN_CHARS}"
    )]
    TooLong(usize),
    #[error("the pattern `{pattern}` is not a valid regular expression: {problem}")]
    BadPattern { pattern: String, problem: String },
    #[error("the pattern `{0}` would take too much memory to match; make it simpler")]
    TooBig(String),
    #[error("`{0}` is not a field a rule can match (title, text, author, url, category, any)")]
    UnknownField(String),
    #[error("`{0}` is not a rule action (hide, read, bookmark, notify)")]
    UnknownAction(String),
    #[error("a rule applies to one feed or one folder, not both")]
    TwoScopes,
}

impl RuleError {
    /// A stable name for the kind of error.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidRule
    }
}

/// The regular expression a pattern stands for: plain words escaped, any case, whole words
/// (where the phrase begins and ends with a letter or digit); an expression as written.
pub fn compile_pattern(kind: PatternKind, pattern: &str) -> Result<Regex, RuleError> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err(RuleError::EmptyPattern);
    }
    let chars = trimmed.chars().count();
    if chars > MAX_PATTERN_CHARS {
        return Err(RuleError::TooLong(chars));
    }
    let source = match kind {
        PatternKind::Regex => pattern.to_string(),
        PatternKind::Words => words_regex(trimmed),
    };
    RegexBuilder::new(&source)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => RuleError::TooBig(pattern.to_string()),
            other => RuleError::BadPattern {
                pattern: pattern.to_string(),
                problem: syntax_problem(&other),
            },
        })
}

/// The regular expression matching a phrase as typed: any case, its words separated by any
/// white space, whole words at each end that begins or ends with a word character.
fn words_regex(phrase: &str) -> String {
    let words: Vec<String> = phrase.split_whitespace().map(regex::escape).collect();
    let boundary = |c: Option<char>| match c {
        Some(c) if c.is_alphanumeric() || c == '_' => r"\b",
        _ => "",
    };
    format!(
        "(?i){}{}{}",
        boundary(phrase.chars().next()),
        words.join(r"\s+"),
        boundary(phrase.chars().last())
    )
}

/// The `regex` crate's message cut to its last line, which names the problem ("unclosed
/// group", "repetition operator missing expression"); the lines above only draw the pattern.
fn syntax_problem(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .unwrap_or(text)
}

/// One story as the rules see it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    pub feed_id: Option<FeedId>,
    /// The folder of the story's feed.
    pub folder: Option<&'a str>,
    pub title: &'a str,
    /// The summary (or excerpt).
    pub summary: &'a str,
    /// The story's text.
    pub text: &'a str,
    pub author: Option<&'a str>,
    pub url: Option<&'a str>,
    pub categories: &'a [String],
}

/// What the active rules decide for one story.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub hide: bool,
    pub read: bool,
    pub bookmark: bool,
    pub notify: bool,
}

impl Outcome {
    fn add(&mut self, action: RuleAction) {
        match action {
            RuleAction::Hide => self.hide = true,
            RuleAction::Read => self.read = true,
            RuleAction::Bookmark => self.bookmark = true,
            RuleAction::Notify => self.notify = true,
        }
    }
}

/// One active rule, compiled.
#[derive(Debug, Clone)]
struct Compiled {
    field: RuleField,
    regex: Regex,
    feed_id: Option<FeedId>,
    folder: Option<String>,
    action: RuleAction,
}

impl Compiled {
    fn in_scope(&self, s: &Subject) -> bool {
        if let Some(feed) = self.feed_id {
            return s.feed_id == Some(feed);
        }
        if let Some(folder) = &self.folder {
            return s.folder.is_some_and(|f| f.eq_ignore_ascii_case(folder));
        }
        true
    }

    fn matches(&self, s: &Subject) -> bool {
        let re = &self.regex;
        let opt = |v: Option<&str>| v.is_some_and(|v| re.is_match(v));
        let title = || re.is_match(s.title);
        let text = || title() || re.is_match(s.summary) || re.is_match(s.text);
        let category = || s.categories.iter().any(|c| re.is_match(c));
        match self.field {
            RuleField::Title => title(),
            RuleField::Text => text(),
            RuleField::Author => opt(s.author),
            RuleField::Url => opt(s.url),
            RuleField::Category => category(),
            RuleField::Any => text() || opt(s.author) || opt(s.url) || category(),
        }
    }
}

/// The rules active at one moment, compiled once and matched against many stories.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Compiled>,
}

impl RuleSet {
    /// The rules of `rules` active at `now`. A stored rule whose pattern no longer compiles
    /// (it never should: rules are checked before they are stored) is left out, not fatal.
    pub fn active(rules: &[Rule], now: DateTime<Utc>) -> RuleSet {
        let rules = rules
            .iter()
            .filter(|r| r.spec.is_active(now))
            .filter_map(|r| match r.spec.compile() {
                Ok(regex) => Some(Compiled {
                    field: r.spec.field,
                    regex,
                    feed_id: r.spec.feed_id,
                    folder: r.spec.folder.clone(),
                    action: r.spec.action,
                }),
                Err(e) => {
                    tracing::warn!(rule = r.id, error = %e, "a stored rule no longer compiles");
                    None
                }
            })
            .collect();
        RuleSet { rules }
    }

    /// Whether no rule is active (a refresh then skips matching altogether).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether some rule reads the summary or the story (`text`, `any`): matching the stored
    /// stories against the others need not read their longest columns.
    pub fn reads_text(&self) -> bool {
        self.rules
            .iter()
            .any(|r| matches!(r.field, RuleField::Text | RuleField::Any))
    }

    /// What the rules decide for one story.
    pub fn outcome(&self, subject: &Subject) -> Outcome {
        let mut out = Outcome::default();
        for rule in &self.rules {
            if rule.in_scope(subject) && rule.matches(subject) {
                out.add(rule.action);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(field: RuleField, kind: PatternKind, pattern: &str) -> RuleSpec {
        RuleSpec {
            field,
            pattern: pattern.into(),
            kind,
            feed_id: None,
            folder: None,
            action: RuleAction::Hide,
            until: None,
        }
    }

    fn set(specs: Vec<RuleSpec>) -> RuleSet {
        let rules: Vec<Rule> = specs
            .into_iter()
            .enumerate()
            .map(|(i, spec)| Rule { id: i as i64, spec })
            .collect();
        RuleSet::active(&rules, Utc::now())
    }

    fn titled(title: &str) -> Subject<'_> {
        Subject {
            title,
            ..Subject::default()
        }
    }

    #[test]
    fn a_plain_phrase_matches_whole_words_in_any_case_and_nothing_in_it_is_special() {
        let rules = set(vec![spec(
            RuleField::Title,
            PatternKind::Words,
            "Sponsored   post",
        )]);
        assert!(rules.outcome(&titled("A SPONSORED post about pens")).hide);
        assert!(rules.outcome(&titled("sponsored\npost")).hide);
        assert!(!rules.outcome(&titled("Unsponsored posts")).hide);
        let dots = set(vec![spec(RuleField::Title, PatternKind::Words, "a.b (c")]);
        assert!(dots.outcome(&titled("see a.b (c here")).hide);
        assert!(!dots.outcome(&titled("see axb (c here")).hide);
    }

    #[test]
    fn a_broken_expression_is_refused_naming_the_problem() {
        let err = compile_pattern(PatternKind::Regex, "(?i)sponsored(").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRule);
        let message = err.to_string();
        assert!(message.contains("`(?i)sponsored(`"), "{message}");
        assert!(message.contains("unclosed group"), "{message}");
    }

    #[test]
    fn an_expression_too_big_to_match_cheaply_is_refused() {
        let err = compile_pattern(PatternKind::Regex, r"\w{1000}{1000}").unwrap_err();
        assert!(matches!(err, RuleError::TooBig(_)), "{err}");
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        assert_eq!(
            compile_pattern(PatternKind::Words, &long).unwrap_err(),
            RuleError::TooLong(MAX_PATTERN_CHARS + 1)
        );
        assert_eq!(
            compile_pattern(PatternKind::Words, "  ").unwrap_err(),
            RuleError::EmptyPattern
        );
    }

    #[test]
    fn each_field_looks_only_where_it_says() {
        let categories = vec!["Sport".to_string(), "Football".to_string()];
        let story = Subject {
            feed_id: Some(1),
            folder: Some("News"),
            title: "Storm damages pier",
            summary: "Waves at the harbour",
            text: "The council met on Monday",
            author: Some("Jane Roe"),
            url: Some("https://news.example/weather/storm"),
            categories: &categories,
        };
        let hit = |field, pattern: &str| {
            set(vec![spec(field, PatternKind::Words, pattern)])
                .outcome(&story)
                .hide
        };
        assert!(hit(RuleField::Title, "pier"));
        assert!(!hit(RuleField::Title, "harbour"));
        assert!(hit(RuleField::Text, "harbour"));
        assert!(hit(RuleField::Text, "council"));
        assert!(hit(RuleField::Text, "storm"));
        assert!(hit(RuleField::Author, "roe"));
        assert!(!hit(RuleField::Author, "pier"));
        assert!(hit(RuleField::Url, "weather"));
        assert!(hit(RuleField::Category, "football"));
        assert!(!hit(RuleField::Category, "council"));
        assert!(hit(RuleField::Any, "football"));
        assert!(hit(RuleField::Any, "jane"));
        assert!(!hit(RuleField::Any, "rugby"));
    }

    #[test]
    fn a_scoped_rule_applies_only_to_its_feed_or_folder() {
        let mut to_feed = spec(RuleField::Title, PatternKind::Words, "pier");
        to_feed.feed_id = Some(2);
        let mut to_folder = spec(RuleField::Title, PatternKind::Words, "pier");
        to_folder.folder = Some("local".into());
        to_folder.action = RuleAction::Read;
        let rules = set(vec![to_feed, to_folder]);
        let story = |feed_id, folder| Subject {
            feed_id: Some(feed_id),
            folder,
            title: "Pier closed",
            ..Subject::default()
        };
        assert_eq!(
            rules.outcome(&story(2, None)),
            Outcome {
                hide: true,
                ..Outcome::default()
            }
        );
        assert_eq!(
            rules.outcome(&story(3, Some("Local"))),
            Outcome {
                read: true,
                ..Outcome::default()
            }
        );
        assert_eq!(rules.outcome(&story(3, Some("World"))), Outcome::default());
    }

    #[test]
    fn an_expired_rule_is_kept_but_does_not_apply() {
        let now = Utc::now();
        let mut lapsed = spec(RuleField::Title, PatternKind::Words, "pier");
        lapsed.until = Some(now - chrono::Duration::seconds(1));
        let mut ahead = lapsed.clone();
        ahead.until = Some(now + chrono::Duration::days(7));
        assert!(!lapsed.is_active(now));
        assert!(ahead.is_active(now));
        let rules = |spec| RuleSet::active(&[Rule { id: 1, spec }], now);
        assert!(!rules(lapsed).outcome(&titled("pier")).hide);
        assert!(rules(ahead).outcome(&titled("pier")).hide);
    }

    #[test]
    fn a_rule_for_one_feed_and_one_folder_at_once_is_refused() {
        let mut both = spec(RuleField::Title, PatternKind::Words, "pier");
        both.feed_id = Some(1);
        both.folder = Some("News".into());
        assert_eq!(both.compile().unwrap_err(), RuleError::TwoScopes);
    }

    #[test]
    fn fields_and_actions_are_named_as_people_type_them() {
        assert_eq!(RuleField::parse("Title"), Ok(RuleField::Title));
        assert_eq!(RuleAction::parse("bookmark"), Ok(RuleAction::Bookmark));
        assert!(RuleField::parse("body")
            .unwrap_err()
            .to_string()
            .contains("`body`"));
        assert!(RuleAction::parse("delete").is_err());
    }
}
