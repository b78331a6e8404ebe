//! `mx-aggregation-service`: the command line around [`mx_aggregation_service::app`].

#![forbid(unsafe_code)]

use clap::Parser;
use mx_aggregation_service::config::Config;

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
