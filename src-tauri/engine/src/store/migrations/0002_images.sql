-- Schema 2: pictures kept in the library for offline reading.
-- A row per picture URL, shared by every article that shows it. A picture with no `bytes`
-- is not cached (never fetched, failed, or evicted); `error_kind` says why it failed.
CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    token         TEXT NOT NULL UNIQUE,   -- opaque name of the file and of the image-scheme URL
    mime          TEXT,                   -- sniffed from the bytes, never the server's word
    bytes         INTEGER,
    fetched_at    INTEGER,
    last_used     INTEGER,
    error_kind    TEXT,
    error_message TEXT
);
-- Eviction walks cached pictures from the least recently used.
CREATE INDEX images_lru ON images(last_used) WHERE bytes IS NOT NULL;

CREATE TABLE article_images (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,          -- document order within the article
    PRIMARY KEY (article_id, image_id)
) WITHOUT ROWID;
-- Which articles show a picture: pinning by bookmark, and finding pictures no article shows.
CREATE INDEX article_images_image ON article_images(image_id, article_id);
