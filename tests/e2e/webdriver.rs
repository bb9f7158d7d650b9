//! A tiny W3C WebDriver client and the tools around it (Xvfb, tauri-driver), just enough to
//! drive Broadsheet's real window in tests: sessions, elements, clicks, keys, frames, scripts
//! and screenshots. JSON over HTTP, as the protocol is.
#![allow(dead_code)] // each test file that includes this uses only part of the client

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The W3C key for element references in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where a program is: on PATH, or in ~/.cargo/bin (where `cargo install` puts tauri-driver).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// Waits until `driver` accepts connections on `port`: `false` if it exited first or did not
/// listen within 10 s.
fn listening(driver: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let answered = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
        if !matches!(driver.try_wait(), Ok(None)) {
            return false;
        }
        if answered {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Xvfb (unless a display is given) and tauri-driver, killed when dropped.
pub struct Driver {
    xvfb: Option<Child>,
    driver: Child,
    pub port: u16,
    /// The X display the app's windows open on (`:N`).
    pub display: String,
}

impl Driver {
    /// Starts the tools, or explains why they cannot run. With `BROADSHEET_E2E=1` a missing
    /// tool is a failure; without it the caller skips (a dev machine without the driver).
    pub fn start() -> Option<Driver> {
        Driver::start_with(|_| {})
    }

    /// As `start`, with `configure` applied last to the tauri-driver command, e.g. to give the
    /// apps it launches their own environment (they inherit tauri-driver's). Applied again
    /// when tauri-driver has to be started again on other ports.
    pub fn start_with(configure: impl Fn(&mut Command)) -> Option<Driver> {
        let required = std::env::var("BROADSHEET_E2E").is_ok_and(|v| v == "1");
        let missing: Vec<&str> = ["tauri-driver", "WebKitWebDriver"]
            .into_iter()
            .filter(|p| find_program(p).is_none())
            .collect();
        let have_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty());
        let xvfb_missing = !have_display && find_program("Xvfb").is_none();
        if !missing.is_empty() || xvfb_missing {
            let what = format!(
                "window tests need tauri-driver (cargo install tauri-driver --locked), \
                 WebKitWebDriver (apt-get install webkit2gtk-driver) and a display or Xvfb; \
                 missing: {missing:?}{}",
                if xvfb_missing { " Xvfb" } else { "" }
            );
            assert!(!required, "BROADSHEET_E2E=1 but {what}");
            eprintln!("note: skipping: {what}");
            return None;
        }
        let mut xvfb = None;
        let display = if have_display {
            std::env::var("DISPLAY").unwrap_or_default()
        } else {
            // -displayfd: Xvfb picks a free display and tells us which, once it is ready.
            let mut child = Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1400x900x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb starts");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("Xvfb stdout"))
                .read_line(&mut line)
                .expect("Xvfb prints its display");
            xvfb = Some(child);
            format!(":{}", line.trim())
        };
        // A port found free can be taken before tauri-driver binds it (the other tests' many
        // loopback connections use the same range), and tauri-driver then exits at once
        // (tried: on a taken port it is gone within 1.5 s, with status 0). The likely cause of
        // a CI run's test that got no answer for 30 s (2026-11-30): now it is started again
        // on other ports until it listens.
        let mut attempts = 0;
        let (driver, port) = loop {
            attempts += 1;
            let port = free_port();
            let mut command = Command::new(find_program("tauri-driver").expect("tauri-driver"));
            command
                .args(["--port", &port.to_string()])
                .args(["--native-port", &free_port().to_string()])
                .env("DISPLAY", &display)
                // The window state plugin must not carry one test's window size into the next.
                .env(
                    "XDG_CONFIG_HOME",
                    std::env::temp_dir().join(format!("broadsheet-e2e-{port}")),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            configure(&mut command);
            let mut driver = command.spawn().expect("tauri-driver starts");
            if listening(&mut driver, port) {
                break (driver, port);
            }
            let _ = driver.kill();
            let _ = driver.wait();
            assert!(
                attempts < 5,
                "tauri-driver did not start listening on 5 ports"
            );
        };
        Some(Driver {
            xvfb,
            driver,
            port,
            display,
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM first: tauri-driver then stops its WebKitWebDriver, which SIGKILL would
        // leave running (one orphan per test, found piling up after test runs).
        let _ = Command::new("kill")
            .arg(self.driver.id().to_string())
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.driver.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Some(x) = self.xvfb.as_mut() {
            let _ = x.kill();
            let _ = x.wait();
        }
    }
}

/// One running app, driven over WebDriver.
pub struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    /// Launches the app on a library folder and waits until the UI has started.
    pub async fn start(driver: &Driver, data_dir: &Path) -> Session {
        Session::start_program(
            driver,
            Path::new(env!("CARGO_BIN_EXE_broadsheet")),
            data_dir,
        )
        .await
    }

    /// As `start`, with another program in place of the app (e.g. a script that runs it with
    /// its output kept: tauri-driver discards what its apps print).
    pub async fn start_program(driver: &Driver, program: &Path, data_dir: &Path) -> Session {
        let http = reqwest::Client::new();
        let root = format!("http://127.0.0.1:{}", driver.port);
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": program,
            "args": ["--data-dir", data_dir.to_string_lossy()],
        }}}});
        let deadline = Instant::now() + Duration::from_secs(30);
        let id = loop {
            let sent = http
                .post(format!("{root}/session"))
                .header("content-type", "application/json")
                .body(caps.to_string())
                .send()
                .await;
            if let Ok(response) = sent {
                let v: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
                if let Some(id) = v["value"]["sessionId"].as_str() {
                    break id.to_string();
                }
                assert!(Instant::now() < deadline, "no session: {v}");
            }
            assert!(Instant::now() < deadline, "tauri-driver did not answer");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let session = Session {
            http,
            base: format!("{root}/session/{id}"),
        };
        session
            .wait_for(
                "return document.documentElement.classList.contains('is-ready')",
                "the UI to start",
            )
            .await;
        session
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_send(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let text = req.send().await.unwrap().text().await.unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let Some(err) = v["value"]["error"].as_str() {
            return Err(format!(
                "webdriver {path}: {err}: {}",
                v["value"]["message"]
            ));
        }
        Ok(v["value"].clone())
    }

    /// Runs a script in the current frame and returns its value.
    pub async fn exec(&self, script: &str) -> Value {
        self.send(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Polls a script until it returns something truthy; fails after 20 s naming `what`.
    pub async fn wait_for(&self, script: &str, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.exec(script).await;
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The WebDriver reference of the first element matching `css`.
    pub async fn find(&self, css: &str) -> String {
        let v = self
            .send(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {v}"))
            .to_string()
    }

    /// A real click (the driver moves the pointer and clicks), not a synthetic event.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        if let Err(e) = self
            .try_send(
                reqwest::Method::POST,
                &format!("/element/{el}/click"),
                Some(json!({})),
            )
            .await
        {
            panic!("clicking {css}: {e}");
        }
    }

    /// Types into an element, as a user would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        self.send(
            reqwest::Method::POST,
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    /// Presses keys wherever the focus is (W3C actions).
    pub async fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.send(
            reqwest::Method::POST,
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .await;
    }

    /// Presses keys together (e.g. Control and "c"), releasing them in reverse order.
    pub async fn chord(&self, keys: &[&str]) {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|k| json!({"type": "keyDown", "value": k}))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|k| json!({"type": "keyUp", "value": k})),
        );
        self.send(
            reqwest::Method::POST,
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        )
        .await;
    }

    /// Drags the mouse with its left button held, between two points of the window's viewport.
    pub async fn drag(&self, from: (i64, i64), to: (i64, i64)) {
        let actions = json!([
            {"type": "pointerMove", "origin": "viewport", "x": from.0, "y": from.1, "duration": 0},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerMove", "origin": "viewport", "x": (from.0 + to.0) / 2, "y": (from.1 + to.1) / 2, "duration": 100},
            {"type": "pointerMove", "origin": "viewport", "x": to.0, "y": to.1, "duration": 100},
            {"type": "pointerUp", "button": 0},
        ]);
        self.pointer(actions).await;
    }

    /// Performs a sequence of mouse actions, then releases whatever they left pressed.
    async fn pointer(&self, actions: serde_json::Value) {
        self.send(
            reqwest::Method::POST,
            "/actions",
            Some(json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": actions}]})),
        )
        .await;
        let _ = self
            .try_send(reqwest::Method::DELETE, "/actions", None)
            .await;
    }

    /// Clicks the left button `count` times in a row at a point of the window's viewport.
    pub async fn click_at(&self, at: (i64, i64), count: usize) {
        let mut actions = vec![
            json!({"type": "pointerMove", "origin": "viewport", "x": at.0, "y": at.1, "duration": 0}),
        ];
        for _ in 0..count {
            actions.push(json!({"type": "pointerDown", "button": 0}));
            actions.push(json!({"type": "pointerUp", "button": 0}));
        }
        self.pointer(json!(actions)).await;
    }

    /// Clicks the right button at a point of the window's viewport (a context menu).
    pub async fn right_click_at(&self, at: (i64, i64)) {
        self.pointer(json!([
            {"type": "pointerMove", "origin": "viewport", "x": at.0, "y": at.1, "duration": 0},
            {"type": "pointerDown", "button": 2},
            {"type": "pointerUp", "button": 2},
        ]))
        .await;
    }

    /// Moves into the iframe matching `css`, or back to the top document with `None`.
    pub async fn frame(&self, css: Option<&str>) {
        match css {
            Some(css) => {
                let el = self.find(css).await;
                self.send(
                    reqwest::Method::POST,
                    "/frame",
                    Some(json!({"id": {ELEMENT: el}})),
                )
                .await;
            }
            None => {
                self.send(reqwest::Method::POST, "/frame", Some(json!({"id": null})))
                    .await;
            }
        }
    }

    /// The window's size in CSS pixels.
    pub async fn set_window_size(&self, width: u32, height: u32) {
        self.send(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height, "x": 0, "y": 0})),
        )
        .await;
    }

    /// Minimizes the window (under Xvfb, with no window manager, this hides it).
    pub async fn minimize(&self) {
        self.send(reqwest::Method::POST, "/window/minimize", Some(json!({})))
            .await;
    }

    /// A PNG of the window.
    pub async fn screenshot(&self) -> Vec<u8> {
        let v = self.send(reqwest::Method::GET, "/screenshot", None).await;
        decode_base64(v.as_str().expect("base64 screenshot"))
    }

    /// Closes the app.
    pub async fn quit(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

/// Standard base64, as WebDriver sends screenshots (a few lines rather than a dependency).
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
