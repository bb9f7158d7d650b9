//! Finds the story in an article page: its text, metadata and the links to related stories.
