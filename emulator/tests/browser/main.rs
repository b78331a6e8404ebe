//! The emulator's pages in a real headless Chromium (chromedriver, WebDriver through
//! fantoccini): the Connect widget on every MX Bank path, its events as a host page and a
//! mobile WebView receive them, its single-use URL, and the dashboard.
//!
//! One test binary for all of them (one link), one browser at a time.

#[path = "../common/mod.rs"]
mod common;

mod harness;
mod kit;

mod dashboard;
mod widget_events;
mod widget_paths;
