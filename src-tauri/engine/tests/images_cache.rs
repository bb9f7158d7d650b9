//! The image cache against a loopback server: real pictures are kept and served by token,
//! anything else (markup, oversize, forbidden addresses, tracking pixels) is skipped with the
//! reason recorded, and the budget evicts the least recently used pictures but never a
//! bookmarked story's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use broadsheet_engine::fetch::{BodyCaps, FetchConfig, Fetcher, Reach};
use broadsheet_engine::images::{
    image_token, ImageCache, ImageReport, DEFAULT_BUDGET_BYTES, MAX_IMAGES_PER_ARTICLE,
};
use broadsheet_engine::model::{ArticleId, ArticleImage};
use broadsheet_engine::store::{NewArticle, Store};
use chrono::Utc;
use fixture_server::{FixtureServer, Reply};
use url::Url;

/// The fixture server lives on 127.0.0.1, so these stories' feeds opt into loopback.
const LOOPBACK: Reach = Reach {
    loopback: true,
    private: false,
    link_local: false,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/images")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fetcher_with_image_cap(image: u64) -> Fetcher {
    Fetcher::new(FetchConfig {
        connect_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(5),
        caps: BodyCaps {
            image,
            ..BodyCaps::default()
        },
        ..FetchConfig::default()
    })
    .unwrap()
}

fn fetcher() -> Fetcher {
    fetcher_with_image_cap(BodyCaps::default().image)
}

struct Library {
    _dir: tempfile::TempDir,
    store: Store,
    images_dir: PathBuf,
}

fn library() -> Library {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
    let images_dir = dir.path().join("images");
    Library {
        _dir: dir,
        store,
        images_dir,
    }
}

/// An empty library, its picture cache with the default budget, and one story ("a") in it.
fn story_in_library() -> (Library, ImageCache, ArticleId) {
    let lib = library();
    let cache = ImageCache::new(lib.images_dir.clone(), DEFAULT_BUDGET_BYTES);
    let article = add_article(&lib.store, "a");
    (lib, cache, article)
}

fn add_article(store: &Store, key: &str) -> ArticleId {
    let article = NewArticle {
        key: key.into(),
        url: Some(format!("https://news.example/{key}")),
        title: key.into(),
        author: None,
        published: Utc::now(),
        updated: None,
        html: "<p>story</p>".into(),
        text: "story".into(),
        excerpt: "story".into(),
        source_hash: key.into(),
        site_name: None,
        lead_image: None,
        related: vec![],
        images: vec![],
        categories: vec![],
        rules: Default::default(),
    };
    store.add_page_article(&article, Utc::now()).unwrap().0
}

fn urls(server: &FixtureServer, paths: &[&str]) -> Vec<Url> {
    paths
        .iter()
        .map(|p| Url::parse(&server.url(p)).unwrap())
        .collect()
}

/// The recorded failure of a picture, read straight from the library.
fn recorded_error(store: &Store, url: &Url) -> Option<(String, String)> {
    store
        .read(|c| {
            Ok(c.query_row(
                "SELECT error_kind, error_message FROM images WHERE url = ?1",
                [url.as_str()],
                |r| {
                    let kind: Option<String> = r.get(0)?;
                    let message: Option<String> = r.get(1)?;
                    Ok(kind.zip(message))
                },
            )?)
        })
        .unwrap()
}

/// Caches a story's one picture, which must be skipped, and returns the reason recorded for it.
async fn skipped_reason(
    lib: &Library,
    cache: &ImageCache,
    fetcher: &Fetcher,
    article: ArticleId,
    url: &Url,
    reach: Reach,
) -> (String, String) {
    let report = cache
        .cache_article_images(
            &lib.store,
            fetcher,
            article,
            std::slice::from_ref(url),
            reach,
        )
        .await
        .unwrap();
    assert_eq!((report.cached, report.failed), (0, 1), "{url}");
    recorded_error(&lib.store, url).unwrap()
}

fn cached_urls(images: &[ArticleImage]) -> Vec<(String, bool)> {
    images.iter().map(|i| (i.url.clone(), i.cached)).collect()
}

#[tokio::test]
async fn real_png_and_jpeg_are_kept_and_served_by_token_with_the_sniffed_type() {
    let server = FixtureServer::start().await.unwrap();
    let png = fixture("photo-16x12.png");
    let jpeg = fixture("grey-8x8-baseline.jpg");
    // Servers often label pictures vaguely; the type recorded comes from the bytes.
    server.route("/a.png", Reply::ok("application/octet-stream", png.clone()));
    server.route("/b.jpg", Reply::ok("image/jpeg", jpeg.clone()));
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/a.png", "/b.jpg"]);

    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!(
        report,
        ImageReport {
            cached: 2,
            failed: 0,
            skipped: 0
        }
    );
    assert_eq!(
        cached_urls(&cache.article_images(&lib.store, article).unwrap()),
        [(list[0].to_string(), true), (list[1].to_string(), true)]
    );

    let tokens = cache.tokens_for_article(&lib.store, article).unwrap();
    assert_eq!(tokens.len(), 2);
    let png_token = &tokens[list[0].as_str()];
    assert_eq!(png_token, &image_token(list[0].as_str()));
    let (mime, bytes) = cache.read(&lib.store, png_token).unwrap().unwrap();
    assert_eq!((mime.as_str(), bytes), ("image/png", png));
    let (mime, bytes) = cache
        .read(&lib.store, &tokens[list[1].as_str()])
        .unwrap()
        .unwrap();
    assert_eq!((mime.as_str(), bytes), ("image/jpeg", jpeg));

    // The file sits under <dir>/<first two characters>/<token>, with no temporary left over.
    let file = lib.images_dir.join(&png_token[..2]).join(png_token);
    assert!(file.is_file());
    let leftovers: Vec<_> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn a_second_call_does_not_fetch_a_cached_picture_again() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/a.png", Reply::ok("image/png", fixture("photo-16x12.png")));
    let lib = library();
    let cache = ImageCache::new(lib.images_dir.clone(), DEFAULT_BUDGET_BYTES);
    let fetcher = fetcher();
    let first = add_article(&lib.store, "first");
    let second = add_article(&lib.store, "second");
    let list = urls(&server, &["/a.png"]);

    cache
        .cache_article_images(&lib.store, &fetcher, first, &list, LOOPBACK)
        .await
        .unwrap();
    let again = cache
        .cache_article_images(&lib.store, &fetcher, first, &list, LOOPBACK)
        .await
        .unwrap();
    // Another story showing the same picture shares the cached copy.
    let shared = cache
        .cache_article_images(&lib.store, &fetcher, second, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!(server.hits("/a.png"), 1);
    assert_eq!((again.cached, again.skipped), (0, 1));
    assert_eq!((shared.cached, shared.skipped), (0, 1));
    assert!(cache.article_images(&lib.store, second).unwrap()[0].cached);
}

// Payload 26/34 territory: an error page or an SVG with script served as image/png must never
// reach the window as a picture; the story still shows, with the reason on the picture.
#[tokio::test]
async fn markup_served_as_an_image_is_skipped_with_the_reason_recorded() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/svg.png",
        Reply::ok("image/png", fixture("script-in-svg.svg")),
    );
    server.route(
        "/page.png",
        Reply::ok("image/png", fixture("error-page.html")),
    );
    server.route(
        "/good.png",
        Reply::ok("image/png", fixture("photo-16x12.png")),
    );
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/svg.png", "/page.png", "/good.png"]);

    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!((report.cached, report.failed), (1, 2));

    let (kind, message) = recorded_error(&lib.store, &list[0]).unwrap();
    assert_eq!(kind, "not_an_image");
    assert!(
        message.contains(list[0].as_str()) && message.contains("SVG"),
        "{message}"
    );
    let (kind, message) = recorded_error(&lib.store, &list[1]).unwrap();
    assert_eq!(kind, "not_an_image");
    assert!(message.contains("HTML"), "{message}");

    assert_eq!(
        cached_urls(&cache.article_images(&lib.store, article).unwrap()),
        [
            (list[0].to_string(), false),
            (list[1].to_string(), false),
            (list[2].to_string(), true)
        ]
    );
    let tokens = cache.tokens_for_article(&lib.store, article).unwrap();
    assert_eq!(tokens.keys().collect::<Vec<_>>(), [list[2].as_str()]);
    // Nothing of the refused bodies is on disk or served.
    assert_eq!(
        cache
            .read(&lib.store, &image_token(list[0].as_str()))
            .unwrap(),
        None
    );
    assert!(!cache.file_path(&image_token(list[0].as_str())).exists());

    // A refusal is for good: the next call does not ask again.
    let again = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!((again.failed, again.skipped), (0, 3));
    assert_eq!(server.hits("/svg.png"), 1);
}

#[tokio::test]
async fn a_picture_over_the_fetch_cap_or_over_the_whole_budget_is_skipped() {
    let server = FixtureServer::start().await.unwrap();
    let png = fixture("photo-16x12.png");
    // A valid PNG header followed by 8 KB: over a 4 KB image cap.
    let mut big = png.clone();
    big.resize(8 * 1024, 0);
    server.route("/big.png", Reply::ok("image/png", big));
    server.route("/small.png", Reply::ok("image/png", png.clone()));
    let (lib, cache, article) = story_in_library();

    let big = &urls(&server, &["/big.png"])[0];
    let capped = fetcher_with_image_cap(4096);
    let (kind, message) = skipped_reason(&lib, &cache, &capped, article, big, LOOPBACK).await;
    assert_eq!(kind, "too_large");
    assert!(message.contains(big.as_str()), "{message}");

    // A budget smaller than one picture keeps none rather than evicting everything for it.
    let tiny = ImageCache::new(lib.images_dir.clone(), png.len() as u64 - 1);
    let small = &urls(&server, &["/small.png"])[0];
    let (kind, _) = skipped_reason(&lib, &tiny, &fetcher(), article, small, LOOPBACK).await;
    assert_eq!(kind, "over_budget");
}

// Payload 34 (lan_csrf_via_img): pictures are content-triggered, so with a public-only reach a
// loopback picture is never requested at all.
#[tokio::test]
async fn a_picture_on_a_forbidden_address_is_skipped_without_a_request() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/a.png", Reply::ok("image/png", fixture("photo-16x12.png")));
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/a.png"]);

    let (kind, _) =
        skipped_reason(&lib, &cache, &fetcher(), article, &list[0], Reach::PUBLIC).await;
    assert_eq!(kind, "blocked");
    assert_eq!(server.total_hits(), 0);
    assert_eq!(
        cached_urls(&cache.article_images(&lib.store, article).unwrap()),
        [(list[0].to_string(), false)]
    );
}

#[tokio::test]
async fn a_one_by_one_tracking_pixel_is_not_kept() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/p.gif",
        Reply::ok("image/gif", fixture("tracking-pixel-1x1.gif")),
    );
    let (lib, cache, article) = story_in_library();
    let pixel = &urls(&server, &["/p.gif"])[0];
    let (kind, _) = skipped_reason(&lib, &cache, &fetcher(), article, pixel, LOOPBACK).await;
    assert_eq!(kind, "tracking_pixel");
}

#[tokio::test]
async fn a_failed_download_does_not_fail_the_others_and_is_retried_next_time() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/gone.png", Reply::status(503));
    server.route("/a.png", Reply::ok("image/png", fixture("photo-16x12.png")));
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/gone.png", "/a.png"]);
    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!((report.cached, report.failed), (1, 1));
    assert_eq!(
        recorded_error(&lib.store, &list[0]).unwrap().0,
        "http_status"
    );

    // The server recovers: a transient failure is worth another try.
    server.route(
        "/gone.png",
        Reply::ok("image/png", fixture("other-16x12.png")),
    );
    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!((report.cached, report.skipped), (1, 1));
    assert_eq!(recorded_error(&lib.store, &list[0]), None);
}

#[tokio::test]
async fn the_budget_evicts_the_least_recently_used_but_never_a_bookmarked_storys_pictures() {
    let server = FixtureServer::start().await.unwrap();
    let sizes: Vec<u64> = [
        "photo-16x12.png",
        "other-16x12.png",
        "third-16x12.png",
        "fourth-16x12.png",
    ]
    .iter()
    .zip(["/a.png", "/b.png", "/c.png", "/d.png"])
    .map(|(name, path)| {
        let bytes = fixture(name);
        let len = bytes.len() as u64;
        server.route(path, Reply::ok("image/png", bytes));
        len
    })
    .collect();
    // Room for a, b and c; d only fits if c goes (d is not bigger than c).
    assert!(sizes[3] <= sizes[2]);
    let budget = sizes[0] + sizes[1] + sizes[2];
    let lib = library();
    let cache = ImageCache::new(lib.images_dir.clone(), budget);
    let fetcher = fetcher();
    let articles: Vec<ArticleId> = ["pinned", "b", "c", "d"]
        .iter()
        .map(|k| add_article(&lib.store, k))
        .collect();
    lib.store
        .write(|tx| {
            tx.execute(
                "UPDATE article_state SET bookmarked = 1 WHERE article_id = ?1",
                [articles[0]],
            )?;
            Ok(())
        })
        .unwrap();
    let all = urls(&server, &["/a.png", "/b.png", "/c.png", "/d.png"]);
    for (article, url) in articles.iter().zip(&all).take(3) {
        cache
            .cache_article_images(
                &lib.store,
                &fetcher,
                *article,
                std::slice::from_ref(url),
                LOOPBACK,
            )
            .await
            .unwrap();
    }
    assert_eq!(cache.cached_bytes(&lib.store).unwrap(), budget);
    // b is read after c was cached, so c is now the least recently used unpinned picture;
    // a is older still, but bookmarked.
    let b_token = image_token(all[1].as_str());
    assert!(cache.read(&lib.store, &b_token).unwrap().is_some());

    cache
        .cache_article_images(&lib.store, &fetcher, articles[3], &all[3..], LOOPBACK)
        .await
        .unwrap();
    let cached: Vec<bool> = articles
        .iter()
        .map(|a| cache.article_images(&lib.store, *a).unwrap()[0].cached)
        .collect();
    assert_eq!(cached, [true, true, false, true]);
    assert!(cache.cached_bytes(&lib.store).unwrap() <= budget);
    let c_token = image_token(all[2].as_str());
    assert!(
        !cache.file_path(&c_token).exists(),
        "evicted file still on disk"
    );
    assert_eq!(cache.read(&lib.store, &c_token).unwrap(), None);
    assert_eq!(recorded_error(&lib.store, &all[2]).unwrap().0, "evicted");

    // A budget below what is bookmarked keeps the bookmarked pictures anyway.
    let strict = ImageCache::new(lib.images_dir.clone(), 1);
    let freed = strict.enforce_budget(&lib.store).unwrap();
    assert_eq!(freed, sizes[1] + sizes[3]);
    assert_eq!(cache.cached_bytes(&lib.store).unwrap(), sizes[0]);
    assert!(cache.file_path(&image_token(all[0].as_str())).exists());
}

#[tokio::test]
async fn pictures_no_story_shows_any_more_are_deleted_with_their_files() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/a.png", Reply::ok("image/png", fixture("photo-16x12.png")));
    server.route("/b.png", Reply::ok("image/png", fixture("other-16x12.png")));
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/a.png", "/b.png"]);
    cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    let b_file = cache.file_path(&image_token(list[1].as_str()));
    assert!(b_file.exists());

    // The story was edited and no longer shows b.
    cache
        .cache_article_images(&lib.store, &fetcher(), article, &list[..1], LOOPBACK)
        .await
        .unwrap();
    let b_len = fixture("other-16x12.png").len() as u64;
    assert_eq!(cache.enforce_budget(&lib.store).unwrap(), b_len);
    assert!(!b_file.exists());

    // The story itself is pruned: its pictures go too.
    lib.store
        .write(|tx| {
            tx.execute("DELETE FROM articles WHERE id = ?1", [article])?;
            Ok(())
        })
        .unwrap();
    cache.enforce_budget(&lib.store).unwrap();
    assert!(!cache.file_path(&image_token(list[0].as_str())).exists());
    assert_eq!(cache.cached_bytes(&lib.store).unwrap(), 0);
    let rows: i64 = lib
        .store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM images", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn a_file_deleted_behind_the_caches_back_reads_as_not_cached() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/a.png", Reply::ok("image/png", fixture("photo-16x12.png")));
    let (lib, cache, article) = story_in_library();
    let list = urls(&server, &["/a.png"]);
    cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    let token = image_token(list[0].as_str());
    std::fs::remove_file(cache.file_path(&token)).unwrap();
    assert_eq!(cache.read(&lib.store, &token).unwrap(), None);
    assert!(!cache.article_images(&lib.store, article).unwrap()[0].cached);
}

#[tokio::test]
async fn tokens_that_are_not_ours_never_reach_the_disk_and_unknown_articles_are_an_error() {
    let lib = library();
    let cache = ImageCache::new(lib.images_dir.clone(), DEFAULT_BUDGET_BYTES);
    for token in [
        "../library.sqlite3",
        "",
        "ZZ",
        "0123456789abcdef0123456789abcdeg",
    ] {
        assert_eq!(cache.read(&lib.store, token).unwrap(), None, "{token}");
    }
    let url = Url::parse("http://127.0.0.1:9/a.png").unwrap();
    let error = cache
        .cache_article_images(&lib.store, &fetcher(), 4242, &[url], LOOPBACK)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "no_such_article");
}

#[tokio::test]
async fn non_http_urls_duplicates_and_pictures_past_the_limit_are_not_fetched() {
    let server = FixtureServer::start().await.unwrap();
    server.route_fn("/many", |_| Reply::status(404));
    let (lib, cache, article) = story_in_library();
    let mut list = vec![Url::parse("data:image/png;base64,AAAA").unwrap()];
    for i in 0..MAX_IMAGES_PER_ARTICLE + 3 {
        list.push(Url::parse(&server.url(&format!("/many?i={i}"))).unwrap());
    }
    list.push(list[1].clone());
    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    assert_eq!(report.failed, MAX_IMAGES_PER_ARTICLE);
    assert_eq!(report.skipped, 1 + 3);
    assert_eq!(server.hits("/many"), MAX_IMAGES_PER_ARTICLE);
    let shown = cache.article_images(&lib.store, article).unwrap();
    assert_eq!(shown.len(), MAX_IMAGES_PER_ARTICLE);
    assert_eq!(shown[0].url, list[1].as_str());
}

// A story with many pictures on many hosts: per-host limits do not bind, so only the cache's
// own limit of 4 downloads at a time keeps it from taking every fetch slot of a refresh.
#[tokio::test]
async fn at_most_four_pictures_of_a_story_download_at_once() {
    const DELAY: Duration = Duration::from_millis(300);
    let png = fixture("photo-16x12.png");
    let mut servers = Vec::new();
    for _ in 0..8 {
        let server = FixtureServer::start().await.unwrap();
        server.route(
            "/a.png",
            Reply::ok("image/png", png.clone()).behaviour(fixture_server::Behaviour::Delay(DELAY)),
        );
        servers.push(server);
    }
    let list: Vec<Url> = servers
        .iter()
        .map(|s| Url::parse(&s.url("/a.png")).unwrap())
        .collect();
    let (lib, cache, article) = story_in_library();
    let started = std::time::Instant::now();
    let report = cache
        .cache_article_images(&lib.store, &fetcher(), article, &list, LOOPBACK)
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(report.cached, 8);
    // Eight delayed downloads, four at a time, need two rounds; all at once would need one.
    assert!(took >= DELAY * 2, "took {took:?}: more than 4 ran at once");
    // One at a time would need eight.
    assert!(took < DELAY * 6, "took {took:?}: downloads did not overlap");
}
