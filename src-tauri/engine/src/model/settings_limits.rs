//! The settings' allowed values: each range and each set of choices is written here once.
//! `Settings::normalized` applies them, and the window asks for them (the `settings_limits`
//! command) instead of keeping copies of its own. Nothing else may write these numbers.

use serde::Serialize;

use super::Settings;

/// A whole-number setting's allowed values, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Range {
    pub min: u32,
    pub max: u32,
}

impl Range {
    /// `value` brought into the range.
    pub fn clamp(self, value: u32) -> u32 {
        value.clamp(self.min, self.max)
    }
}

/// The story's text size in CSS pixels.
pub const TEXT_SIZE: Range = Range { min: 12, max: 32 };
/// Minutes between automatic refreshes (0: never).
pub const REFRESH_MINUTES: Range = Range {
    min: 0,
    max: 24 * 60,
};
/// Days a read, unbookmarked story is kept.
pub const RETENTION_DAYS: Range = Range { min: 1, max: 3650 };
/// Megabytes of cached pictures.
pub const IMAGE_BUDGET_MB: Range = Range {
    min: 10,
    max: 100_000,
};
/// The sidebar's width in CSS pixels.
pub const SIDEBAR_WIDTH: Range = Range { min: 180, max: 420 };
/// The article list's width in CSS pixels.
pub const LIST_WIDTH: Range = Range { min: 260, max: 640 };
/// The themes, the first being the default.
pub const THEMES: &[&str] = &["system", "light", "dark"];
/// The story typefaces, the first being the default.
pub const FONTS: &[&str] = &["serif", "sans"];
/// How a story's link opens, the first being the default: `auto` reads same-site stories and
/// related links in Broadsheet and opens other sites in the browser.
pub const LINK_OPEN: &[&str] = &["auto", "broadsheet", "browser", "ask"];

/// Everything the window needs to offer the settings: the defaults, the ranges, the choices.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SettingsLimits {
    pub defaults: Settings,
    pub text_size: Range,
    pub refresh_minutes: Range,
    pub retention_days: Range,
    pub image_budget_mb: Range,
    pub sidebar_width: Range,
    pub list_width: Range,
    #[cfg_attr(feature = "ts", ts(type = "Array<Settings[\"theme\"]>"))]
    pub themes: &'static [&'static str],
    #[cfg_attr(feature = "ts", ts(type = "Array<Settings[\"font\"]>"))]
    pub fonts: &'static [&'static str],
    #[cfg_attr(feature = "ts", ts(type = "Array<Settings[\"link_open\"]>"))]
    pub link_open: &'static [&'static str],
}

/// The defaults and allowed values of every setting.
pub fn settings_limits() -> SettingsLimits {
    SettingsLimits {
        defaults: Settings::default(),
        text_size: TEXT_SIZE,
        refresh_minutes: REFRESH_MINUTES,
        retention_days: RETENTION_DAYS,
        image_budget_mb: IMAGE_BUDGET_MB,
        sidebar_width: SIDEBAR_WIDTH,
        list_width: LIST_WIDTH,
        themes: THEMES,
        fonts: FONTS,
        link_open: LINK_OPEN,
    }
}

/// `value` if it is one of `choices`, else the first choice (the default).
pub fn choice(value: String, choices: &[&str]) -> String {
    if choices.contains(&value.as_str()) {
        value
    } else {
        choices[0].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_inside_its_own_range_and_choices() {
        let d = Settings::default();
        assert_eq!(d.clone().normalized(), d);
        let l = settings_limits();
        for (value, range) in [
            (d.text_size, l.text_size),
            (d.refresh_minutes, l.refresh_minutes),
            (d.retention_days, l.retention_days),
            (d.image_budget_mb, l.image_budget_mb),
            (d.sidebar_width, l.sidebar_width),
            (d.list_width, l.list_width),
        ] {
            assert!(
                range.min <= value && value <= range.max,
                "{value} in {range:?}"
            );
        }
    }

    #[test]
    fn settings_saved_before_links_and_coming_back_existed_read_with_their_defaults() {
        let old: Settings =
            serde_json::from_str(r#"{"theme": "dark", "text_size": 40, "link_open": "nonsense"}"#)
                .unwrap();
        let old = old.normalized();
        assert_eq!(old.theme, "dark");
        assert_eq!(old.text_size, TEXT_SIZE.max);
        assert_eq!(old.link_open, "auto");
        assert_eq!((old.last_source.as_str(), old.last_article), ("all", 0));
        assert!(
            old.group_stories,
            "lists by story unless the person said otherwise"
        );
    }
}
