-- Schema 5: whether a feed may reach the local network (loopback and private addresses) by
-- name, as the person chose for a feed on their NAS or a local bridge. Off for every feed until
-- they turn it on: a feed's reach is never widened by what its host name resolves to.
ALTER TABLE feeds ADD COLUMN local_network INTEGER NOT NULL DEFAULT 0;
