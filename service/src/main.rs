//! `mx-aggregation-service`: the command line around [`mx_aggregation_service::app`].

#![forbid(unsafe_code)]

use clap::Parser;
use mx_aggregation_service::config::Config;

/// mimalloc rather than glibc's malloc. A drive's sync holds a page of hundreds of
/// transactions and the stored copy's text, a webhook its body and rows: many
/// short-lived buffers of every size, whose allocation, freeing and free-list
/// consolidation were a quarter of the service's CPU at 10,000 members. Three alternating
/// runs of `mx-fleet --members 2000 --naive-members 0 --days 2 --check`: the service's CPU
/// 11% less than the same build on glibc's (69.1 and 71.0 s against 78.7 and 79.1), peak
/// RSS 337–373 MiB against 278–300 (docs/PERFORMANCE.md, eleventh session).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr: stdout's first line is the service's URL. `RUST_LOG` as a plain
    // level (`warn`, `debug`, …) sets how much; `info` otherwise.
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|text| text.trim().parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    match mx_aggregation_service::app::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mx-aggregation-service: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
