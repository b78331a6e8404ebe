//! The reference service: MX's webhooks in, each member's decision out as JSON, the
//! driver behind them.
//!
//! Against an in-process emulator (one command, nothing else to start):
//!
//! ```text
//! cargo run -p mx-aggregation-client --example service -- --emulator
//! ```
//!
//! Against MX (or an emulator started elsewhere): set `MX_BASE_URL`, `MX_CLIENT_ID`,
//! `MX_API_KEY`, and point MX's webhooks at `http://LISTEN/webhooks/mx`:
//!
//! ```text
//! MX_BASE_URL=https://int-api.mx.com MX_CLIENT_ID=… MX_API_KEY=… \
//!   cargo run -p mx-aggregation-client --example service -- --listen 127.0.0.1:8080
//! ```

use std::net::SocketAddr;

use mx_aggregation::Policy;
use mx_aggregation_client::service::Service;
use mx_aggregation_client::types::UserCreate;
use mx_aggregation_client::{Driver, MxClient, MxConfig, SystemClock};

fn usage() -> ! {
    eprintln!("usage: service [--emulator] [--listen ADDR]");
    std::process::exit(64);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_target(false).init();
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut with_emulator = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--emulator" => with_emulator = true,
            "--listen" => listen = args.next().unwrap_or_else(|| usage()).parse()?,
            _ => usage(),
        }
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let here = format!("http://{}", listener.local_addr()?);

    // The emulator plays MX in real time, delivering its webhooks to this service.
    let mut emulator = None;
    let config = if with_emulator {
        let mut config = mx_emulator::Config::new("demo-client", "demo-key");
        config.webhook_url = Some(format!("{here}/webhooks/mx"));
        let started = mx_emulator::Emulator::start(config).await?;
        let mx = MxConfig::new(started.base_url(), "demo-client", "demo-key");
        emulator = Some(started);
        mx
    } else {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        MxConfig::new(
            var("MX_BASE_URL")?,
            var("MX_CLIENT_ID")?,
            var("MX_API_KEY")?,
        )
    };

    let client = MxClient::new(config)?;
    if let Some(emulator) = &emulator {
        let user = client.create_user(&UserCreate::default()).await?;
        let user = user.guid.unwrap_or_default();
        let fields = client.credentials("mxbank").await?;
        let guid = |name: &str| {
            fields
                .iter()
                .find(|f| f.field_name.as_deref() == Some(name))
                .and_then(|f| f.guid.clone())
                .unwrap_or_default()
        };
        println!("MX emulator at {}", emulator.base_url());
        println!("service at {here}; try:");
        println!(
            "  curl -s -XPOST {here}/users/{user}/members -H 'content-type: application/json' \\\n    -d '{{\"member\": {{\"institution_code\": \"mxbank\", \"id\": \"demo-1\", \"credentials\": [{{\"guid\": \"{}\", \"value\": \"mxuser\"}}, {{\"guid\": \"{}\", \"value\": \"challenge\"}}]}}}}'",
            guid("LOGIN"),
            guid("PASSWORD"),
        );
        println!("  curl -s {here}/members/MBR-…   # the member's outcome as JSON");
        println!(
            "  curl -s -XPOST {here}/members/MBR-…/mfa -H 'content-type: application/json' -d '{{\"answers\": [{{\"guid\": \"CRD-…\", \"value\": \"correct\"}}]}}'"
        );
    }
    let driver = Driver::new(client, SystemClock, Policy::default());
    let service = Service::new(driver);
    axum::serve(listener, service.router()).await?;
    drop(emulator);
    Ok(())
}
