-- Schema 7: sync accounts (a server holding the person's subscriptions), which feeds and
-- articles are the server's, and the edits still to push to it. The password is never here:
-- it lives in the credential store, under the account's server and user.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,            -- the protocol: 'greader'
    url           TEXT NOT NULL,            -- the server's address as typed (no userinfo)
    user          TEXT NOT NULL,
    last_sync     INTEGER,                  -- the last sync that went through
    error_kind    TEXT,                     -- the last sync's failure, until one succeeds
    error_message TEXT,
    error_at      INTEGER,
    created_at    INTEGER NOT NULL,
    UNIQUE (kind, url, user)
);

-- NULL: a feed of this computer only. Removing an account goes through the library, which
-- keeps its bookmarks as stories of no feed first.
ALTER TABLE feeds ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE;
-- The server's stream id of the subscription (`feed/12`).
ALTER TABLE feeds ADD COLUMN remote_id TEXT;
CREATE INDEX feeds_account ON feeds(account_id) WHERE account_id IS NOT NULL;

-- The server's item id (64 bits, stored as SQLite's signed integer, bit for bit).
ALTER TABLE articles ADD COLUMN remote_id INTEGER;
CREATE INDEX articles_remote ON articles(remote_id) WHERE remote_id IS NOT NULL;

-- Edits made here that the server has not taken yet, oldest first; they survive a restart.
CREATE TABLE sync_queue (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,   -- read, unread, star, unstar, subscribe, unsubscribe, rename, move
    item_id    INTEGER,         -- the server's item id, for state edits
    stream     TEXT,            -- the subscription's stream id, or the feed's address to subscribe
    value      TEXT,            -- a new name, or the folder to move to
    previous   TEXT,            -- the folder moved from
    created_at INTEGER NOT NULL
);
CREATE INDEX sync_queue_account ON sync_queue(account_id, id);

-- Reading or bookmarking a synced article queues the edit for its server, whichever
-- operation did it (one, many, a whole list, an undo). A sync applying the server's own
-- state removes what it queued in the same transaction.
CREATE TRIGGER article_state_queue_read AFTER UPDATE OF read ON article_state
WHEN new.read IS NOT old.read
BEGIN
    INSERT INTO sync_queue (account_id, action, item_id, created_at)
    SELECT f.account_id, CASE WHEN new.read THEN 'read' ELSE 'unread' END, a.remote_id,
           CAST(strftime('%s', 'now') AS INTEGER)
    FROM articles a JOIN feeds f ON f.id = a.feed_id
    WHERE a.id = new.article_id AND a.remote_id IS NOT NULL AND f.account_id IS NOT NULL;
END;
CREATE TRIGGER article_state_queue_star AFTER UPDATE OF bookmarked ON article_state
WHEN new.bookmarked IS NOT old.bookmarked
BEGIN
    INSERT INTO sync_queue (account_id, action, item_id, created_at)
    SELECT f.account_id, CASE WHEN new.bookmarked THEN 'star' ELSE 'unstar' END, a.remote_id,
           CAST(strftime('%s', 'now') AS INTEGER)
    FROM articles a JOIN feeds f ON f.id = a.feed_id
    WHERE a.id = new.article_id AND a.remote_id IS NOT NULL AND f.account_id IS NOT NULL;
END
