//! The fixture server speaks enough HTTP/1.1 for the engine's tests, and its misbehaviours do what they say.

use std::time::Duration;

use fixture_server::{Behaviour, FixtureServer, Reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends a raw GET and returns the whole response (the server always closes the connection).
async fn get(server: &FixtureServer, path: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nX-Test: Yes\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn routes_count_hits_and_unknown_paths_are_404() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    let response = get(&server, "/feed.xml?x=1").await;
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.contains("Content-Length: 6\r\n"));
    assert!(response.ends_with("\r\n\r\n<rss/>"));
    assert!(get(&server, "/nope").await.starts_with("HTTP/1.1 404"));
    assert_eq!(server.hits("/feed.xml"), 1);
    assert_eq!(server.hits("/feed.xml?x=1"), 1);
    assert_eq!(server.total_hits(), 2);
    let first = &server.requests()[0];
    assert_eq!(first.header("x-test"), Some("Yes"));
    assert_eq!(first.path, "/feed.xml?x=1");
}

#[tokio::test]
async fn serve_dir_serves_files_and_refuses_traversal() {
    let dir = std::env::temp_dir().join(format!("fixture-server-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.json"), "{}").unwrap();
    let server = FixtureServer::start().await.unwrap();
    server.serve_dir("/files/", &dir);
    let response = get(&server, "/files/a.json").await;
    assert!(
        response.contains("Content-Type: application/json"),
        "{response}"
    );
    assert!(get(&server, "/files/../a.json")
        .await
        .starts_with("HTTP/1.1 404"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn lying_length_sends_the_actual_bytes() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/lie",
        Reply::ok("text/plain", "x").behaviour(Behaviour::LyingLength {
            claimed: 3,
            actual: 10,
        }),
    );
    let response = get(&server, "/lie").await;
    assert!(response.contains("Content-Length: 3\r\n"));
    assert!(response.ends_with("\r\n\r\nxxxxxxxxxx"), "{response}");
}

#[tokio::test]
async fn dropping_the_server_ends_an_endless_response() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/endless",
        Reply::ok("text/plain", "").behaviour(Behaviour::Endless),
    );
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    stream
        .write_all(b"GET /endless HTTP/1.1\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 1 << 16];
    assert!(stream.read(&mut buf).await.unwrap() > 0);
    drop(server);
    // Once the connection task is aborted the socket closes, so draining it terminates.
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while stream.read(&mut buf).await.unwrap_or(0) > 0 {}
    })
    .await;
    assert!(drained.is_ok(), "the endless response outlived its server");
}
