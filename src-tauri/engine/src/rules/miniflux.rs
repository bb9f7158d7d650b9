//! Miniflux's rule lines (`EntryTitle=(?i)sponsored`, one `FieldName=regex` a line), so people
//! bring their block rules along and take ours back.
//!
//! Owns the mapping between Miniflux's field names and ours and nothing else: importing makes
//! `hide` rules that apply everywhere; a line that does not map (Miniflux's dates, comment
//! links, a broken expression) is reported with its reason, never guessed at.

use serde::Serialize;

use super::{PatternKind, Rule, RuleAction, RuleField, RuleSpec};

/// Our field for each of Miniflux's, and the other way round (`EntryContent` is the story,
/// which our `text` covers along with the title and summary).
const FIELDS: [(&str, RuleField); 5] = [
    ("EntryTitle", RuleField::Title),
    ("EntryURL", RuleField::Url),
    ("EntryContent", RuleField::Text),
    ("EntryAuthor", RuleField::Author),
    ("EntryTag", RuleField::Category),
];

/// A line of the file that did not become a rule, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedLine {
    /// Its number in the file, from 1.
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// What a file of rule lines holds: the rules to add and the lines left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedLines {
    pub rules: Vec<RuleSpec>,
    pub skipped: Vec<SkippedLine>,
}

/// Reads Miniflux rule lines into `hide` rules; blank lines are ignored.
pub fn parse_lines(text: &str) -> ParsedLines {
    let mut out = ParsedLines::default();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let skip = |reason: String| SkippedLine {
            line: index + 1,
            text: line.to_string(),
            reason,
        };
        let Some((name, pattern)) = line.split_once('=') else {
            out.skipped
                .push(skip("not a rule line (FieldName=regex)".into()));
            continue;
        };
        let name = name.trim();
        let field = match FIELDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, field)) => *field,
            None => {
                out.skipped.push(skip(unmapped_reason(name)));
                continue;
            }
        };
        let spec = RuleSpec {
            field,
            pattern: pattern.to_string(),
            kind: PatternKind::Regex,
            feed_id: None,
            folder: None,
            action: RuleAction::Hide,
            until: None,
        };
        match spec.compile() {
            Ok(_) => out.rules.push(spec),
            Err(e) => out.skipped.push(skip(e.to_string())),
        }
    }
    out
}

/// Why a Miniflux field has no rule of ours.
fn unmapped_reason(name: &str) -> String {
    match name {
        "EntryDate" => "date rules have no counterpart in Broadsheet's rules".into(),
        "EntryCommentsURL" => "Broadsheet does not keep stories' comment links".into(),
        other => format!("`{other}` is not a Miniflux rule field Broadsheet knows"),
    }
}

/// Our `hide` rules that apply everywhere, as Miniflux rule lines (plain words become the
/// expression they stand for; `any` becomes one line per field, which hides the same stories).
/// Rules of other actions, of one feed or folder, or expired have no such line and are left out.
pub fn to_lines(rules: &[Rule], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::new();
    for rule in rules {
        let spec = &rule.spec;
        if spec.action != RuleAction::Hide
            || spec.feed_id.is_some()
            || spec.folder.is_some()
            || !spec.is_active(now)
        {
            continue;
        }
        let pattern = match spec.kind {
            PatternKind::Regex => spec.pattern.clone(),
            PatternKind::Words => super::words_regex(spec.pattern.trim()),
        };
        // A line ends the pattern: an expression spanning lines cannot be written as one.
        if pattern.contains(['\n', '\r']) {
            continue;
        }
        for (name, field) in FIELDS {
            if field == spec.field || spec.field == RuleField::Any {
                out.push_str(&format!("{name}={pattern}\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn miniflux_lines_become_hide_rules_and_lines_that_do_not_map_are_reported() {
        let parsed = parse_lines(
            "EntryTitle=(?i)sponsored\n\n  EntryURL=/ads/  \nEntryTag=(?i)^promo$\n\
             EntryDate=future\nEntryCommentsURL=reddit\nEntryContent=(unclosed\nnonsense\n",
        );
        let got: Vec<(RuleField, &str)> = parsed
            .rules
            .iter()
            .map(|r| (r.field, r.pattern.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (RuleField::Title, "(?i)sponsored"),
                (RuleField::Url, "/ads/"),
                (RuleField::Category, "(?i)^promo$"),
            ]
        );
        assert!(parsed
            .rules
            .iter()
            .all(|r| r.action == RuleAction::Hide && r.kind == PatternKind::Regex));
        let skipped: Vec<usize> = parsed.skipped.iter().map(|s| s.line).collect();
        assert_eq!(skipped, [5, 6, 7, 8]);
        assert!(parsed.skipped[2].reason.contains("unclosed group"));
    }

    #[test]
    fn only_active_hide_rules_for_everything_are_written_back() {
        let rule = |id, field, kind, pattern: &str, action| Rule {
            id,
            spec: RuleSpec {
                field,
                pattern: pattern.into(),
                kind,
                feed_id: None,
                folder: None,
                action,
                until: None,
            },
        };
        let mut scoped = rule(
            3,
            RuleField::Title,
            PatternKind::Regex,
            "x",
            RuleAction::Hide,
        );
        scoped.spec.feed_id = Some(1);
        let rules = [
            rule(
                1,
                RuleField::Title,
                PatternKind::Regex,
                "(?i)sponsored",
                RuleAction::Hide,
            ),
            rule(
                2,
                RuleField::Author,
                PatternKind::Words,
                "Jane Roe",
                RuleAction::Hide,
            ),
            scoped,
            rule(
                4,
                RuleField::Title,
                PatternKind::Regex,
                "y",
                RuleAction::Notify,
            ),
        ];
        let lines = to_lines(&rules, Utc::now());
        assert_eq!(
            lines,
            "EntryTitle=(?i)sponsored\nEntryAuthor=(?i)\\bJane\\s+Roe\\b\n"
        );
        // What is written reads back as the same rules.
        let back = parse_lines(&lines);
        assert!(back.skipped.is_empty());
        assert_eq!(back.rules.len(), 2);
    }
}
