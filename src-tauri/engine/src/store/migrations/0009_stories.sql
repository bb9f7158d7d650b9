-- Schema 9: stories, the same event reported by several outlets. `story_id` is the id of the
-- article the story was named after; NULL for an article alone, which is its own story (so an
-- article stored before this version, or not grouped yet, needs no rewrite).
ALTER TABLE articles ADD COLUMN story_id INTEGER;
-- Whether a story already has an article of a feed (an outlet never joins its own story twice).
CREATE INDEX articles_story_feed ON articles(story_id, feed_id) WHERE story_id IS NOT NULL;
-- A story's first and last article (its span), and its articles newest first.
CREATE INDEX articles_story_published ON articles(story_id, published) WHERE story_id IS NOT NULL;
