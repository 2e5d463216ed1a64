//! The shipped nginx configuration (`deploy/nginx/`), run for real on loopback in
//! front of `sim` as the upstream: the key stays on the server, many viewers cost
//! upstream about one request a second, only the status endpoint gets through,
//! and the site is served with the documented headers.
//!
//! Run by `make nginx` (part of `make test`): needs Debian's nginx and a built site.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SERVER_KEY: &str = "sk_server_side_7f3a9c";
const SERVER_WORKSPACE: &str = "ws_server_side";
const CLIENT_KEY: &str = "sk_client_sent_should_be_dropped";
const CLIENTS: usize = 50;
const LOAD_SECONDS: u64 = 20;

/// A child process stopped when the test ends, however it ends. SIGTERM, not
/// SIGKILL: nginx's master then stops its workers too.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Debian's nginx lives in /usr/sbin, which is not on every PATH.
fn nginx_binary() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim/ is in the repository")
        .to_owned()
}

/// A parsed HTTP/1.1 response.
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request over a fresh connection; the whole response, de-chunked.
async fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(text.as_bytes()).await.expect("sends");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("reads");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let mut body = raw[split..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply { status, head, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

async fn wait_until_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The shipped config with this machine's paths, ports and upstream.
fn render_config(dir: &Path, listen: u16, upstream: u16, site: &Path) -> String {
    let conf =
        std::fs::read_to_string(repo_root().join("deploy/nginx/nginx.conf")).expect("nginx.conf");
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let rendered = conf
        .replace(
            "pid /run/batch-status-nginx.pid;",
            &format!("pid {}/nginx.pid;", dir.display()),
        )
        .replace("/etc/nginx/batch-status/", &format!("{}/", dir.display()))
        .replace(
            "/var/cache/nginx/batch-status",
            &format!("{}/cache", dir.display()),
        )
        .replace(
            "root /srv/batch-status;",
            &format!("root {};", site.display()),
        )
        .replace("listen 8080;", &format!("listen 127.0.0.1:{listen};"))
        .replace(
            "server api.trillet.ai:443;",
            &format!("server 127.0.0.1:{upstream};"),
        )
        .replace(
            "proxy_pass https://batch_api",
            "proxy_pass http://batch_api",
        );
    assert_ne!(rendered, conf, "the config has the expected lines to adapt");
    // Workers run as root under CI's root, so they can read the site wherever it is.
    if as_root {
        format!("user root;\n{rendered}")
    } else {
        rendered
    }
}

async fn sim_log(port: u16) -> Vec<serde_json::Value> {
    let reply = request(port, "GET", "/__sim/requests", &[]).await;
    serde_json::from_slice(&reply.body).expect("the sim's log is JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nginx_keeps_the_key_on_the_server_and_collapses_viewers() {
    let root = repo_root();
    let site = root.join("dist");
    assert!(
        site.join("index.html").exists(),
        "build the site first (make site)"
    );
    let dir = std::env::temp_dir().join(format!("batch-status-nginx-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cache")).expect("a temp dir");
    std::fs::copy(
        root.join("deploy/nginx/security-headers.conf"),
        dir.join("security-headers.conf"),
    )
    .expect("security headers");
    std::fs::write(
        dir.join("secrets.conf"),
        format!("proxy_set_header x-api-key \"{SERVER_KEY}\";\nproxy_set_header x-workspace-id \"{SERVER_WORKSPACE}\";\n"),
    )
    .expect("secrets");
    let (nginx_port, sim_port) = (free_port(), free_port());
    std::fs::write(
        dir.join("nginx.conf"),
        render_config(&dir, nginx_port, sim_port, &site),
    )
    .expect("config");

    let _sim = Running(
        Command::new(env!("CARGO_BIN_EXE_sim"))
            .args(["--port", &sim_port.to_string(), "--site", "/nonexistent"])
            .stdout(Stdio::null())
            .spawn()
            .expect("sim starts"),
    );
    let nginx = Command::new(nginx_binary())
        .args([
            "-p",
            &dir.display().to_string(),
            "-c",
            &dir.join("nginx.conf").display().to_string(),
        ])
        .args(["-g", "daemon off;"])
        .spawn()
        .expect("nginx starts (installed by scripts/install-tools.sh)");
    let _nginx = Running(nginx);
    wait_until_up(sim_port).await;
    wait_until_up(nginx_port).await;

    // 1. Many viewers, one batch: about one upstream request a second.
    let batch = "demo-nginx-load";
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let (mut good, mut bad) = (0u32, Vec::new());
                while started.elapsed() < Duration::from_secs(LOAD_SECONDS) {
                    let path = format!("/v1/api/batch-calls/{batch}");
                    let reply =
                        request(nginx_port, "GET", &path, &[("x-api-key", CLIENT_KEY)]).await;
                    let parsed: Option<serde_json::Value> =
                        serde_json::from_slice(&reply.body).ok();
                    let valid = reply.status == 200
                        && parsed.as_ref().and_then(|v| v["status"].as_str()).is_some();
                    let leaks =
                        reply.head.contains(SERVER_KEY) || reply.text().contains(SERVER_KEY);
                    if valid && !leaks {
                        good += 1;
                    } else {
                        bad.push(format!("{} {}", reply.status, reply.text()));
                    }
                    // Each viewer polls four times a second: far more than the widget does.
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                (good, bad)
            })
        })
        .collect();
    let mut served = 0;
    for client in clients {
        let (good, bad) = client.await.expect("a client task");
        assert!(bad.is_empty(), "a client got a bad answer: {bad:?}");
        assert!(good > 0, "a client got no answer at all");
        served += good;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let upstream: Vec<_> = sim_log(sim_port)
        .await
        .into_iter()
        .filter(|e| e["batchId"] == batch)
        .collect();
    let rate = upstream.len() as f64 / elapsed;
    println!(
        "nginx: {CLIENTS} clients, {served} answers in {elapsed:.1} s; upstream got {} requests ({rate:.2}/s)",
        upstream.len()
    );
    assert!(rate <= 1.3, "upstream saw {rate:.2} requests a second");
    assert!(
        upstream.len() >= 5,
        "the cache should still be refreshed from upstream"
    );
    for entry in &upstream {
        assert_eq!(
            entry["apiKey"], SERVER_KEY,
            "upstream must get the server's key"
        );
        assert_eq!(entry["hasWorkspaceId"], true);
    }
    // The cache lock sends one request at a time. Not quite always: on a loaded
    // machine nginx now and then declines to read a cache file that is being
    // replaced ("[crit] cache file ... has too long header") and that request
    // goes upstream beside the locked one. Without the lock, every expiry would
    // send dozens side by side.
    let overlapped = upstream.iter().filter(|e| e["overlapped"] == true).count();
    println!("nginx: {overlapped} upstream requests overlapped another");
    assert!(
        overlapped <= 2,
        "the cache lock should send one request at a time; {overlapped} overlapped"
    );

    // 2. Nothing but GET of a well-formed batch id reaches upstream.
    let before = sim_log(sim_port).await.len();
    let long = "x".repeat(129);
    for (method, path, status) in [
        ("POST", "/v1/api/batch-calls/demo-x".to_owned(), 405),
        ("DELETE", "/v1/api/batch-calls/demo-x".to_owned(), 405),
        ("GET", "/v1/api/batch-calls/..%2F..%2Fadmin".to_owned(), 404),
        (
            "GET",
            "/v1/api/batch-calls/demo%2F..%2F..%2Fx".to_owned(),
            404,
        ),
        ("GET", format!("/v1/api/batch-calls/{long}"), 404),
        ("GET", "/v1/api/batch-calls/a.b".to_owned(), 404),
        ("GET", "/v1/api/batch-calls/demo-x/calls".to_owned(), 404),
        ("GET", "/v1/api/batch-calls".to_owned(), 404),
    ] {
        let reply = request(nginx_port, method, &path, &[]).await;
        assert_eq!(reply.status, status, "{method} {path}");
    }
    let after = sim_log(sim_port).await.len();
    assert_eq!(after, before, "a refused request reached upstream");

    // 3. The site, with the documented headers.
    let page = request(nginx_port, "GET", "/", &[]).await;
    assert_eq!(page.status, 200);
    let csp = page
        .header("content-security-policy")
        .expect("a CSP header");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let entry = request(nginx_port, "GET", "/batch-status.js", &[]).await;
    assert_eq!(entry.status, 200);
    assert!(entry
        .header("content-type")
        .is_some_and(|t| t.contains("javascript")));
    assert_eq!(entry.header("cache-control"), Some("public, max-age=300"));
    let wasm_name = std::fs::read_dir(&site)
        .expect("dist")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("batch-status-widget_bg.") && n.ends_with(".wasm"))
        .expect("a fingerprinted wasm file");
    let wasm = request(
        nginx_port,
        "GET",
        &format!("/{wasm_name}"),
        &[("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.header("content-encoding"), Some("gzip"));
    assert_eq!(
        wasm.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let api = request(
        nginx_port,
        "GET",
        "/v1/api/batch-calls/demo-nginx-load",
        &[],
    )
    .await;
    assert_eq!(api.header("cache-control"), Some("no-store"));
    assert!(api.header("content-security-policy").is_some());
    println!("nginx: 3 checks passed: viewers collapsed, refused requests kept off upstream, site headers");
    let _ = std::fs::remove_dir_all(&dir);
}
