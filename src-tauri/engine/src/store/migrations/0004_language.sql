-- Schema 4: the language a feed declares (a BCP 47-looking tag, checked before it is stored),
-- so the window can give each story's frame its `lang`. NULL when the feed declares none.
ALTER TABLE feeds ADD COLUMN language TEXT;
