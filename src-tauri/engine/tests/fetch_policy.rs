//! The ordinary rules of the fetcher against a well-behaved loopback server: conditional GET,
//! request headers, rate limiting, status errors, concurrency limits and connection failures.

use std::time::{Duration, Instant};

use broadsheet_engine::fetch::{
    BodyKind, FetchConfig, FetchError, FetchOutcome, FetchRequest, FetchedBody, Fetcher, Reach,
};
use fixture_server::{Behaviour, FixtureServer, Reply};
use url::Url;

/// The fixture servers live on loopback, so these feeds opt into loopback.
const LOOPBACK: Reach = Reach {
    loopback: true,
    private: false,
    link_local: false,
};

fn config() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_secs(3),
        ..FetchConfig::default()
    }
}

fn fetcher() -> Fetcher {
    Fetcher::new(config()).unwrap()
}

async fn get(fetcher: &Fetcher, url: &str, kind: BodyKind) -> Result<FetchOutcome, FetchError> {
    let url = Url::parse(url).unwrap();
    fetcher
        .fetch(FetchRequest {
            reach: LOOPBACK,
            ..FetchRequest::new(&url, kind)
        })
        .await
}

fn body(outcome: FetchOutcome) -> FetchedBody {
    match outcome {
        FetchOutcome::Fetched(body) => body,
        other => panic!("expected a body, got {other:?}"),
    }
}

#[test]
fn fetcher_is_shareable_across_tasks() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Fetcher>();
    assert_shareable::<FetchError>();
}

#[test]
fn zero_limits_are_refused() {
    let error = Fetcher::new(FetchConfig {
        max_per_host: 0,
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert_eq!(error.kind(), "client");
}

// The server hands out an ETag and Last-Modified, and answers 304 when they come back.
#[tokio::test]
async fn conditional_get_round_trip() {
    let server = FixtureServer::start().await.unwrap();
    server.route_fn("/feed.xml", |request| {
        if request.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::ok("application/rss+xml", "<rss/>")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        }
    });
    let fetcher = fetcher();
    let url = Url::parse(&server.url("/feed.xml")).unwrap();
    let first = body(
        fetcher
            .fetch(FetchRequest {
                reach: LOOPBACK,
                ..FetchRequest::new(&url, BodyKind::Feed)
            })
            .await
            .unwrap(),
    );
    assert_eq!(first.status, 200);
    assert_eq!(first.body, b"<rss/>");
    assert_eq!(first.content_type.as_deref(), Some("application/rss+xml"));
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        first.last_modified.as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );

    let second = fetcher
        .fetch(FetchRequest {
            reach: LOOPBACK,
            etag: first.etag.as_deref(),
            last_modified: first.last_modified.as_deref(),
            ..FetchRequest::new(&url, BodyKind::Feed)
        })
        .await
        .unwrap();
    assert_eq!(second, FetchOutcome::NotModified { final_url: url });
    let requests = server.requests();
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        requests[1].header("if-modified-since"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
}

// A validator that cannot be a header value (a newline) is dropped, not sent and not fatal.
#[tokio::test]
async fn unusable_validator_is_skipped() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    let url = Url::parse(&server.url("/feed.xml")).unwrap();
    let outcome = fetcher()
        .fetch(FetchRequest {
            reach: LOOPBACK,
            etag: Some("\"v1\"\r\nX-Injected: 1"),
            ..FetchRequest::new(&url, BodyKind::Feed)
        })
        .await
        .unwrap();
    assert_eq!(body(outcome).body, b"<rss/>");
    let request = &server.requests()[0];
    assert_eq!(request.header("if-none-match"), None);
    assert_eq!(request.header("x-injected"), None);
}

// Requests carry our User-Agent and a kind-specific Accept; never a cookie or a Referer,
// not even after the server set a cookie and redirected.
#[tokio::test]
async fn request_headers_identify_us_and_leak_nothing() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/start",
        Reply::redirect(302, "/feed.xml").header("Set-Cookie", "session=secret; Path=/"),
    );
    server.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    server.route("/page.html", Reply::ok("text/html", "<p>x</p>"));
    server.route(
        "/a.png",
        Reply::ok("image/png", vec![0x89, b'P', b'N', b'G']),
    );
    let fetcher = fetcher();
    get(&fetcher, &server.url("/start"), BodyKind::Feed)
        .await
        .unwrap();
    get(&fetcher, &server.url("/page.html"), BodyKind::Page)
        .await
        .unwrap();
    get(&fetcher, &server.url("/a.png"), BodyKind::Image)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        let agent = request.header("user-agent").unwrap();
        assert!(agent.starts_with("Broadsheet/"), "{agent}");
        assert!(agent.contains("desktop news reader"), "{agent}");
        assert_eq!(request.header("cookie"), None, "{}", request.path);
        assert_eq!(request.header("referer"), None, "{}", request.path);
        assert_eq!(request.method, "GET");
    }
    assert!(requests[1]
        .header("accept")
        .unwrap()
        .contains("application/rss+xml"));
    assert!(requests[2]
        .header("accept")
        .unwrap()
        .starts_with("text/html"));
    assert!(requests[3].header("accept").unwrap().starts_with("image/"));
}

// 429 and 503 with Retry-After become RateLimited with the delay, in seconds or as a date.
#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/seconds", Reply::status(429).header("Retry-After", "120"));
    server.route("/bare429", Reply::status(429));
    let in_an_hour = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc2822();
    server.route(
        "/date",
        Reply::status(503).header("Retry-After", &in_an_hour),
    );
    server.route("/bare503", Reply::status(503));
    let fetcher = fetcher();
    let retry_after = |result: Result<FetchOutcome, FetchError>| match result {
        Err(FetchError::RateLimited { retry_after, url }) => {
            assert!(url.starts_with("http://127.0.0.1:"), "{url}");
            retry_after
        }
        other => panic!("expected rate limiting, got {other:?}"),
    };
    let seconds = get(&fetcher, &server.url("/seconds"), BodyKind::Feed).await;
    assert_eq!(seconds.as_ref().unwrap_err().kind(), "rate_limited");
    assert_eq!(retry_after(seconds), Some(Duration::from_secs(120)));
    assert_eq!(
        retry_after(get(&fetcher, &server.url("/bare429"), BodyKind::Feed).await),
        None
    );
    let date = retry_after(get(&fetcher, &server.url("/date"), BodyKind::Feed).await).unwrap();
    assert!(
        date > Duration::from_secs(3500) && date <= Duration::from_secs(3600),
        "{date:?}"
    );
    // A 503 without Retry-After is just a server error.
    let bare = get(&fetcher, &server.url("/bare503"), BodyKind::Feed)
        .await
        .unwrap_err();
    assert_eq!(bare.kind(), "http_status");
}

// Non-2xx statuses are typed errors whose message names the status and the URL.
#[tokio::test]
async fn error_statuses_name_status_and_url() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/forbidden", Reply::status(403));
    let fetcher = fetcher();
    let forbidden = get(&fetcher, &server.url("/forbidden"), BodyKind::Feed)
        .await
        .unwrap_err();
    assert_eq!(
        forbidden,
        FetchError::Http {
            url: server.url("/forbidden"),
            status: 403
        }
    );
    assert_eq!(
        forbidden.to_string(),
        format!("fetch: 403 Forbidden from {}", server.url("/forbidden"))
    );
    let missing = get(&fetcher, &server.url("/missing"), BodyKind::Feed)
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), "http_status");
    assert!(missing.to_string().contains("404 Not Found"));
}

// Redirects land on the final URL, relative Locations resolve, and a 303 to another host works.
#[tokio::test]
async fn redirects_report_the_final_url() {
    let first = FixtureServer::start().await.unwrap();
    let second = FixtureServer::start_on("127.0.0.7".parse().unwrap(), 0)
        .await
        .unwrap();
    first.route("/old", Reply::redirect(301, "new?x=1"));
    first.route("/new", Reply::redirect(303, &second.url("/feed.xml")));
    second.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    let fetched = body(
        get(&fetcher(), &first.url("/old"), BodyKind::Feed)
            .await
            .unwrap(),
    );
    assert_eq!(fetched.final_url.as_str(), second.url("/feed.xml"));
    assert_eq!(fetched.body, b"<rss/>");
    assert_eq!(first.hits("/new?x=1"), 1);
}

// Each `feedN.localhost` is a separate host for the per-host limit, and all reach 127.0.0.1
// (RFC 6761), which is what lets a benchmark farm fake many hosts on one machine.
#[tokio::test]
async fn localhost_subdomains_reach_loopback() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    let port = server.addr().port();
    let fetcher = fetcher();
    for n in 0..3 {
        let url = format!("http://feed{n}.localhost:{port}/feed.xml");
        assert_eq!(
            body(get(&fetcher, &url, BodyKind::Feed).await.unwrap()).body,
            b"<rss/>"
        );
    }
    let hosts: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("host").unwrap().to_owned())
        .collect();
    assert_eq!(hosts[2], format!("feed2.localhost:{port}"));
}

// Eight slow requests to one host: never more than two at once, and two do run in parallel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_host_never_sees_more_than_two_requests_at_once() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/slow.xml",
        Reply::ok("application/xml", "<rss/>")
            .behaviour(Behaviour::Delay(Duration::from_millis(100))),
    );
    let fetcher = fetcher();
    let url = server.url("/slow.xml");
    let started = Instant::now();
    for result in fetch_all(&fetcher, vec![url; 8]).await {
        result.unwrap();
    }
    assert_eq!(server.peak_concurrency(), 2);
    assert_eq!(server.total_hits(), 8);
    // Four rounds of two requests, each at least 100 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

// The global limit holds across hosts: with max_in_flight 2, four one-request hosts take two rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_limit_holds_across_hosts() {
    let fetcher = Fetcher::new(FetchConfig {
        max_in_flight: 2,
        ..config()
    })
    .unwrap();
    let mut servers = Vec::new();
    for _ in 0..4 {
        let server = FixtureServer::start().await.unwrap();
        server.route(
            "/slow.xml",
            Reply::ok("application/xml", "<rss/>")
                .behaviour(Behaviour::Delay(Duration::from_millis(200))),
        );
        servers.push(server);
    }
    let urls: Vec<String> = servers.iter().map(|s| s.url("/slow.xml")).collect();
    let started = Instant::now();
    for result in fetch_all(&fetcher, urls).await {
        result.unwrap();
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

/// Fetches every URL at once, each on its own task, and waits for all of them.
async fn fetch_all(fetcher: &Fetcher, urls: Vec<String>) -> Vec<Result<FetchOutcome, FetchError>> {
    let mut tasks = tokio::task::JoinSet::new();
    for url in urls {
        let fetcher = fetcher.clone();
        tasks.spawn(async move { get(&fetcher, &url, BodyKind::Feed).await });
    }
    tasks.join_all().await
}

// Nothing listening: a connect error naming the URL, promptly.
#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    let error = get(&fetcher(), &url, BodyKind::Feed).await.unwrap_err();
    assert_eq!(error.kind(), "connect");
    assert!(error.to_string().contains(&url), "{error}");
}

// A listener whose accept queue is full never completes the handshake: the connect timeout fires.
#[tokio::test]
async fn unanswered_connect_hits_the_connect_timeout() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the backlog without ever accepting; later SYNs are dropped by the kernel.
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(stream)) = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(stream);
        }
    }
    let fetcher = Fetcher::new(FetchConfig {
        connect_timeout: Duration::from_millis(300),
        ..config()
    })
    .unwrap();
    let started = Instant::now();
    let error = get(&fetcher, &format!("http://{addr}/feed.xml"), BodyKind::Feed)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "timeout", "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

// The typed loopback address is what a subscription opts into.
#[tokio::test]
async fn a_subscription_typed_as_a_loopback_address_reaches_it() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/xml", "<rss/>"));
    let url = Url::parse(&server.url("/feed.xml")).unwrap();
    let reach = Reach::of_subscription(&url, false);
    assert_eq!(reach, LOOPBACK);
    let outcome = fetcher()
        .fetch(FetchRequest {
            reach,
            ..FetchRequest::new(&url, BodyKind::Feed)
        })
        .await
        .unwrap();
    assert_eq!(body(outcome).body, b"<rss/>");
}
