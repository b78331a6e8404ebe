//! Headless Chromium through chromedriver, one browser at a time: each scenario gets its
//! own chromedriver and a fresh profile, and both go when it ends, pass or fail.
//!
//! Debian's `/usr/bin/chromium` and `/usr/bin/chromedriver`; where either is missing the
//! scenario says so on standard error and passes, except with `CI=true`, where it fails.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::Method;
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use reqwest::Url;
use serde_json::{Value, json};
use tokio::sync::Mutex;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long a step may take before the scenario fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// One browser at a time: two cores do not run several Chromiums well.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// True when Chromium and chromedriver are installed; otherwise says so (and fails when
/// `CI=true`).
fn available(scenario: &str) -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{scenario}: {} missing, and CI=true requires the browser tests",
        missing.join(" and ")
    );
    eprintln!(
        "skipping browser scenario {scenario}: {} not installed (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    false
}

/// A chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let ready = reqwest::get(format!("{url}/status"))
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                break;
            }
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A profile directory of its own, removed when dropped.
struct Profile(PathBuf);

impl Profile {
    fn new(scenario: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("chromium-profiles")
            .join(format!("{scenario}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a profile directory");
        Self(dir)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `scenario` against a fresh headless Chromium; the browser and its driver are
/// gone afterwards, whether the scenario passed or panicked.
pub async fn run<F, Fut>(name: &str, scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with_prefs(name, json!({}), scenario).await;
}

/// [`run`] with Chromium preferences (`goog:chromeOptions.prefs`).
pub async fn run_with_prefs<F, Fut>(name: &str, prefs: Value, scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !available(name) {
        return;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    let driver = Driver::start().await;
    let profile = Profile::new(name);
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "prefs": prefs,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=520,720",
                format!("--user-data-dir={}", profile.0.display()),
            ],
        }),
    );
    // The performance log carries the navigations a mobile WebView would intercept.
    capabilities.insert("goog:loggingPrefs".into(), json!({ "performance": "ALL" }));
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    let outcome = tokio::spawn(scenario(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    drop(profile);
    if let Err(error) = outcome {
        if error.is_panic() {
            std::panic::resume_unwind(error.into_panic());
        }
        panic!("{name}: {error}");
    }
}

/// The element `css` once it is displayed.
pub async fn shown(client: &Client, css: &str) -> Element {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && element.is_displayed().await.unwrap_or(false)
        {
            return element;
        }
        assert!(
            Instant::now() < deadline,
            "{css} not shown; status: {}",
            text_of(client, "[data-test=status]").await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of `css`, or "" when there is none.
pub async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the text of `css` contains `wanted`; returns the text.
pub async fn text_contains(client: &Client, css: &str, wanted: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = text_of(client, css).await;
        if text.contains(wanted) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never said {wanted:?}; it says {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the browser has `count` windows; returns their handles.
pub async fn windows(client: &Client, count: usize) -> Vec<fantoccini::wd::WindowHandle> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let all = client.windows().await.expect("window handles");
        if all.len() == count {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "{} windows, not {count}",
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Where a screenshot goes besides the test's target directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shot {
    /// Only there.
    Kept,
    /// Also `docs/images/`, for the README, when `UPDATE_SCREENSHOTS=1`.
    Readme,
}

/// Saves a screenshot of the current window as `name.png` under the test's target
/// directory (and the README's copy, see [`Shot`]); returns the PNG.
pub async fn screenshot(client: &Client, name: &str, shot: Shot) -> Vec<u8> {
    let png = client.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("a screenshot directory");
    std::fs::write(dir.join(format!("{name}.png")), &png).expect("the screenshot is saved");
    if shot == Shot::Readme && std::env::var("UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/images");
        std::fs::create_dir_all(&docs).expect("docs/images");
        std::fs::write(docs.join(format!("{name}.png")), &png).expect("the README's copy");
    }
    png
}

/// chromedriver's `POST /session/{id}/se/log` for the performance log.
#[derive(Debug)]
struct PerformanceLog;

impl WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or("")))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (
            Method::POST,
            Some(json!({"type": "performance"}).to_string()),
        )
    }
}

/// The URLs the page asked to navigate to since the last call, in order (Chromium's
/// `Page.frameRequestedNavigation` events), whatever their scheme.
pub async fn navigations(client: &Client) -> Vec<String> {
    let log = client
        .issue_cmd(PerformanceLog)
        .await
        .expect("the performance log");
    let mut urls = Vec::new();
    for entry in log.as_array().into_iter().flatten() {
        let Some(message) = entry["message"].as_str() else {
            continue;
        };
        let Ok(event) = serde_json::from_str::<Value>(message) else {
            continue;
        };
        if event["message"]["method"] == "Page.frameRequestedNavigation"
            && let Some(url) = event["message"]["params"]["url"].as_str()
        {
            urls.push(url.to_owned());
        }
    }
    urls
}
