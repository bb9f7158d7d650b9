-- Schema 1: feeds, folders, article content, the user's article state, full-text search.
-- Times are Unix seconds (UTC).

CREATE TABLE folders (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    custom_title  TEXT,
    site_url      TEXT,
    description   TEXT,
    icon_url      TEXT,
    folder_id     INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    full_story    INTEGER NOT NULL DEFAULT 0,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,
    last_refreshed INTEGER,
    retry_after   INTEGER,
    error_kind    TEXT,
    error_message TEXT,
    error_at      INTEGER,
    created_at    INTEGER NOT NULL
);

-- Content: what the feed or the page said, sanitized. Replaceable at any time.
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    feed_id     INTEGER REFERENCES feeds(id) ON DELETE CASCADE,  -- NULL: a page opened on its own
    key         TEXT NOT NULL,     -- identity within the feed: guid, else link, else content hash
    url         TEXT,
    title       TEXT NOT NULL,
    author      TEXT,
    published   INTEGER NOT NULL,
    updated     INTEGER,
    fetched_at  INTEGER NOT NULL,
    html        TEXT NOT NULL,
    text        TEXT NOT NULL,
    excerpt     TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    site_name   TEXT,
    lead_image  TEXT,
    related     TEXT,              -- JSON [{title, url}]
    images      TEXT,              -- JSON [url]: the pictures of the story, in document order
    images_done INTEGER NOT NULL DEFAULT 0  -- 1 once its pictures were fetched for offline reading
);
CREATE UNIQUE INDEX articles_feed_key ON articles(feed_id, key);
CREATE UNIQUE INDEX articles_page_key ON articles(key) WHERE feed_id IS NULL;
CREATE INDEX articles_published ON articles(published DESC, id DESC);
CREATE INDEX articles_feed_published ON articles(feed_id, published DESC, id DESC);
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_images_pending ON articles(id) WHERE images_done = 0;

-- The user's state, apart from content, so re-fetching a story never loses it.
CREATE TABLE article_state (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    read          INTEGER NOT NULL DEFAULT 0,
    bookmarked    INTEGER NOT NULL DEFAULT 0,
    read_at       INTEGER,
    bookmarked_at INTEGER
);
CREATE INDEX article_state_unread ON article_state(article_id) WHERE read = 0;
CREATE INDEX article_state_bookmarked ON article_state(article_id) WHERE bookmarked = 1;

-- Items removed by retention, so a feed that still carries them does not bring them back.
CREATE TABLE pruned_keys (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE article_fts USING fts5(
    title, text,
    content = 'articles', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO article_fts(article_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END
;

-- The user's preferences, as one JSON document per key.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID
