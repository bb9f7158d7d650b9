//! A feed read over https never falls back to plain http: a redirect from https to http is an
//! error on that feed, on every hop, and an http address is never stored for a subscription the
//! person made over https.
//!
//! The https side is a small loopback TLS server with a test-only certificate for 127.0.0.1
//! (`fixtures/tls`, trusted only by these tests' fetcher); the http side is the fixture server.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

use broadsheet_engine::fetch::FetchConfig;
use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::RefreshProgress;
use fixture_server::{FixtureServer, Reply};

/// A self-signed certificate for 127.0.0.1, valid until 2126; its key is in the same folder.
const CERT: &str = include_str!("fixtures/tls/loopback-127.0.0.1-cert.pem");
const KEY: &str = include_str!("fixtures/tls/loopback-127.0.0.1-key.pem");

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Secure</title>
<link>https://127.0.0.1/</link><item><title>A story long enough to be whole</title><guid>s1</guid>
<description>Read over https, as the person subscribed to it. Read over https, as the person
subscribed to it. Read over https, as the person subscribed to it.</description></item></channel></rss>"#;

/// A loopback https server answering every request with one raw HTTP/1.1 response, which a
/// test may change between requests.
struct TlsServer {
    port: u16,
    response: Arc<Mutex<String>>,
}

impl TlsServer {
    fn start(response: String) -> TlsServer {
        let identity = native_tls::Identity::from_pkcs8(CERT.as_bytes(), KEY.as_bytes()).unwrap();
        let acceptor = native_tls::TlsAcceptor::new(identity).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let response = Arc::new(Mutex::new(response));
        let answer = Arc::clone(&response);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (acceptor, answer) = (acceptor.clone(), Arc::clone(&answer));
                std::thread::spawn(move || {
                    let Ok(mut tls) = acceptor.accept(stream) else {
                        return;
                    };
                    let mut request = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let text = answer.lock().unwrap().clone();
                    let _ = tls.write_all(text.as_bytes());
                    let _ = tls.shutdown();
                });
            }
        });
        TlsServer { port, response }
    }

    fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    fn answer(&self, response: String) {
        *self.response.lock().unwrap() = response;
    }
}

fn moved_to(location: &str) -> String {
    format!(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    )
}

fn ok(content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A library whose fetcher trusts the test certificate.
fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let config = LibraryConfig {
        fetch: FetchConfig {
            extra_root_certificates: vec![CERT.to_owned()],
            ..FetchConfig::default()
        },
        ..LibraryConfig::default()
    };
    let library = Library::open(dir.path(), config).unwrap();
    (dir, library)
}

/// The plain-http copy of the feed a downgrade would lead to.
async fn plain_copy() -> FixtureServer {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/rss+xml", RSS));
    server
}

fn no_progress(_: RefreshProgress) {}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_moved_from_https_to_http_is_refused_and_never_stored() {
    let plain = plain_copy().await;
    let secure = TlsServer::start(moved_to(&plain.url("/feed.xml")));
    let (_dir, library) = library();
    let error = library
        .subscribe(&secure.url("/feed.xml"), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "insecure_redirect", "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&secure.url("/feed.xml")) && message.contains(&plain.url("/feed.xml")),
        "{message}"
    );
    assert!(library.feeds().await.unwrap().is_empty());
    assert_eq!(plain.total_hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_https_feed_that_starts_redirecting_to_http_gets_the_error_and_keeps_its_address() {
    let plain = plain_copy().await;
    let secure = TlsServer::start(ok("application/rss+xml", RSS));
    let (_dir, library) = library();
    let sub = library
        .subscribe(&secure.url("/feed.xml"), None)
        .await
        .unwrap();
    assert_eq!(sub.feed.url, secure.url("/feed.xml"));

    secure.answer(moved_to(&plain.url("/feed.xml")));
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let feed = &library.feeds().await.unwrap()[0];
    assert_eq!(feed.url, secure.url("/feed.xml"));
    let health = feed.error.clone().unwrap();
    assert_eq!(health.kind, "insecure_redirect", "{}", health.message);
    assert_eq!(plain.total_hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_https_site_naming_an_http_feed_is_not_subscribed_over_http() {
    let plain = plain_copy().await;
    let page = format!(
        "<!doctype html><html><head><title>Secure site</title>\
         <link rel=\"alternate\" type=\"application/rss+xml\" href=\"{}\"></head>\
         <body><p>News.</p></body></html>",
        plain.url("/feed.xml")
    );
    let secure = TlsServer::start(ok("text/html", &page));
    let (_dir, library) = library();
    let error = library.subscribe(&secure.url("/"), None).await.unwrap_err();
    assert_eq!(error.kind(), "no_feed_found", "{error}");
    assert!(library.feeds().await.unwrap().is_empty());
    assert_eq!(plain.total_hits(), 0);
}
