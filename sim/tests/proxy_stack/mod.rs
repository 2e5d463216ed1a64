//! A stack of the shipped nginx configuration (`deploy/nginx/`) run for real on
//! loopback, shared by the nginx tests (`nginx_proxy.rs`) and the load
//! benchmark (`load.rs`). Its upstream is `sim` behind a TLS front (a second
//! nginx) whose certificate comes from a test CA made here, named for the API's
//! host: the proxy verifies it exactly as it verifies the real API.
// Each test crate uses its own part of the harness.
#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

pub const SERVER_KEY: &str = "sk_server_side_7f3a9c";
pub const SERVER_WORKSPACE: &str = "ws_server_side";

/// The portal origin the cancel tests configure.
pub const PORTAL: &str = "https://portal.test";

/// A child process stopped when the test ends, however it ends. SIGTERM, not
/// SIGKILL: nginx's master then stops its workers too.
pub struct Running(pub Child);

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
pub fn nginx_binary() -> &'static str {
    if Path::new("/usr/sbin/nginx").exists() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim/ is in the repository")
        .to_owned()
}

/// A parsed HTTP/1.1 response.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request over a fresh connection; the whole response, de-chunked.
pub async fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    request_with_body(port, method, path, headers, "").await
}

/// [`request`] with a body.
pub async fn request_with_body(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
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

pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
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

pub async fn wait_until_up(address: Ipv4Addr, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect((address, port)).await.is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether this process runs as root: nginx workers then run as root too, so
/// they can read the site and the keys wherever they are.
pub fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// The shipped config with this machine's paths and ports, its upstream the
/// TLS front on `upstream`, trusting the test CA in `dir`.
pub fn render_config(
    dir: &Path,
    listen: u16,
    upstream: &Upstream,
    site: &Path,
    cancel: bool,
) -> String {
    // The hop to the API listens on loopback: another free port.
    let hop = free_port();
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
            "default \"api.trillet.ai\";",
            &format!("default \"{}\";", upstream.authority()),
        )
        .replace("127.0.0.1:8081", &format!("127.0.0.1:{hop}"))
        .replace(
            "resolver 127.0.0.53 valid=30s ipv6=off;",
            &upstream.resolver_line(),
        )
        .replace(
            "proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;",
            &format!(
                "proxy_ssl_trusted_certificate {}/test-ca.pem;",
                dir.display()
            ),
        );
    // Each worker keeps its own DNS answers: with one, a test of when an
    // answer is replaced does not depend on which worker takes a connection.
    let rendered = match upstream {
        Upstream::Named { .. } => rendered.replace("worker_processes auto;", "worker_processes 1;"),
        Upstream::Address(_) => rendered,
    };
    for line in [
        "proxy_ssl_verify on;",
        "proxy_pass https://$api_host",
        &format!("listen 127.0.0.1:{hop};"),
        upstream.authority().as_str(),
        upstream.resolver_line().as_str(),
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
pub fn openssl(dir: &Path, args: &[&str]) {
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
pub fn make_ca_and_server_cert(dir: &Path, ca: &str) {
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

/// The TLS front of the simulated API: on each of `fronts` (an address and the
/// sim behind it) it answers only for the API's host name (SNI), with the
/// certificate that `ca` signed, and passes requests to that sim.
pub fn upstream_config(dir: &Path, listen: u16, fronts: &[(Ipv4Addr, u16)], ca: &str) -> String {
    let d = dir.display();
    let user = if as_root() { "user root;\n" } else { "" };
    let servers: String = fronts
        .iter()
        .map(|(address, sim)| {
            format!(
                "  server {{ listen {address}:{listen} ssl default_server; ssl_reject_handshake on; }}\n\
                 server {{\n    listen {address}:{listen} ssl;\n    server_name api.trillet.ai;\n\
                   ssl_certificate {d}/{ca}-api.pem;\n    ssl_certificate_key {d}/{ca}-api.key;\n\
                   location / {{ proxy_pass http://127.0.0.1:{sim}; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n\
                 }}\n"
            )
        })
        .collect();
    format!(
        "{user}pid {d}/upstream.pid;\nerror_log stderr warn;\nworker_processes 1;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n{servers}}}\n"
    )
}

/// Which CA signed the certificate the API presents, and how the proxy finds it.
#[derive(Clone, Copy, PartialEq)]
pub enum Signer {
    /// The CA the proxy is told to trust.
    Trusted,
    /// Another CA: someone between nginx and the API.
    Impostor,
}

/// How the proxy reaches the TLS front.
#[derive(Clone, PartialEq)]
pub enum Upstream {
    /// By address: `127.0.0.1:{port}`.
    Address(u16),
    /// By the API's name and `port`, looked up at `dns` (a [`Dns`] on loopback)
    /// and kept at most a second.
    Named { port: u16, dns: u16 },
}

impl Upstream {
    /// What `$api_host` is set to.
    pub fn authority(&self) -> String {
        match self {
            Upstream::Address(port) => format!("127.0.0.1:{port}"),
            Upstream::Named { port, .. } => format!("api.trillet.ai:{port}"),
        }
    }

    /// The `resolver` line of the config.
    pub fn resolver_line(&self) -> String {
        match self {
            Upstream::Address(_) => "resolver 127.0.0.53 valid=30s ipv6=off;".to_owned(),
            Upstream::Named { dns, .. } => format!("resolver 127.0.0.1:{dns} valid=1s ipv6=off;"),
        }
    }
}

/// A DNS server on loopback that knows one name, the API's, and answers a
/// query for its A record with the address it is pointed at (one-second TTL);
/// any other name does not exist.
pub struct Dns {
    pub port: u16,
    address: Arc<Mutex<Ipv4Addr>>,
    task: tokio::task::JoinHandle<()>,
}

impl Dns {
    pub async fn start(address: Ipv4Addr) -> Dns {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("a UDP port");
        let port = socket.local_addr().expect("bound").port();
        let address = Arc::new(Mutex::new(address));
        let answers = address.clone();
        let task = tokio::spawn(async move {
            let mut query = [0u8; 512];
            while let Ok((length, from)) = socket.recv_from(&mut query).await {
                let now = *answers.lock().expect("the address");
                if let Some(reply) = dns_reply(&query[..length], now) {
                    let _ = socket.send_to(&reply, from).await;
                }
            }
        });
        Dns {
            port,
            address,
            task,
        }
    }

    /// From now on, the API's name resolves to `address`.
    pub fn point_at(&self, address: Ipv4Addr) {
        *self.address.lock().expect("the address") = address;
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The answer to one DNS query (RFC 1035, section 4): the header and question
/// sent back, with an A record for the API's name, or "no such name".
fn dns_reply(query: &[u8], address: Ipv4Addr) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    while *query.get(at)? != 0 {
        let length = usize::from(query[at]);
        labels.push(
            String::from_utf8_lossy(query.get(at + 1..at + 1 + length)?).to_ascii_lowercase(),
        );
        at += 1 + length;
    }
    let question_end = at + 5;
    let kind = u16::from_be_bytes([*query.get(at + 1)?, *query.get(at + 2)?]);
    let known = labels.join(".") == "api.trillet.ai";
    let answers = u8::from(known && kind == 1);
    let mut reply = query.get(..question_end)?.to_vec();
    // A response, authoritative, recursion desired as asked; NOERROR or NXDOMAIN.
    reply[2] = 0x84 | (query[2] & 0x01);
    reply[3] = if known { 0x00 } else { 0x03 };
    reply[4..12].copy_from_slice(&[0, 1, 0, answers, 0, 0, 0, 0]);
    if answers == 1 {
        // The name (a pointer to the question's), type A, class IN, TTL 1 s, 4 bytes.
        reply.extend([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4]);
        reply.extend(address.octets());
    }
    Some(reply)
}

/// nginx with the shipped config, in front of a TLS front and the sim.
pub struct Stack {
    pub site: PathBuf,
    pub dir: PathBuf,
    /// Where the proxy listens, and where the TLS front does.
    pub port: u16,
    pub tls_port: u16,
    /// The sim behind the API's address (with a named upstream, its first one).
    pub sim_port: u16,
    /// With a named upstream: the sim behind the second address, and the DNS
    /// server that says which address is the API's.
    pub second_sim_port: Option<u16>,
    pub dns: Option<Dns>,
    // Fields drop in order: the processes stop before their folder goes.
    _nginx: Running,
    _upstream: Running,
    _sims: Vec<Running>,
    _dir: RemovedOnDrop,
}

/// A folder removed when the test ends.
pub struct RemovedOnDrop(pub PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The first and second address the API's name can resolve to.
pub const FIRST_ADDRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
pub const SECOND_ADDRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);

/// What a [`Stack`] is made of.
#[derive(Clone, Copy)]
pub struct Options {
    pub signer: Signer,
    /// Whether the proxy includes `cancel.conf`, its session check the sim's
    /// stand-in and its portal `https://portal.test`.
    pub cancel: bool,
    /// Whether the proxy finds the API by name: two fronts, on
    /// [`FIRST_ADDRESS`] and [`SECOND_ADDRESS`], each before a sim of its own,
    /// and a [`Dns`] that first points at the first.
    pub named: bool,
}

impl Options {
    pub const PLAIN: Options = Options {
        signer: Signer::Trusted,
        cancel: false,
        named: false,
    };
}

fn start_sim(port: u16) -> Running {
    Running(
        Command::new(env!("CARGO_BIN_EXE_sim"))
            .args(["--port", &port.to_string(), "--site", "/nonexistent"])
            .stdout(Stdio::null())
            .spawn()
            .expect("sim starts"),
    )
}

impl Stack {
    pub async fn start(name: &str, signer: Signer) -> Stack {
        Stack::start_with(
            name,
            Options {
                signer,
                ..Options::PLAIN
            },
        )
        .await
    }

    pub async fn start_with(name: &str, options: Options) -> Stack {
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
        let (dns, second_sim_port) = if options.named {
            (Some(Dns::start(FIRST_ADDRESS).await), Some(free_port()))
        } else {
            (None, None)
        };
        let upstream = match &dns {
            Some(dns) => Upstream::Named {
                port: tls_port,
                dns: dns.port,
            },
            None => Upstream::Address(tls_port),
        };
        std::fs::write(
            dir.join("nginx.conf"),
            render_config(&dir, port, &upstream, &site, options.cancel),
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
        let signer = if options.signer == Signer::Trusted {
            "test-ca"
        } else {
            "other-ca"
        };
        let fronts = match second_sim_port {
            Some(second) => vec![(FIRST_ADDRESS, sim_port), (SECOND_ADDRESS, second)],
            None => vec![(Ipv4Addr::LOCALHOST, sim_port)],
        };
        std::fs::write(
            dir.join("upstream.conf"),
            upstream_config(&dir, tls_port, &fronts, signer),
        )
        .expect("upstream config");
        let sims: Vec<Running> = fronts.iter().map(|(_, sim)| start_sim(*sim)).collect();
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
        for (_, sim) in &fronts {
            wait_until_up(Ipv4Addr::LOCALHOST, *sim).await;
        }
        wait_until_up(fronts[0].0, tls_port).await;
        wait_until_up(Ipv4Addr::LOCALHOST, port).await;
        Stack {
            dir: dir.clone(),
            _dir: RemovedOnDrop(dir),
            site,
            port,
            tls_port,
            sim_port,
            second_sim_port,
            dns,
            _sims: sims,
            _upstream: upstream_nginx,
            _nginx: proxy,
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(self.port, "GET", path, headers).await
    }

    /// Scripts the sim's answers for `batch`: `steps` is the JSON array of
    /// `Step`s (see sim/src/scenario.rs).
    pub async fn script(&self, batch: &str, steps: &str) {
        let reply = request_with_body(
            self.sim_port,
            "PUT",
            &format!("/__sim/scenarios/{batch}"),
            &[("Content-Type", "application/json")],
            &format!(r#"{{"steps": {steps}}}"#),
        )
        .await;
        assert_eq!(reply.status, 204, "{}", reply.text());
    }

    /// The requests the simulated API received for `batch`.
    pub async fn upstream_saw(&self, batch: &str) -> Vec<serde_json::Value> {
        sim_saw(self.sim_port, batch).await
    }
}

/// The requests the sim on `port` received for `batch`.
pub async fn sim_saw(port: u16, batch: &str) -> Vec<serde_json::Value> {
    let reply = request(port, "GET", "/__sim/requests", &[]).await;
    let log: Vec<serde_json::Value> =
        serde_json::from_slice(&reply.body).expect("the sim's log is JSON");
    log.into_iter().filter(|e| e["batchId"] == batch).collect()
}
