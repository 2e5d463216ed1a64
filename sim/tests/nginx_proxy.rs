//! The shipped nginx configuration (`deploy/nginx/`), run for real on loopback.
//! Its upstream is `sim` behind a TLS front (a second nginx) whose certificate
//! comes from a test CA made here, named for the API's host: the proxy verifies
//! it exactly as it verifies the real API. Each test starts its own stack, so
//! one failure does not hide the others:
//! - the key stays on the server and many viewers cost upstream one request a second;
//! - only GET of the status endpoint and of a checked calls page gets through;
//! - the site is served with the documented headers, its CSP matching the page;
//! - an upstream whose certificate the proxy cannot verify gets 502, and never the key;
//! - with `cancel.conf`, a DELETE goes upstream only with a session, the custom
//!   header and the portal's Origin, is logged with the user and never cached.
//!
//! Run by `make nginx` (part of `make test`): needs Debian's nginx and openssl, and
//! a built site.

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
/// A cancel the proxy must refuse: why, its headers, and the status it gets.
type Refusal<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16);

/// The portal origin the cancel tests configure.
const PORTAL: &str = "https://portal.test";
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

/// Whether this process runs as root: nginx workers then run as root too, so
/// they can read the site and the keys wherever they are.
fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// The shipped config with this machine's paths and ports, its upstream the
/// TLS front on `upstream`, trusting the test CA in `dir`.
fn render_config(dir: &Path, listen: u16, upstream: u16, site: &Path, cancel: bool) -> String {
    let mut conf =
        std::fs::read_to_string(repo_root().join("deploy/nginx/nginx.conf")).expect("nginx.conf");
    if cancel {
        let line = "# include /etc/nginx/batch-status/cancel.conf;";
        assert!(conf.contains(line), "cancel.conf is included by one line");
        conf = conf.replace(line, "include /etc/nginx/batch-status/cancel.conf;");
    }
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
            "set $api_host \"api.trillet.ai\";",
            &format!("set $api_host \"127.0.0.1:{upstream}\";"),
        )
        .replace(
            "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;",
            &format!(
                "proxy_ssl_trusted_certificate {}/test-ca.pem;",
                dir.display()
            ),
        );
    for line in [
        "proxy_ssl_verify on;",
        "proxy_pass https://$api_host",
        "127.0.0.1:",
    ] {
        assert!(rendered.contains(line), "the shipped config keeps {line}");
    }
    assert!(
        rendered.contains("test-ca.pem"),
        "the CA bundle is a setting the test can point"
    );
    if as_root() {
        format!("user root;\n{rendered}")
    } else {
        rendered
    }
}

/// Runs openssl, failing the test with its output if it fails.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs (installed by scripts/install-tools.sh)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Makes a CA named `ca` in `dir`, and a server certificate for the API's host
/// name signed by it (`{ca}-api.pem`, `{ca}-api.key`).
fn make_ca_and_server_cert(dir: &Path, ca: &str) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let subject = format!("/CN=Batch status {ca}");
    let mut args = vec!["req", "-x509", "-days", "2", "-subj", &subject];
    args.extend(ec);
    let (ca_key, ca_pem) = (format!("{ca}.key"), format!("{ca}.pem"));
    args.extend(["-keyout", &ca_key, "-out", &ca_pem]);
    args.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    args.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    openssl(dir, &args);
    let (key, csr, pem) = (
        format!("{ca}-api.key"),
        format!("{ca}-api.csr"),
        format!("{ca}-api.pem"),
    );
    let mut args = vec![
        "req",
        "-subj",
        "/CN=api.trillet.ai",
        "-keyout",
        &key,
        "-out",
        &csr,
    ];
    args.extend(ec);
    openssl(dir, &args);
    std::fs::write(
        dir.join("server-ext.cnf"),
        "subjectAltName=DNS:api.trillet.ai\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("extensions");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-extfile",
            "server-ext.cnf",
            "-out",
            &pem,
        ],
    );
}

/// The TLS front of the simulated API: answers only for the API's host name
/// (SNI), with the certificate that `ca` signed, and passes requests to the sim.
fn upstream_config(dir: &Path, listen: u16, sim: u16, ca: &str) -> String {
    let d = dir.display();
    let user = if as_root() { "user root;\n" } else { "" };
    format!(
        "{user}pid {d}/upstream.pid;\nerror_log stderr warn;\nworker_processes 1;\n\
         events {{ worker_connections 512; }}\n\
         http {{\n  access_log off;\n\
           server {{ listen 127.0.0.1:{listen} ssl default_server; ssl_reject_handshake on; }}\n\
           server {{\n    listen 127.0.0.1:{listen} ssl;\n    server_name api.trillet.ai;\n\
             ssl_certificate {d}/{ca}-api.pem;\n    ssl_certificate_key {d}/{ca}-api.key;\n\
             location / {{ proxy_pass http://127.0.0.1:{sim}; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n\
           }}\n}}\n"
    )
}

/// Which CA signed the certificate the API presents.
#[derive(Clone, Copy, PartialEq)]
enum Upstream {
    /// The CA the proxy is told to trust.
    Trusted,
    /// Another CA: someone between nginx and the API.
    Impostor,
}

/// nginx with the shipped config, in front of a TLS front and the sim.
struct Stack {
    site: PathBuf,
    dir: PathBuf,
    port: u16,
    sim_port: u16,
    // Fields drop in order: the processes stop before their folder goes.
    _nginx: Running,
    _upstream: Running,
    _sim: Running,
    _dir: RemovedOnDrop,
}

/// A folder removed when the test ends.
struct RemovedOnDrop(PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Stack {
    async fn start(name: &str, upstream: Upstream) -> Stack {
        Stack::start_with(name, upstream, false).await
    }

    /// A stack whose proxy includes `cancel.conf`, its session check the sim's
    /// stand-in and its portal `https://portal.test`.
    async fn start_with(name: &str, upstream: Upstream, cancel: bool) -> Stack {
        let root = repo_root();
        let site = root.join("dist");
        assert!(
            site.join("index.html").exists(),
            "build the site first (make site)"
        );
        let dir =
            std::env::temp_dir().join(format!("batch-status-nginx-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cache")).expect("a temp dir");
        std::fs::create_dir_all(dir.join("upstream")).expect("a temp dir");
        for file in ["security-headers.conf", "proxy-headers.conf"] {
            let text = std::fs::read_to_string(root.join("deploy/nginx").join(file))
                .expect("a shipped include")
                .replace("/etc/nginx/batch-status/", &format!("{}/", dir.display()));
            std::fs::write(dir.join(file), text).expect("an include");
        }
        std::fs::write(
            dir.join("secrets.conf"),
            format!("proxy_set_header x-api-key \"{SERVER_KEY}\";\nproxy_set_header x-workspace-id \"{SERVER_WORKSPACE}\";\n"),
        )
        .expect("secrets");
        make_ca_and_server_cert(&dir, "test-ca");
        make_ca_and_server_cert(&dir, "other-ca");
        let (port, tls_port, sim_port) = (free_port(), free_port(), free_port());
        std::fs::write(
            dir.join("nginx.conf"),
            render_config(&dir, port, tls_port, &site, cancel),
        )
        .expect("config");
        let cancel_conf = std::fs::read_to_string(root.join("deploy/nginx/cancel.conf"))
            .expect("cancel.conf")
            .replace("/etc/nginx/batch-status/", &format!("{}/", dir.display()))
            .replace(
                "/var/log/nginx/batch-cancel.log",
                &format!("{}/cancel.log", dir.display()),
            )
            .replace("https://portal.example", PORTAL)
            .replace(
                "http://127.0.0.1:9000/session",
                &format!("http://127.0.0.1:{sim_port}/__sim/session"),
            );
        std::fs::write(dir.join("cancel.conf"), cancel_conf).expect("cancel.conf");
        let signer = if upstream == Upstream::Trusted {
            "test-ca"
        } else {
            "other-ca"
        };
        std::fs::write(
            dir.join("upstream.conf"),
            upstream_config(&dir, tls_port, sim_port, signer),
        )
        .expect("upstream config");
        let sim = Running(
            Command::new(env!("CARGO_BIN_EXE_sim"))
                .args(["--port", &sim_port.to_string(), "--site", "/nonexistent"])
                .stdout(Stdio::null())
                .spawn()
                .expect("sim starts"),
        );
        let nginx = |prefix: PathBuf, conf: &str| {
            Running(
                Command::new(nginx_binary())
                    .arg("-p")
                    .arg(&prefix)
                    .arg("-c")
                    .arg(dir.join(conf))
                    .args(["-g", "daemon off;"])
                    .spawn()
                    .expect("nginx starts (installed by scripts/install-tools.sh)"),
            )
        };
        let upstream_nginx = nginx(dir.join("upstream"), "upstream.conf");
        let proxy = nginx(dir.clone(), "nginx.conf");
        for port in [sim_port, tls_port, port] {
            wait_until_up(port).await;
        }
        Stack {
            dir: dir.clone(),
            _dir: RemovedOnDrop(dir),
            site,
            port,
            sim_port,
            _sim: sim,
            _upstream: upstream_nginx,
            _nginx: proxy,
        }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(self.port, "GET", path, headers).await
    }

    /// The requests the simulated API received for `batch`.
    async fn upstream_saw(&self, batch: &str) -> Vec<serde_json::Value> {
        let reply = request(self.sim_port, "GET", "/__sim/requests", &[]).await;
        let log: Vec<serde_json::Value> =
            serde_json::from_slice(&reply.body).expect("the sim's log is JSON");
        log.into_iter().filter(|e| e["batchId"] == batch).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_viewers_cost_upstream_one_request_a_second_and_only_the_servers_key() {
    let stack = Stack::start("load", Upstream::Trusted).await;
    let batch = "demo-nginx-load";
    let port = stack.port;
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            tokio::spawn(async move {
                let (mut good, mut bad) = (0u32, Vec::new());
                while started.elapsed() < Duration::from_secs(LOAD_SECONDS) {
                    let path = format!("/v1/api/batch-calls/{batch}");
                    let reply = request(port, "GET", &path, &[("x-api-key", CLIENT_KEY)]).await;
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
    let upstream = stack.upstream_saw(batch).await;
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_but_get_of_a_well_formed_batch_id_reaches_upstream() {
    let stack = Stack::start("refused", Upstream::Trusted).await;
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
        ("DELETE", "/v1/api/batch-calls/demo-x/calls".to_owned(), 405),
        (
            "GET",
            "/v1/api/batch-calls/demo-x/calls/more".to_owned(),
            404,
        ),
        ("GET", "/v1/api/batch-calls".to_owned(), 404),
    ] {
        let reply = request(stack.port, method, &path, &[]).await;
        assert_eq!(reply.status, status, "{method} {path}");
    }
    let refused = request(stack.port, "POST", "/v1/api/batch-calls/demo-x", &[]).await;
    assert_eq!(
        refused.header("allow"),
        Some("GET"),
        "405 says what is allowed"
    );
    assert!(
        refused.text().contains("Only GET is proxied"),
        "{}",
        refused.text()
    );
    assert!(
        refused.header("content-security-policy").is_some(),
        "the 405 keeps the security headers"
    );
    let reply = request(stack.sim_port, "GET", "/__sim/requests", &[]).await;
    let log: Vec<serde_json::Value> = serde_json::from_slice(&reply.body).expect("JSON");
    assert!(
        log.is_empty(),
        "a refused request reached upstream: {log:?}"
    );
    // The same proxy does pass a good request, so the silence above means something.
    let good = stack.get("/v1/api/batch-calls/demo-x", &[]).await;
    assert_eq!(good.status, 200, "{}", good.text());
    assert_eq!(stack.upstream_saw("demo-x").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_pages_are_checked_before_upstream_and_cached_per_page() {
    let stack = Stack::start("calls", Upstream::Trusted).await;
    let batch = "demo-nginx-calls";
    let base = format!("/v1/api/batch-calls/{batch}/calls");
    for query in [
        "page=0",
        "page=100001",
        "page=abc",
        "page=1%0a",
        "page=-1",
        "limit=0",
        "limit=101",
        "status=queued",
        "status=ALL",
        "status=failed%20",
        "page=2&limit=1000",
    ] {
        let reply = stack.get(&format!("{base}?{query}"), &[]).await;
        assert_eq!(reply.status, 400, "?{query}: {}", reply.text());
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert!(body["message"].as_str().unwrap().contains("limit 1-100"));
    }
    assert!(
        stack.upstream_saw(batch).await.is_empty(),
        "a refused query reached upstream"
    );
    let mut upstream_queries = Vec::new();
    for (query, page, limit, status) in [
        ("", 1, 20, "all"),
        ("?page=3&limit=100&status=failed", 3, 100, "failed"),
        (
            "?status=completed&page=100000&extra=x",
            100_000,
            20,
            "completed",
        ),
        ("?limit=7&page=2&page=9", 2, 7, "all"),
    ] {
        let reply = stack.get(&format!("{base}{query}"), &[]).await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text());
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert_eq!(body["pagination"]["page"], page, "{query}");
        assert_eq!(body["pagination"]["limit"], limit, "{query}");
        upstream_queries.push(format!("page={page}&limit={limit}&status={status}"));
        // The same page again within the second comes from the cache.
        let again = stack.get(&format!("{base}{query}"), &[]).await;
        assert_eq!(again.header("x-cache-status"), Some("HIT"), "{query}");
    }
    let saw: Vec<String> = stack
        .upstream_saw(batch)
        .await
        .iter()
        .map(|e| e["query"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        saw, upstream_queries,
        "upstream sees only the checked query, once per page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_goes_upstream_only_with_a_session_the_header_and_the_portals_origin() {
    let stack = Stack::start_with("cancel", Upstream::Trusted, true).await;
    let batch = "demo-nginx-cancel";
    let path = format!("/v1/api/batch-calls/{batch}");
    assert_eq!(stack.get(&path, &[]).await.status, 200, "GET still works");
    let login = request(stack.sim_port, "POST", "/__sim/login?user=alice", &[]).await;
    let session: serde_json::Value = serde_json::from_slice(&login.body).expect("JSON");
    let cookie = format!(
        "sim_session={}",
        session["session"].as_str().expect("a session")
    );
    let (header, origin) = (("x-batch-cancel", "1"), ("origin", PORTAL));
    let refused: [Refusal; 5] = [
        ("no session", vec![header, origin], 401),
        (
            "a session the portal never issued",
            vec![("cookie", "sim_session=forged"), header, origin],
            401,
        ),
        ("no cancel header", vec![("cookie", &cookie), origin], 403),
        (
            "a foreign origin",
            vec![("cookie", &cookie), header, ("origin", "https://evil.test")],
            403,
        ),
        ("no origin", vec![("cookie", &cookie), header], 403),
    ];
    for (what, headers, status) in &refused {
        let reply = request(stack.port, "DELETE", &path, headers).await;
        assert_eq!(reply.status, *status, "{what}: {}", reply.text());
    }
    let deletes = |log: Vec<serde_json::Value>| {
        log.into_iter()
            .filter(|e| e["method"] == "DELETE")
            .collect::<Vec<_>>()
    };
    assert!(
        deletes(stack.upstream_saw(batch).await).is_empty(),
        "a refused cancel reached upstream"
    );
    let good = [("cookie", cookie.as_str()), header, origin];
    let reply = request(stack.port, "DELETE", &path, &good).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["details"]["totalCalls"], 180);
    let upstream = deletes(stack.upstream_saw(batch).await);
    assert_eq!(upstream.len(), 1, "exactly one cancel went upstream");
    assert_eq!(upstream[0]["apiKey"], SERVER_KEY);
    let log = std::fs::read_to_string(stack.dir.join("cancel.log")).expect("a cancel log");
    assert!(
        log.contains(&format!("user=alice batch={batch} status=200")),
        "the log names the user: {log}"
    );
    // Never cached: the same cancel again reaches upstream, which says it is done.
    let again = request(stack.port, "DELETE", &path, &good).await;
    assert_eq!(again.status, 409, "{}", again.text());
    assert_eq!(deletes(stack.upstream_saw(batch).await).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_is_served_with_the_documented_headers() {
    let stack = Stack::start("site", Upstream::Trusted).await;
    let page = stack.get("/", &[]).await;
    assert_eq!(page.status, 200);
    let csp = page
        .header("content-security-policy")
        .expect("a CSP header");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    // connect-src allows exactly the origins the page sends keys to.
    let html = page.text();
    let marker = "name=\"batch-status-api-origins\" content=\"";
    let listed = html
        .split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html names its API origins");
    let connect = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("connect-src"))
        .expect("a connect-src");
    let mut expected: Vec<&str> = vec!["connect-src", "'self'"];
    expected.extend(listed.split([' ', ',']).filter(|o| !o.is_empty()));
    assert_eq!(connect.split(' ').collect::<Vec<_>>(), expected);
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let entry = stack.get("/batch-status.js", &[]).await;
    assert_eq!(entry.status, 200);
    assert!(entry
        .header("content-type")
        .is_some_and(|t| t.contains("javascript")));
    assert_eq!(entry.header("cache-control"), Some("public, max-age=300"));
    let wasm_name = std::fs::read_dir(&stack.site)
        .expect("dist")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.starts_with("batch-status-widget_bg.") && n.ends_with(".wasm"))
        .expect("a fingerprinted wasm file");
    let wasm = stack
        .get(&format!("/{wasm_name}"), &[("Accept-Encoding", "gzip")])
        .await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    assert_eq!(wasm.header("content-encoding"), Some("gzip"));
    assert_eq!(
        wasm.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let api = stack.get("/v1/api/batch-calls/demo-nginx-site", &[]).await;
    assert_eq!(api.status, 200);
    assert_eq!(api.header("cache-control"), Some("no-store"));
    assert!(api.header("content-security-policy").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_the_proxy_cannot_verify_gets_502_and_never_the_key() {
    let stack = Stack::start("impostor", Upstream::Impostor).await;
    let batch = "demo-nginx-impostor";
    let reply = stack
        .get(&format!("/v1/api/batch-calls/{batch}"), &[])
        .await;
    assert_eq!(reply.status, 502, "{}", reply.text());
    assert!(!reply.text().contains(SERVER_KEY) && !reply.head.contains(SERVER_KEY));
    assert!(
        stack.upstream_saw(batch).await.is_empty(),
        "the handshake must fail before any request, key included, is sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_with_a_certificate_from_the_trusted_ca_is_reached_by_name() {
    // The TLS front answers only to the API's host name (SNI) and only with a
    // certificate for it: a 200 here means verification, SNI and the name all held.
    let stack = Stack::start("trusted", Upstream::Trusted).await;
    let batch = "demo-nginx-trusted";
    let reply = stack
        .get(&format!("/v1/api/batch-calls/{batch}"), &[])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let seen = stack.upstream_saw(batch).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["apiKey"], SERVER_KEY);
}
