-- Schema 3: each feed's icon, for the sidebar.
-- A row per feed once its icon was looked for, found or not. The picture (a small raster image,
-- at most 256 KB) lives in the row: it goes with its feed, and no picture budget evicts it.
CREATE TABLE feed_icons (
    feed_id       INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
    checked_at    INTEGER NOT NULL,   -- when the icon was last looked for
    url           TEXT,               -- where the kept icon came from
    token         TEXT UNIQUE,        -- its name in the image scheme; NULL until an icon is found
    mime          TEXT,               -- sniffed from the bytes, never the server's word
    error_kind    TEXT,               -- why the last look failed
    error_message TEXT,
    data          BLOB                -- last, so reading the other columns never loads it
);
