//! `make load`: the shipped proxy (`deploy/nginx/`) under `wrk`, on loopback, in
//! front of the TLS front and the simulated API (see `proxy_stack`). Four
//! scenarios, each for `LOAD_SECONDS` (60 by default); the figures go to
//! `deploy/nginx/LOAD.md`. A benchmark, not a test: `make test` does not run it,
//! and it fails only if the stack cannot be measured at all.
//!
//! Every connection is to loopback, and every loop is bounded by the
//! scenario's time.

mod proxy_stack;

use proxy_stack::*;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// What `wrk` measured, from the JSON its `done` hook prints.
#[derive(Debug, Default)]
struct Wrk {
    requests: u64,
    seconds: f64,
    /// Connections that could not be opened, reads and writes that failed,
    /// and requests with no answer within wrk's timeout.
    socket_errors: u64,
    timeouts: u64,
    /// Answers that were not 2xx or 3xx.
    non_2xx: u64,
    /// How many answers had each status, when counted.
    statuses: Vec<(u16, u64)>,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Wrk {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }

    fn errors(&self) -> u64 {
        self.socket_errors + self.timeouts + self.non_2xx
    }

    /// The latency row of a scenario's table.
    fn latency_row(&self) -> String {
        format!(
            "| latency p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |\n",
            self.p50_ms, self.p99_ms, self.max_ms
        )
    }

    /// The latency and error rows of a scenario where every answer should be good.
    fn rows(&self) -> String {
        format!(
            "{}| errors (socket, timeout, non-2xx) | {} ({}, {}, {}) |\n",
            self.latency_row(),
            self.errors(),
            self.socket_errors,
            self.timeouts,
            self.non_2xx,
        )
    }
}

/// The number in environment variable `name`, or `default`.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn seconds() -> u64 {
    setting("LOAD_SECONDS", 60)
}

fn connections() -> u64 {
    setting("LOAD_CONNECTIONS", 1000)
}

/// Runs wrk against the proxy on `port` with `connections` connections for
/// `seconds`, cycling through `paths`; with `count_statuses`, the answers'
/// statuses are counted too.
fn run_wrk(
    dir: &Path,
    port: u16,
    connections: u64,
    seconds: u64,
    paths: &[String],
    count_statuses: bool,
) -> Wrk {
    let list: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = format!(
        "local paths = {{{}}}\n\
         local n = 0\n\
         request = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend\n\
         local threads = {{}}\n\
         setup = function(thread) table.insert(threads, thread) end\n\
         init = function(args) statuses = {{}} end\n\
         {}\n\
         done = function(s, latency, requests)\n  \
           local e = s.errors\n  \
           local all = {{}}\n  \
           for _, t in ipairs(threads) do\n    \
             for code, n in pairs(t:get(\"statuses\") or {{}}) do all[code] = (all[code] or 0) + n end\n  \
           end\n  \
           local codes = {{}}\n  \
           for code, n in pairs(all) do table.insert(codes, string.format('\"%d\":%d', code, n)) end\n  \
           io.write(string.format('{{\"requests\":%d,\"duration_us\":%d,\"socket\":%d,\"timeout\":%d,\"status\":%d,\"p50\":%d,\"p99\":%d,\"max\":%d,\"codes\":{{%s}}}}\\n',\n    \
             s.requests, s.duration, e.connect + e.read + e.write, e.timeout, e.status,\n    \
             latency:percentile(50), latency:percentile(99), latency.max, table.concat(codes, \",\")))\nend\n",
        list.join(", "),
        // Counting each answer's status costs wrk throughput: only where the
        // statuses are the figure.
        if count_statuses {
            "response = function(status) statuses[status] = (statuses[status] or 0) + 1 end"
        } else {
            ""
        },
    );
    let lua = dir.join("paths.lua");
    std::fs::write(&lua, script).expect("the wrk script");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let out = Command::new("wrk")
        .args(["-t", &threads.to_string(), "-c", &connections.to_string()])
        .args(["-d", &format!("{seconds}s"), "--timeout", "30s", "-s"])
        .arg(&lua)
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .expect("wrk runs (make load installs Debian's wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| {
            panic!(
                "wrk printed no summary: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let v: serde_json::Value = serde_json::from_str(json).expect("wrk's summary is JSON");
    let n = |key: &str| v[key].as_u64().unwrap_or(0);
    Wrk {
        requests: n("requests"),
        seconds: n("duration_us") as f64 / 1e6,
        socket_errors: n("socket"),
        timeouts: n("timeout"),
        non_2xx: n("status"),
        statuses: v["codes"]
            .as_object()
            .map(|codes| {
                let mut all: Vec<(u16, u64)> = codes
                    .iter()
                    .filter_map(|(code, n)| Some((code.parse().ok()?, n.as_u64()?)))
                    .collect();
                all.sort_unstable();
                all
            })
            .unwrap_or_default(),
        p50_ms: n("p50") as f64 / 1e3,
        p99_ms: n("p99") as f64 / 1e3,
        max_ms: n("max") as f64 / 1e3,
    }
}

/// Established connections from the proxy to the TLS front on `port`.
fn upstream_connections(port: u16) -> usize {
    let out = Command::new("ss")
        .args(["-Htn", "state", "established"])
        .arg(format!("( dport = :{port} )"))
        .output()
        .expect("ss runs (iproute2)");
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// What was seen beside wrk, once a second: the site's own page (its status
/// and time) and the connections held upstream.
#[derive(Default)]
struct Watch {
    site_ok: usize,
    site_failed: usize,
    site_slowest_ms: f64,
    most_upstream_connections: usize,
}

impl Watch {
    /// The table row of the site's page, `when` it was asked for.
    fn row(&self, when: &str) -> String {
        format!(
            "| the site's page {when} | {} answered 200, {} failed, slowest {:.0} ms |\n",
            self.site_ok, self.site_failed, self.site_slowest_ms
        )
    }
}

/// Runs wrk for one scenario while watching the site and the upstream
/// connections.
async fn measure(
    stack: &Stack,
    connections: u64,
    paths: Vec<String>,
    count_statuses: bool,
) -> (Wrk, Watch) {
    let (dir, port, seconds) = (stack.dir.clone(), stack.port, seconds());
    let load = tokio::task::spawn_blocking(move || {
        run_wrk(&dir, port, connections, seconds, &paths, count_statuses)
    });
    let mut watch = Watch::default();
    let started = Instant::now();
    while !load.is_finished() && started.elapsed() < Duration::from_secs(seconds + 40) {
        let asked = Instant::now();
        let page = tokio::time::timeout(Duration::from_secs(5), stack.get("/", &[])).await;
        match page {
            Ok(reply) if reply.status == 200 => watch.site_ok += 1,
            _ => watch.site_failed += 1,
        }
        let ms = asked.elapsed().as_secs_f64() * 1e3;
        watch.site_slowest_ms = watch.site_slowest_ms.max(ms);
        watch.most_upstream_connections = watch
            .most_upstream_connections
            .max(upstream_connections(stack.tls_port));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    (load.await.expect("wrk finished"), watch)
}

/// Requests upstream for `batch` per second over `seconds`.
async fn upstream_rate(stack: &Stack, batch: &str, seconds: f64) -> (usize, f64) {
    let n = stack.upstream_saw(batch).await.len();
    (n, n as f64 / seconds)
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**not met**"
    }
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| {
            let text = [o.stdout, o.stderr].concat();
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|_| format!("{program}: not found"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load() {
    let stack = Stack::start("loadbench", Signer::Trusted).await;
    let (seconds, connections) = (seconds(), connections());
    let mut md = String::new();
    let nginx = command_line(nginx_binary(), &["-v"]).replace("nginx version: ", "");
    let wrk: String = command_line("wrk", &["-v"])
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(
        md,
        "# The proxy under load\n\n\
         Written by `make load` (`sim/tests/load.rs`). The shipped `deploy/nginx/nginx.conf`, \
         with only its paths and upstream changed as in `make test`, runs with {nginx} on a \
         {cores}-core machine, in front of a TLS front (a second nginx) and the simulated API \
         (`sim`), all on loopback. {wrk} runs on the same machine with {cores} threads, so \
         it takes CPU from nginx: these are lower bounds for a proxy on a machine of its own. \
         Each scenario lasts {seconds} s. Beside wrk, the test asks for the site's page once a \
         second and counts the proxy's connections to the API.\n"
    );

    // 1. One hot batch.
    let hot = "demo-load-hot".to_owned();
    let (w, watch) = measure(
        &stack,
        connections,
        vec![format!("/v1/api/batch-calls/{hot}")],
        false,
    )
    .await;
    let (n, rate) = upstream_rate(&stack, &hot, w.seconds).await;
    let _ = writeln!(
        md,
        "## One hot batch, {connections} connections\n\n\
         | figure | value |\n| --- | --- |\n\
         | requests served | {} ({:.0}/s) |\n{}\
         | upstream requests | {n} ({rate:.2}/s; target ≤ 1.1/s: {}) |\n{}",
        w.requests,
        w.per_second(),
        w.rows(),
        verdict(rate <= 1.1 && w.errors() == 0),
        watch.row("while loaded"),
    );
    println!("load: hot batch: {w:?}, upstream {n}");

    // 2. 100 batches, connections shared among them.
    let batches: Vec<String> = (1..=100).map(|i| format!("demo-load-many-{i}")).collect();
    let paths = batches
        .iter()
        .map(|b| format!("/v1/api/batch-calls/{b}"))
        .collect();
    let (w, watch) = measure(&stack, connections, paths, false).await;
    let mut rates = Vec::new();
    for batch in &batches {
        rates.push(upstream_rate(&stack, batch, w.seconds).await.1);
    }
    rates.sort_by(f64::total_cmp);
    let (least, median, most) = (rates[0], rates[rates.len() / 2], rates[rates.len() - 1]);
    let _ = writeln!(
        md,
        "## 100 batches, {connections} connections ({} each)\n\n\
         | figure | value |\n| --- | --- |\n\
         | requests served | {} ({:.0}/s, about {:.0}/s per batch) |\n{}\
         | upstream requests per batch, least / median / most | {least:.2} / {median:.2} / {most:.2} per s (target ≤ 1.1/s, and none starved, the least at 80 % of the median or more: {}) |\n{}",
        connections / 100,
        w.requests,
        w.per_second(),
        w.per_second() / 100.0,
        w.rows(),
        verdict(most <= 1.1 && least >= 0.8 * median && w.errors() == 0),
        watch.row("while loaded"),
    );
    println!("load: 100 batches: {w:?}, upstream per batch {least:.2}..{most:.2}");

    // 3 and 4: an upstream that hangs, and one that answers 500, each watched
    // by 100 viewers.
    for (batch, step, title) in [
        ("load-hang", r#"{"hang": true}"#, "The API hangs"),
        ("load-500", r#"{"status": 500}"#, "The API answers 500"),
    ] {
        stack.script(batch, &format!("[{step}]")).await;
        let viewers = 100.min(connections);
        let path = format!("/v1/api/batch-calls/{batch}");
        let (w, watch) = measure(&stack, viewers, vec![path.clone()], true).await;
        let (n, rate) = upstream_rate(&stack, batch, w.seconds).await;
        let probe = stack.get(&path, &[]).await;
        let _ = writeln!(
            md,
            "## {title}, {viewers} viewers\n\n\
             | figure | value |\n| --- | --- |\n\
             | answers | {} ({} not 2xx, {} with no answer within 30 s, {} socket errors) |\n\
             | answers by status | {} |\n{}\
             | what a viewer gets afterwards | HTTP {}, `X-Cache-Status: {}` |\n\
             | upstream requests | {n} ({rate:.2}/s; target ≤ 1/s: {}) |\n\
             | most connections held to the API at once | {} |\n{}",
            w.requests,
            w.non_2xx,
            w.timeouts,
            w.socket_errors,
            w.statuses
                .iter()
                .map(|(code, n)| format!("{code}: {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            w.latency_row(),
            probe.status,
            probe.header("x-cache-status").unwrap_or("–"),
            verdict(rate <= 1.0),
            watch.most_upstream_connections,
            watch.row("meanwhile"),
        );
        println!("load: {title}: {w:?}, upstream {n}, probe {}", probe.status);
    }

    let _ = writeln!(
        md,
        "## Reading the figures\n\n\
         - A cached answer is fresh for `proxy_cache_valid 1s`, which nginx counts in whole \
         seconds: an entry lives 1 to 2 s, so a busy batch costs the API about 0.5 to 0.6 \
         requests a second, never more than one.\n\
         - The API's errors are kept for that second too, and a hung API is asked once per \
         batch at a time: the hop to the API gives up after 8 s and its 504 is cached like \
         any answer, so the viewers waiting on the cache lock all get it.\n\
         - wrk, nginx, the TLS front and the sim share the 2 cores: the site's page is slower \
         under 1,000 busy connections than a proxy on its own machine would make it."
    );
    let out = repo_root().join("deploy/nginx/LOAD.md");
    std::fs::write(&out, md).expect("LOAD.md is writable");
    println!("load: wrote {}", out.display());
}
