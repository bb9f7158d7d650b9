//! A large OPML list is parsed off the async threads (INV-4): importing it never stalls the
//! other work of the runtime, here a ticker on a one-thread runtime.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::opml::parse_opml;

/// A list of `n` outlines whose addresses are not web addresses, so the import parses them
/// all and stores none: what is measured is the parse.
fn list_of_unusable_outlines(n: usize) -> String {
    let mut text = String::from(r#"<?xml version="1.0"?><opml version="2.0"><body>"#);
    for i in 0..n {
        text.push_str(&format!(
            r#"<outline text="Folder {i}"><outline type="rss" text="Feed {i} &amp; more" xmlUrl="gopher://example.invalid/{i}"/></outline>"#
        ));
    }
    text.push_str("</body></opml>");
    text
}

#[test]
fn a_large_opml_list_is_parsed_off_the_async_threads() {
    let text = list_of_unusable_outlines(20_000);
    let started = Instant::now();
    assert_eq!(parse_opml(&text).unwrap().len(), 20_000);
    let parse = started.elapsed();
    assert!(
        parse > Duration::from_millis(40),
        "the list must take a while to parse for this test to mean anything ({parse:?})"
    );

    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let longest_gap = runtime.block_on(async {
        let done = Arc::new(AtomicBool::new(false));
        let ticker = tokio::spawn({
            let done = Arc::clone(&done);
            async move {
                let (mut last, mut longest) = (Instant::now(), Duration::ZERO);
                while !done.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    longest = longest.max(last.elapsed());
                    last = Instant::now();
                }
                longest
            }
        });
        tokio::task::yield_now().await;
        let report = library.import_opml(&text).await.unwrap();
        assert_eq!(report.skipped, 20_000);
        done.store(true, Ordering::SeqCst);
        ticker.await.unwrap()
    });
    assert!(
        longest_gap < parse / 2,
        "the ticker waited {longest_gap:?} while a {parse:?} parse ran"
    );
}
