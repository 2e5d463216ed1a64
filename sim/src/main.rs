//! `sim`: serves the built widget site and a simulated batch-calls API on loopback.
//!
//! ```text
//! sim [--port 8080] [--site dist] [--fixtures ../shared/fixtures] [--demo-speed 1]
//! ```
//!
//! The API follows the documented contract of `GET /v1/api/batch-calls/{batchId}`
//! (see `../shared/api/`): both headers required, `{error, message}` bodies for
//! errors, CORS for cross-origin pages. Batch ids starting with `demo` play the
//! built-in demo batch (`--demo-speed 10` plays it ten times faster, for tests);
//! `fixture-NAME` serves `status-NAME.json` verbatim; `PUT /__sim/scenarios/{id}`
//! scripts a batch's responses (see `scenario.rs`), and `/__sim/requests` lists
//! every API request received.

mod api;
mod demo;
mod log;
mod pages;
mod scenario;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// Locks shared state even if a handler panicked while holding it: one failed
/// request must not take the sim down for the tests that follow.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Command-line options.
struct Options {
    port: u16,
    site: PathBuf,
    fixtures: PathBuf,
    demo_speed: f64,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        port: 8080,
        site: PathBuf::from("dist"),
        fixtures: PathBuf::from("../shared/fixtures"),
        demo_speed: 1.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => options.port = value.parse().map_err(|_| format!("bad port {value}"))?,
            "--site" => options.site = value.into(),
            "--fixtures" => options.fixtures = value.into(),
            "--demo-speed" => {
                options.demo_speed = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && s.is_finite())
                    .ok_or_else(|| format!("bad speed {value}"))?
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("sim: {message}\nusage: sim [--port N] [--site DIR] [--fixtures DIR] [--demo-speed X]");
            std::process::exit(2);
        }
    };
    pages::load_site_csp(&options.site);
    let app = api::router(
        api::AppState::new(options.fixtures, options.demo_speed),
        &options.site,
    );
    let address = SocketAddr::from(([127, 0, 0, 1], options.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("sim: cannot listen on {address}: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "sim: serving {} and the batch API on http://{address}/",
        options.site.display()
    );
    // No graceful shutdown: a scripted request that never answers would hold it
    // open, and SIGINT/SIGTERM ending the process at once is what tests want.
    if let Err(error) = axum::serve(listener, app).await {
        eprintln!("sim: {error}");
        std::process::exit(1);
    }
}
