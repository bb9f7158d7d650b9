-- Schema 10: a smaller library (issue 14). A story's excerpt, text and HTML are packed into one
-- compressed column (`body`, see store/packed.rs), and the full-text index keeps no copy of its
-- own nor reads one from `articles`: it is contentless, filled by the store as each story is
-- written, and a story's row in it is deleted with the story.
ALTER TABLE articles ADD COLUMN body BLOB NOT NULL DEFAULT x'';
UPDATE articles SET body = broadsheet_pack(excerpt, text, html);

DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
CREATE VIRTUAL TABLE article_fts_new USING fts5(
    title, text,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO article_fts_new(rowid, title, text) SELECT id, title, text FROM articles;
DROP TABLE article_fts;
ALTER TABLE article_fts_new RENAME TO article_fts;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = old.id;
END;

ALTER TABLE articles DROP COLUMN html;
ALTER TABLE articles DROP COLUMN text;
ALTER TABLE articles DROP COLUMN excerpt;
