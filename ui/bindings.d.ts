// Generated from the Rust types by src-tauri/bindings.rs: do not edit by hand.
// BROADSHEET_BLESS=1 cargo test --lib bindings writes it anew.

/**
 * A stable, snake_case name for what went wrong.
 */
export type ErrorKind = "invalid_url" | "unsupported_scheme" | "blocked" | "timeout" | "connect" | "too_many_redirects" | "bad_redirect" | "too_large" | "http_status" | "rate_limited" | "body" | "client" | "local_network" | "insecure_redirect" | "unexpected_content_type" | "not_a_feed" | "malformed_feed" | "unsupported_encoding" | "feed_too_deep" | "feed_parser_panic" | "no_feed_found" | "too_complex" | "no_content" | "unsupported_url" | "image_cache_io" | "not_an_image" | "tracking_pixel" | "over_budget" | "no_icon" | "opml_malformed" | "opml_too_large" | "library_unreadable" | "library_too_new" | "library" | "no_such_feed" | "no_such_article" | "no_such_account" | "io" | "invalid_setting" | "invalid_rule" | "no_such_rule" | "auth" | "unreachable" | "unexpected_answer" | "credentials" | "refused_scheme" | "opener" | "internal";

/**
 * An error as the window sees it: a stable `kind` to act on and a readable `message`.
 */
export type AppError = { kind: ErrorKind, message: string, };

/**
 * The version and the library folder, for the About and Settings panes.
 */
export type AppInfo = { version: string, data_dir: string, };

/**
 * What the background worker added since its last event.
 */
export type LibraryUpdated = { 
/**
 * Stories of a new subscription completed with their pages: the list may reload them.
 */
stories: number, icons: number, pictures: number, };

/**
 * The last failed refresh of a feed, kept until a refresh succeeds.
 */
export type FeedHealth = { 
/**
 * Stable, machine-readable reason (`timeout`, `http_status`, `not_a_feed`, ...).
 */
kind: ErrorKind, 
/**
 * What went wrong, in words, naming the URL.
 */
message: string, 
/**
 * When it happened.
 */
at: string, };

/**
 * A subscription as the user sees it.
 */
export type Feed = { id: number, 
/**
 * The name shown: the user's own name for it if they renamed it, else the feed's title.
 */
title: string, 
/**
 * The feed document's address.
 */
url: string, 
/**
 * The site the feed belongs to.
 */
site_url: string | null, folder: string | null, unread: number, 
/**
 * Whether every item's linked page is fetched for the full story.
 */
full_story: boolean, last_refreshed: string | null, error: FeedHealth | null, 
/**
 * The feed's icon as the window loads it (`broadsheet-img:` URL), `None` until one is found.
 */
icon: string | null, 
/**
 * Whether the person allowed this feed to reach their local network by name.
 */
local_network: boolean, 
/**
 * The sync account it belongs to; `None` for a feed of this computer only.
 */
account: number | null, 
/**
 * Whether the person hears of this feed's new stories (off until asked).
 */
notify: boolean, };

/**
 * A folder of feeds.
 */
export type Folder = { id: number, name: string, };

/**
 * One line of an article list.
 */
export type ArticleSummary = { id: number, 
/**
 * `None` for a page opened on its own, outside any feed.
 */
feed_id: number | null, 
/**
 * The feed's name, for lists that mix feeds.
 */
feed_title: string | null, title: string, url: string | null, author: string | null, published: string, read: boolean, bookmarked: boolean, excerpt: string, 
/**
 * The story it belongs to: equal for every article reporting the same event (an article
 * alone has its own).
 */
story: number, 
/**
 * How many outlets its story has (1 for an article alone).
 */
outlets: number, 
/**
 * The feeds of its story's other articles, for their icons.
 */
outlet_feeds: Array<number>, };

/**
 * A link to another story, found on the story's page.
 */
export type RelatedLink = { title: string, url: string, };

/**
 * Another outlet's article on the same event, as the reader lists it under a story.
 */
export type StoryLink = { id: number, feed_id: number | null, feed_title: string | null, title: string, url: string | null, published: string, };

/**
 * A picture of a story and whether it is in the library for offline reading.
 */
export type ArticleImage = { url: string, cached: boolean, };

/**
 * A whole stored story.
 */
export type Article = { 
/**
 * Sanitized HTML, safe to show in a sandboxed frame.
 */
html: string, 
/**
 * Plain text of the story.
 */
text: string, site_name: string | null, lead_image: string | null, related: Array<RelatedLink>, images: Array<ArticleImage>, 
/**
 * The story's language as a BCP 47-looking tag (its feed's declared language), for the
 * story frame's `lang`; `None` when unknown.
 */
language: string | null, 
/**
 * The other outlets' articles of its story, newest first.
 */
coverage: Array<StoryLink>, id: number, 
/**
 * `None` for a page opened on its own, outside any feed.
 */
feed_id: number | null, 
/**
 * The feed's name, for lists that mix feeds.
 */
feed_title: string | null, title: string, url: string | null, author: string | null, published: string, read: boolean, bookmarked: boolean, excerpt: string, 
/**
 * The story it belongs to: equal for every article reporting the same event (an article
 * alone has its own).
 */
story: number, 
/**
 * How many outlets its story has (1 for an article alone).
 */
outlets: number, 
/**
 * The feeds of its story's other articles, for their icons.
 */
outlet_feeds: Array<number>, };

/**
 * An article as the window shows it: pictures point at the app's image scheme (those not in
 * the library are left out, since the window never loads anything remote).
 */
export type ArticleView = { 
/**
 * Minutes a reader takes, at about 230 words a minute.
 */
reading_minutes: number, 
/**
 * Sanitized HTML, safe to show in a sandboxed frame.
 */
html: string, 
/**
 * Plain text of the story.
 */
text: string, site_name: string | null, lead_image: string | null, related: Array<RelatedLink>, images: Array<ArticleImage>, 
/**
 * The story's language as a BCP 47-looking tag (its feed's declared language), for the
 * story frame's `lang`; `None` when unknown.
 */
language: string | null, 
/**
 * The other outlets' articles of its story, newest first.
 */
coverage: Array<StoryLink>, id: number, 
/**
 * `None` for a page opened on its own, outside any feed.
 */
feed_id: number | null, 
/**
 * The feed's name, for lists that mix feeds.
 */
feed_title: string | null, title: string, url: string | null, author: string | null, published: string, read: boolean, bookmarked: boolean, excerpt: string, 
/**
 * The story it belongs to: equal for every article reporting the same event (an article
 * alone has its own).
 */
story: number, 
/**
 * How many outlets its story has (1 for an article alone).
 */
outlets: number, 
/**
 * The feeds of its story's other articles, for their icons.
 */
outlet_feeds: Array<number>, };

/**
 * Which articles a list shows, newest first. Every field may be left out (the window's
 * `ui/api.js` types them as optional): no filter, the engine's default page.
 */
export type ArticleQuery = { feed_id?: number | null, folder?: string | null, unread_only?: boolean, bookmarked_only?: boolean, 
/**
 * Only the stories rules hid (otherwise they are left out of every list).
 */
hidden_only?: boolean, 
/**
 * Words to find in titles and text; results are best-ranked first instead of newest first.
 */
search?: string | null, 
/**
 * One row per story (its newest article, or the one read first) instead of one per
 * article. Ignored when searching: search results stay per article.
 */
stories?: boolean, limit?: number | null, offset?: number | null, };

/**
 * A refresh error of one feed, as reported at the end of a refresh.
 */
export type RefreshError = { feed_id: number, kind: ErrorKind, message: string, };

/**
 * One notification's worth of new stories.
 */
export type NotifyBatch = { 
/**
 * How many stories (every one, however many titles are given).
 */
count: number, 
/**
 * The first stories' titles, oldest first.
 */
titles: Array<string>, 
/**
 * Every story's id, oldest first (the window opens the first).
 */
article_ids: Array<number>, };

/**
 * What a refresh did.
 */
export type RefreshReport = { 
/**
 * Feeds considered.
 */
feeds: number, 
/**
 * Feeds fetched with new content parsed.
 */
refreshed: number, 
/**
 * Feeds whose server said 304, or whose body had not changed.
 */
not_modified: number, new_articles: number, updated_articles: number, errors: Array<RefreshError>, 
/**
 * Pictures saved for offline reading after the refresh (0 when the caller did not ask).
 */
images_cached: number, 
/**
 * Every feed tried (two or more) failed to reach its server: the network is down, so the
 * failures were not recorded on the feeds. `errors` still lists them.
 */
network_down: boolean, 
/**
 * The new stories to announce (feeds the person listens to, `notify` rules), each only
 * once ever.
 */
notify: NotifyBatch, };

/**
 * A sync account: a server that holds the person's subscriptions and read and starred
 * states. Its password is never here (the credential store keeps it).
 */
export type Account = { id: number, 
/**
 * The protocol it speaks: `greader` (the Google Reader API).
 */
kind: string, 
/**
 * The server's address, as typed.
 */
url: string, user: string, 
/**
 * When a sync last went through.
 */
last_sync: string | null, 
/**
 * The last sync's failure, kept until one succeeds.
 */
error: FeedHealth | null, };

/**
 * Why one account's sync failed.
 */
export type SyncError = { account_id: number, 
/**
 * `auth`, `unreachable`, `rate_limited`, ...
 */
kind: ErrorKind, message: string, };

/**
 * What a sync of the accounts did.
 */
export type SyncReport = { 
/**
 * Accounts synced (or tried).
 */
accounts: number, 
/**
 * Subscriptions of a server new to this library.
 */
feeds_added: number, 
/**
 * Feeds gone from their server, removed here.
 */
feeds_removed: number, 
/**
 * Stories new to this library.
 */
new_articles: number, 
/**
 * Edits made here that the servers took.
 */
pushed: number, 
/**
 * Stories whose read or bookmarked state came from their server.
 */
pulled: number, 
/**
 * The accounts whose sync failed (nothing is lost: their edits stay queued).
 */
errors: Array<SyncError>, 
/**
 * The new stories due to be announced (feeds the person listens to, `notify` rules).
 */
notify: NotifyBatch, };

/**
 * How far a refresh has got, reported after each feed.
 */
export type RefreshProgress = { done: number, total: number, };

/**
 * What an account's sync is doing now.
 */
export type SyncPhase = "sending" | "checking" | "fetching" | "finished";

/**
 * How far an account's sync has got, reported at each phase and after each batch of stories.
 */
export type SyncProgress = { account_id: number, phase: SyncPhase, 
/**
 * Stories fetched so far (while fetching).
 */
done: number, 
/**
 * Stories to fetch (while fetching).
 */
total: number, };

/**
 * The user's preferences, kept in the library so the window and the command line agree.
 */
export type Settings = { 
/**
 * `system`, `light` or `dark`.
 */
theme: "system" | "light" | "dark", 
/**
 * The story's text size in CSS pixels.
 */
text_size: number, 
/**
 * `serif` or `sans` for the story.
 */
font: "serif" | "sans", 
/**
 * Minutes between automatic refreshes; 0 turns them off.
 */
refresh_minutes: number, 
/**
 * Read, unbookmarked articles older than this many days are pruned.
 */
retention_days: number, 
/**
 * Megabytes of pictures kept for offline reading.
 */
image_budget_mb: number, 
/**
 * Widths of the sidebar and the article list, in CSS pixels.
 */
sidebar_width: number, list_width: number, 
/**
 * How a click on a story's link opens it: `auto`, `broadsheet`, `browser` or `ask`.
 */
link_open: "auto" | "broadsheet" | "browser" | "ask", 
/**
 * Where the person was when the window last closed: the list's source (`all`, `unread`,
 * `bookmarks`, `feed:ID`, `folder:NAME`) and the story open in it (0 for none).
 */
last_source: string, last_article: number, 
/**
 * Whether new stories are announced by a system notification (while the window is in
 * the background).
 */
notifications: boolean, 
/**
 * Whether the article list shows one row per story (the same event from several outlets)
 * rather than one per article.
 */
group_stories: boolean, };

/**
 * A whole-number setting's allowed values, both ends included.
 */
export type Range = { min: number, max: number, };

/**
 * Everything the window needs to offer the settings: the defaults, the ranges, the choices.
 */
export type SettingsLimits = { defaults: Settings, text_size: Range, refresh_minutes: Range, retention_days: Range, image_budget_mb: Range, sidebar_width: Range, list_width: Range, themes: Array<Settings["theme"]>, fonts: Array<Settings["font"]>, link_open: Array<Settings["link_open"]>, };

/**
 * A feed found for a site, before subscribing.
 */
export type FeedCandidate = { url: string, title: string | null, };

/**
 * The result of subscribing.
 */
export type Subscription = { 
/**
 * `false` when the feed was already in the library.
 */
created: boolean, id: number, 
/**
 * The name shown: the user's own name for it if they renamed it, else the feed's title.
 */
title: string, 
/**
 * The feed document's address.
 */
url: string, 
/**
 * The site the feed belongs to.
 */
site_url: string | null, folder: string | null, unread: number, 
/**
 * Whether every item's linked page is fetched for the full story.
 */
full_story: boolean, last_refreshed: string | null, error: FeedHealth | null, 
/**
 * The feed's icon as the window loads it (`broadsheet-img:` URL), `None` until one is found.
 */
icon: string | null, 
/**
 * Whether the person allowed this feed to reach their local network by name.
 */
local_network: boolean, 
/**
 * The sync account it belongs to; `None` for a feed of this computer only.
 */
account: number | null, 
/**
 * Whether the person hears of this feed's new stories (off until asked).
 */
notify: boolean, };

/**
 * What an OPML import did.
 */
export type ImportReport = { added: number, already_subscribed: number, 
/**
 * Outlines whose address was not an http(s) URL.
 */
skipped: number, };

/**
 * The file formats a story can be exported to.
 */
export type ExportFormat = "html" | "markdown";

/**
 * What part of a story a rule looks at.
 */
export type RuleField = "title" | "text" | "author" | "url" | "category" | "any";

/**
 * What a rule does to a story it matches.
 */
export type RuleAction = "hide" | "read" | "bookmark" | "notify";

/**
 * How a rule's pattern reads.
 */
export type PatternKind = "words" | "regex";

/**
 * A rule as a person writes it: everything but its id.
 */
export type RuleSpec = { field: RuleField, pattern: string, kind: PatternKind, 
/**
 * Only this feed's stories (never with `folder`).
 */
feed_id: number | null, 
/**
 * Only the stories of this folder's feeds (never with `feed_id`).
 */
folder: string | null, action: RuleAction, 
/**
 * From this time on the rule is kept but no longer applies.
 */
until: string | null, };

/**
 * A stored rule.
 */
export type Rule = { id: number, field: RuleField, pattern: string, kind: PatternKind, 
/**
 * Only this feed's stories (never with `folder`).
 */
feed_id: number | null, 
/**
 * Only the stories of this folder's feeds (never with `feed_id`).
 */
folder: string | null, action: RuleAction, 
/**
 * From this time on the rule is kept but no longer applies.
 */
until: string | null, };

/**
 * A line of the file that did not become a rule, and why.
 */
export type SkippedLine = { 
/**
 * Its number in the file, from 1.
 */
line: number, text: string, reason: string, };

/**
 * What importing a file of rule lines did.
 */
export type RulesImport = { added: Array<Rule>, skipped: Array<SkippedLine>, };
