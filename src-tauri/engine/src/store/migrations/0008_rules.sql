-- Schema 8: rules (mute and notify) and what they decided for each stored story, kept with the
-- story so lists and unread counts stay plain queries. Self-contained: it only adds.
CREATE TABLE rules (
    id         INTEGER PRIMARY KEY,
    field      TEXT NOT NULL,     -- title, text, author, url, category, any
    pattern    TEXT NOT NULL,
    kind       TEXT NOT NULL,     -- words, regex
    feed_id    INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    folder     TEXT,
    action     TEXT NOT NULL,     -- hide, read, bookmark, notify
    until      INTEGER,           -- from then on kept but inactive
    lapsed     INTEGER NOT NULL DEFAULT 0,  -- 1 once the stored stories were matched again after `until`
    created_at INTEGER NOT NULL
);

-- The feed's categories of a story (JSON [string]), for rules on `category`.
ALTER TABLE articles ADD COLUMN categories TEXT;
-- 1: a rule hides the story (never a bookmarked one); out of every list and count.
ALTER TABLE article_state ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
-- 0: nothing to announce; 1: due in the next notification; 2: announced (never again).
ALTER TABLE article_state ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
CREATE INDEX article_state_hidden ON article_state(article_id) WHERE hidden = 1;
CREATE INDEX article_state_notify_due ON article_state(article_id) WHERE notify = 1;
-- 1: the person asked to hear of this feed's new stories.
ALTER TABLE feeds ADD COLUMN notify INTEGER NOT NULL DEFAULT 0;
