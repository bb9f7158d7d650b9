//! Any web page as an article (`open_link`), and a stored story as the window shows it or as a
//! file to keep.
//!
//! Owns the order for a page: fetch and extract it (the same step that completes a feed's
//! teasers), make it an article (`process`), store it, fetch its pictures. Never extracts or
//! sanitizes itself, never writes SQL, and never loads anything remote into what the window
//! shows.

use std::sync::Arc;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use url::Url;

use super::reading::pictures_of;
use super::{parse_user_url, steps, Library, LibraryError, Result};
use crate::export;
use crate::fetch::Reach;
use crate::images;
use crate::model::{Article, ArticleId, ArticleView};
use crate::process;

/// The file formats a story can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Html,
    Markdown,
}

/// Words a reader reads in a minute, for the reading time.
const WORDS_PER_MINUTE: usize = 230;

impl Library {
    /// Opens any web page as an article of no feed: fetched, the story extracted, sanitized and
    /// kept. Opening the same address again returns the stored article. `from` is the article
    /// whose link was followed: the page may reach only the kinds of addresses that article's
    /// source lives on.
    pub async fn open_link(&self, input: &str, from: Option<ArticleId>) -> Result<Article> {
        // A page is never signed in to: a `user:password@` in a link is dropped, not sent.
        let (url, _) = parse_user_url(input)?;
        let mut page_url = url.clone();
        page_url.set_fragment(None);
        if let Some(id) = self.stored_article_for(page_url.as_str()).await? {
            return self.article(id).await;
        }
        let reach = match from {
            Some(id) => self.article_reach(id).await?,
            None => Reach::of_subscription(&page_url, false),
        };
        let body = steps::fetch_page(&self.fetcher, &page_url, reach, None).await?;
        let mut final_url = body.final_url.clone();
        final_url.set_fragment(None);
        if final_url != page_url {
            if let Some(id) = self.stored_article_for(final_url.as_str()).await? {
                return self.article(id).await;
            }
        }
        let story = steps::extract_page(body, final_url.clone()).await?;
        let now = Utc::now();
        let new =
            tokio::task::spawn_blocking(move || process::page_article(story, &final_url, now))
                .await?;
        let (id, created, new) = self
            .blocking(move |s| {
                let (id, created) = s.add_page_article(&new, now)?;
                Ok((id, created, new))
            })
            .await?;
        if !created {
            // Stored meanwhile by another call: that one, with its own state, is the article.
            return self.article(id).await;
        }
        // Only this story's pictures: the person is waiting for it, not for the library's.
        self.cache_images_of(id).await?;
        let named = new.images.clone();
        let mut article = process::stored_article(id, new);
        let (images, store) = (self.image_cache(), Arc::clone(&self.store));
        article.images =
            tokio::task::spawn_blocking(move || pictures_of(&images, &store, id, || Ok(named)))
                .await??;
        Ok(article)
    }

    async fn stored_article_for(&self, url: &str) -> Result<Option<ArticleId>> {
        let url = url.to_string();
        self.blocking(move |s| s.article_id_by_url(&url)).await
    }

    /// How far pages opened from an article may reach: as far as its feed's stored address
    /// and setting allow, else (a page of no feed) as far as its own address.
    async fn article_reach(&self, id: ArticleId) -> Result<Reach> {
        let article = self.article(id).await?;
        let feed = match article.summary.feed_id {
            Some(feed) => Some(self.blocking(move |s| s.feed(feed)).await?),
            None => None,
        };
        let (origin, local_network) = match feed {
            Some(feed) => (Some(feed.url), feed.local_network),
            None => (article.summary.url, false),
        };
        origin
            .and_then(|u| Url::parse(&u).ok())
            .map(|origin| Reach::of_subscription(&origin, local_network))
            .ok_or_else(|| LibraryError::InvalidUrl {
                input: format!("article {id} has no address"),
            })
    }

    /// One article as a file to keep: self-contained HTML (pictures inlined) or Markdown.
    pub async fn export_article(&self, id: ArticleId, format: ExportFormat) -> Result<String> {
        let article = self.article(id).await?;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || match format {
            ExportFormat::Markdown => export::export_markdown(&article),
            ExportFormat::Html => {
                let lookup = |url: &str| {
                    images
                        .read(&store, &images::image_token(url))
                        .ok()
                        .flatten()
                };
                export::export_html(&article, &lookup)
            }
        })
        .await
        .map_err(LibraryError::from)
    }

    /// An article as the window shows it: pictures from the library, nothing remote.
    pub async fn article_for_display(&self, id: ArticleId) -> Result<ArticleView> {
        let article = self.article(id).await?;
        self.display(article).await
    }

    /// [`Library::open_link`], as the window shows the article.
    pub async fn open_link_for_display(
        &self,
        input: &str,
        from: Option<ArticleId>,
    ) -> Result<ArticleView> {
        let article = self.open_link(input, from).await?;
        self.display(article).await
    }

    /// An article at hand as the window shows it: its pictures pointed at the library.
    async fn display(&self, mut article: Article) -> Result<ArticleView> {
        let id = article.summary.id;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        let html = std::mem::take(&mut article.html);
        let lead = article.lead_image.take();
        let (html, lead) = tokio::task::spawn_blocking(move || {
            let tokens = images.tokens_for_article(&store, id)?;
            let html = images::rewrite_image_urls(&html, &tokens);
            let lead = lead.and_then(|u| tokens.get(&u).map(|t| images::image_src(t)));
            Ok::<_, LibraryError>((html, lead))
        })
        .await??;
        article.html = html;
        article.lead_image = lead;
        let words = article.text.split_whitespace().count();
        Ok(ArticleView {
            article,
            reading_minutes: u32::try_from(words.div_ceil(WORDS_PER_MINUTE))
                .unwrap_or(u32::MAX)
                .max(1),
        })
    }
}
