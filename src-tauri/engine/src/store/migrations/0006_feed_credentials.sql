-- Schema 6: whether a feed has a password in the credential store (kept outside the library,
-- under the feed's origin), so a refresh asks that store only for the feeds that need it.
ALTER TABLE feeds ADD COLUMN has_credentials INTEGER NOT NULL DEFAULT 0;
