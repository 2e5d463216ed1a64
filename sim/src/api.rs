//! The HTTP side of the sim: the batch endpoint, CORS, the request log, the site.

use crate::demo::DemoBatch;
use crate::log::{Entry, RequestLog};
use crate::scenario::{Script, Step};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tower_http::services::ServeDir;

/// Everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    log: RequestLog,
    fixtures: Arc<PathBuf>,
    demos: Arc<Mutex<HashMap<String, Running>>>,
    demo_speed: f64,
    /// Scripted batches and how many requests each has answered.
    scenarios: Arc<Mutex<HashMap<String, (Script, usize)>>>,
    /// The stand-in portal's sessions: cookie value → user.
    sessions: Arc<Mutex<HashMap<String, String>>>,
}

/// A demo batch and when its clock started.
struct Running {
    batch: DemoBatch,
    started: Instant,
    epoch_ms: f64,
}

impl AppState {
    /// State serving fixtures from `fixtures`, playing demo batches at `demo_speed`.
    pub fn new(fixtures: PathBuf, demo_speed: f64) -> Self {
        AppState {
            log: RequestLog::new(),
            fixtures: Arc::new(fixtures),
            demos: Arc::default(),
            demo_speed,
            scenarios: Arc::default(),
            sessions: Arc::default(),
        }
    }

    /// The body of a demo batch now, starting its clock on first use.
    fn demo_status(&self, id: &str) -> serde_json::Value {
        self.with_demo(id, |batch, epoch_ms, elapsed| {
            batch.status(epoch_ms, elapsed)
        })
    }

    /// A page of a demo batch's calls now (see [`DemoBatch::calls_page`]).
    fn demo_calls(&self, id: &str, query: &CallsQuery) -> serde_json::Value {
        self.with_demo(id, |batch, epoch_ms, elapsed| {
            batch.calls_page(epoch_ms, elapsed, &query.status, query.page, query.limit)
        })
    }

    /// Cancels demo batch `id` now: the documented DELETE answer, or 409 when
    /// it has ended or was cancelled already.
    fn cancel_demo(&self, id: &str) -> Response {
        match self.with_demo(id, |batch, _, elapsed| batch.cancel(elapsed)) {
            Some(details) => {
                let dropped = details["cancelledCalls"].clone();
                Json(json!({
                    "batchId": id,
                    "status": "cancelled",
                    "message": format!("Batch cancelled: {dropped} queued calls dropped; calls in progress will finish."),
                    "details": details,
                }))
                .into_response()
            }
            None => error(
                StatusCode::CONFLICT,
                "Conflict",
                "The batch has already ended or was cancelled",
            ),
        }
    }

    /// Runs `read` on demo batch `id` with its clock (epoch ms at its start, and
    /// seconds played since), starting the clock on first use.
    fn with_demo<T>(&self, id: &str, read: impl FnOnce(&mut DemoBatch, f64, f64) -> T) -> T {
        let mut demos = crate::locked(&self.demos);
        let running = demos.entry(id.to_owned()).or_insert_with(|| Running {
            batch: DemoBatch::new(id),
            started: Instant::now(),
            epoch_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_millis() as f64),
        });
        read(
            &mut running.batch,
            running.epoch_ms,
            running.started.elapsed().as_secs_f64() * self.demo_speed,
        )
    }
}

/// The whole app: API routes first, then the built site for everything else.
pub fn router(state: AppState, site: &FsPath) -> Router {
    Router::new()
        .route("/v1/api/batch-calls/{id}", any(batch))
        // Some of the vendor's examples drop `/api`; serve both.
        .route("/v1/batch-calls/{id}", any(batch))
        .route("/v1/api/batch-calls/{id}/calls", any(calls))
        .route("/v1/batch-calls/{id}/calls", any(calls))
        .route("/__sim/requests", get(requests).delete(clear_requests))
        .route("/__sim/reset", axum::routing::post(reset))
        .route(
            "/__sim/scenarios/{id}",
            axum::routing::put(put_scenario)
                .delete(delete_scenario)
                // Scripts may carry large bodies (10,000 calls) for the benchmark.
                .layer(axum::extract::DefaultBodyLimit::max(64 << 20)),
        )
        .route(
            "/__sim/scenarios/{id}/{part}",
            axum::routing::put(put_part_scenario).delete(delete_part_scenario),
        )
        .route("/__sim/login", axum::routing::post(login))
        .route("/__sim/session", get(session))
        .route("/__sim/health", get(|| async { "ok" }))
        .route("/__sim/host-page", get(crate::pages::host_page))
        .fallback_service(ServeDir::new(site))
        .layer(axum::middleware::from_fn(crate::pages::site_headers))
        .with_state(state)
}

async fn requests(State(state): State<AppState>) -> Json<Vec<Entry>> {
    Json(state.log.entries())
}

async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.log.clear();
    StatusCode::NO_CONTENT
}

/// Forgets the request log and the scenarios, and restarts every demo batch's clock.
async fn reset(State(state): State<AppState>) -> StatusCode {
    state.log.clear();
    crate::locked(&state.demos).clear();
    crate::locked(&state.scenarios).clear();
    StatusCode::NO_CONTENT
}

/// Scripts the responses for batch `id` (see [`crate::scenario`]).
async fn put_scenario(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(script): Json<Script>,
) -> StatusCode {
    if script.steps.is_empty() {
        return StatusCode::UNPROCESSABLE_ENTITY;
    }
    crate::locked(&state.scenarios).insert(id, (script, 0));
    StatusCode::NO_CONTENT
}

/// Scripts the answers of one of batch `id`'s other requests only: `calls`
/// (without one, `/calls` follows the batch's own script) or `cancel` (its
/// DELETE).
async fn put_part_scenario(
    State(state): State<AppState>,
    Path((id, part)): Path<(String, String)>,
    Json(script): Json<Script>,
) -> StatusCode {
    if !matches!(part.as_str(), "calls" | "cancel") {
        return StatusCode::NOT_FOUND;
    }
    put_scenario(State(state), Path(format!("{id}/{part}")), Json(script)).await
}

async fn delete_part_scenario(
    State(state): State<AppState>,
    Path((id, part)): Path<(String, String)>,
) -> StatusCode {
    delete_scenario(State(state), Path(format!("{id}/{part}"))).await
}

async fn delete_scenario(State(state): State<AppState>, Path(id): Path<String>) -> StatusCode {
    crate::locked(&state.scenarios).remove(&id);
    StatusCode::NO_CONTENT
}

impl AppState {
    /// The next scripted step for `id`, if it is a scripted batch.
    fn next_step(&self, id: &str) -> Option<Step> {
        let mut scenarios = crate::locked(&self.scenarios);
        let (script, served) = scenarios.get_mut(id)?;
        let step = script.step(*served).cloned();
        *served += 1;
        step
    }
}

/// What a scripted success answers with: the batch's status, or a page of its
/// calls.
enum Served<'a> {
    Status,
    Calls(&'a CallsQuery),
    Cancel,
}

/// Answers one request as its scripted step says.
async fn scripted(
    state: &AppState,
    id: &str,
    step: Step,
    api_key: &str,
    served: Served<'_>,
) -> Response {
    if step.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(step.latency_ms)).await;
    }
    if step.hang {
        // Held until the client gives up; dropping the future closes the request.
        std::future::pending::<()>().await;
    }
    let status = StatusCode::from_u16(step.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
    let fixture_kind = match served {
        Served::Status | Served::Cancel => "status",
        Served::Calls(_) => "calls-page",
    };
    let mut response = if let Some(name) = &step.fixture {
        match read_fixture(state, fixture_kind, name).await {
            Some(body) => json_text(status, body),
            None => error(StatusCode::INTERNAL_SERVER_ERROR, "No such fixture", name),
        }
    } else if let Some(body) = &step.body {
        let content_type = step.content_type.as_deref().unwrap_or("application/json");
        (
            status,
            [(header::CONTENT_TYPE, content_type.to_owned())],
            body.replace("{apiKey}", api_key),
        )
            .into_response()
    } else if let Some(bytes) = step.big_bytes.filter(|_| step.chunked) {
        let body = Step::big_body(bytes).into_bytes();
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            Body::from_stream(futures_util::stream::iter(chunks)),
        )
            .into_response()
    } else if let Some(bytes) = step.big_bytes {
        json_text(status, Step::big_body(bytes))
    } else if step.html {
        let page = format!(
            "<html><head><title>{status}</title></head><body><h1>{status}</h1><hr>nginx</body></html>"
        );
        (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
    } else if status.is_client_error() || status.is_server_error() {
        error(
            status,
            status.canonical_reason().unwrap_or("Error"),
            "Scripted failure",
        )
    } else {
        match served {
            Served::Status => Json(state.demo_status(id)).into_response(),
            Served::Calls(query) => Json(state.demo_calls(id, query)).into_response(),
            Served::Cancel => state.cancel_demo(id),
        }
    };
    if let Some(value) = step
        .retry_after_value()
        .and_then(|v| HeaderValue::from_str(&v).ok())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    if step.cors == Some(false) {
        response
    } else {
        with_cors(response)
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Logs an API request (see [`crate::log`]) and reads its two headers: the
/// key, whether a workspace id came, and the request's open mark for
/// `batch_id` (held until the answer is sent).
fn record(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    batch_id: Option<&String>,
    headers: &HeaderMap,
    endpoint: &'static str,
) -> (Option<String>, bool, Option<crate::log::OpenRequest>) {
    let api_key = header_text(headers, "x-api-key");
    let has_workspace_id = header_text(headers, "x-workspace-id").is_some();
    let open = state.log.record(Entry {
        at_ms: 0,
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        endpoint,
        batch_id: batch_id.cloned(),
        has_api_key: api_key.is_some(),
        has_workspace_id,
        api_key: api_key.clone(),
        origin: header_text(headers, "origin"),
        overlapped: false,
    });
    (api_key, has_workspace_id, open)
}

/// The answer to an API request without both headers, as the API gives it.
fn missing_headers() -> Response {
    with_cors(error(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "The x-api-key and x-workspace-id headers are required",
    ))
}

async fn batch(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let endpoint = if method == Method::DELETE {
        "cancel"
    } else {
        "status"
    };
    let logged = method == Method::GET || method == Method::DELETE;
    let (api_key, has_workspace_id, _open) = record(
        &state,
        &method,
        &uri,
        logged.then_some(&id),
        &headers,
        endpoint,
    );
    if method == Method::OPTIONS {
        return with_cors(preflight());
    }
    if method != Method::GET && method != Method::DELETE {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "Use GET or DELETE",
        );
        response.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, DELETE, OPTIONS"),
        );
        return with_cors(response);
    }
    if api_key.is_none() || !has_workspace_id {
        return missing_headers();
    }
    let key = api_key.as_deref().unwrap_or_default();
    if method == Method::DELETE {
        // A script at `{id}/cancel` can make the DELETE fail or hang; a step
        // with no status cancels for real, after its latency.
        if let Some(step) = state.next_step(&format!("{id}/cancel")) {
            return scripted(&state, &id, step, key, Served::Cancel).await;
        }
        if id.starts_with("demo") {
            return with_cors(state.cancel_demo(&id));
        }
        return with_cors(error(
            StatusCode::NOT_FOUND,
            "Batch not found",
            &format!("No batch with id {id} in this workspace"),
        ));
    }
    if let Some(step) = state.next_step(&id) {
        return scripted(&state, &id, step, key, Served::Status).await;
    }
    with_cors(status_body(&state, &id).await)
}

/// The stand-in for a portal's session check, for the cancel proxy's tests:
/// `POST /__sim/login?user=NAME` issues a session cookie; `GET /__sim/session`
/// answers 200 with the user in `X-User` for a cookie it issued, 401 otherwise.
async fn login(State(state): State<AppState>, uri: Uri) -> Response {
    let user = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("user="))
        .filter(|u| !u.is_empty() && u.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or("operator")
        .to_owned();
    let token = {
        let mut sessions = crate::locked(&state.sessions);
        let token = format!("s{}x{}", sessions.len() + 1, state.log.now_ms());
        sessions.insert(token.clone(), user);
        token
    };
    let cookie = format!("sim_session={token}; Path=/; HttpOnly; SameSite=Strict");
    let mut response = Json(json!({ "session": token })).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn session(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = header_text(&headers, "cookie").and_then(|cookies| {
        cookies
            .split(';')
            .find_map(|c| c.trim().strip_prefix("sim_session=").map(str::to_owned))
    });
    let user = token.and_then(|t| crate::locked(&state.sessions).get(&t).cloned());
    match user.and_then(|u| HeaderValue::from_str(&u).ok()) {
        Some(user) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert("x-user", user);
            response
        }
        None => error(StatusCode::UNAUTHORIZED, "Unauthorized", "No valid session"),
    }
}

/// The query of `GET …/{id}/calls`, checked as the contract describes it.
pub struct CallsQuery {
    page: u64,
    limit: u64,
    status: String,
}

impl CallsQuery {
    /// Reads `page` (from 1), `limit` (1–100, default 20) and `status` (`all`
    /// unless one of the four call states); the message says what is wrong.
    fn parse(query: &str) -> Result<Self, String> {
        let mut parsed = CallsQuery {
            page: 1,
            limit: 20,
            status: "all".to_owned(),
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = || value.parse::<u64>().ok();
            match name {
                "page" => {
                    parsed.page = number()
                        .filter(|p| (1..=u64::from(u32::MAX)).contains(p))
                        .ok_or("page must be a positive whole number")?
                }
                "limit" => {
                    parsed.limit = number()
                        .filter(|l| (1..=100).contains(l))
                        .ok_or("limit must be between 1 and 100")?
                }
                "status" => {
                    if !["all", "waiting", "active", "completed", "failed"].contains(&value) {
                        return Err(
                            "status must be one of all, waiting, active, completed, failed".into(),
                        );
                    }
                    value.clone_into(&mut parsed.status);
                }
                _ => {}
            }
        }
        Ok(parsed)
    }
}

/// `GET …/{id}/calls`: a page of a batch's calls, with the same headers, CORS
/// and fault scripts as the status (a script at `{id}/calls` applies to it
/// alone).
async fn calls(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let logged = method == Method::GET;
    let (api_key, has_workspace_id, _open) = record(
        &state,
        &method,
        &uri,
        logged.then_some(&id),
        &headers,
        "calls",
    );
    if method == Method::OPTIONS {
        return with_cors(preflight());
    }
    if method != Method::GET {
        return with_cors(error(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "Use GET",
        ));
    }
    if api_key.is_none() || !has_workspace_id {
        return missing_headers();
    }
    let query = match CallsQuery::parse(uri.query().unwrap_or_default()) {
        Ok(query) => query,
        Err(message) => return with_cors(error(StatusCode::BAD_REQUEST, "Bad Request", &message)),
    };
    let step = state
        .next_step(&format!("{id}/calls"))
        .or_else(|| state.next_step(&id));
    if let Some(step) = step {
        let key = api_key.as_deref().unwrap_or_default();
        return scripted(&state, &id, step, key, Served::Calls(&query)).await;
    }
    if id.starts_with("demo") {
        return with_cors(Json(state.demo_calls(&id, &query)).into_response());
    }
    if let Some(name) = id.strip_prefix("fixture-") {
        if let Some(body) = read_fixture(&state, "calls-page", name).await {
            return with_cors(json_text(StatusCode::OK, body));
        }
    }
    with_cors(error(
        StatusCode::NOT_FOUND,
        "Batch not found",
        &format!("No batch with id {id} in this workspace"),
    ))
}

async fn status_body(state: &AppState, id: &str) -> Response {
    if id.starts_with("demo") {
        return Json(state.demo_status(id)).into_response();
    }
    if let Some(name) = id.strip_prefix("fixture-") {
        if let Some(body) = read_fixture(state, "status", name).await {
            return json_text(StatusCode::OK, body);
        }
    }
    error(
        StatusCode::NOT_FOUND,
        "Batch not found",
        &format!("No batch with id {id} in this workspace"),
    )
}

/// Reads `KIND-NAME.json` (`status-…` or `calls-page-…`) from the fixtures
/// folder; names are restricted so nothing outside it can be read.
async fn read_fixture(state: &AppState, kind: &str, name: &str) -> Option<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let path = state.fixtures.join(format!("{kind}-{name}.json"));
    tokio::fs::read_to_string(path).await.ok()
}

/// A response with a JSON body given as text, sent verbatim.
pub fn json_text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    )
        .into_response()
}

/// A documented error body `{error, message}`.
pub fn error(status: StatusCode, error: &str, message: &str) -> Response {
    (status, Json(json!({ "error": error, "message": message }))).into_response()
}

fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, DELETE, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("x-api-key, x-workspace-id, x-batch-cancel"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// Adds the headers a cross-origin page needs to read the response, including
/// `Retry-After`, which is not CORS-safelisted.
pub fn with_cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::CallsQuery;

    #[test]
    fn a_calls_query_takes_the_documented_defaults() {
        let query = CallsQuery::parse("").unwrap();
        assert_eq!(
            (query.page, query.limit, query.status.as_str()),
            (1, 20, "all")
        );
        let query = CallsQuery::parse("status=failed&limit=100&page=41&x=1").unwrap();
        assert_eq!(
            (query.page, query.limit, query.status.as_str()),
            (41, 100, "failed")
        );
    }

    #[test]
    fn a_bad_calls_query_says_what_is_wrong() {
        for (query, word) in [
            ("page=0", "page"),
            ("page=x", "page"),
            ("limit=101", "limit"),
            ("limit=0", "limit"),
            ("status=queued", "status"),
        ] {
            let message = CallsQuery::parse(query).err().expect(query);
            assert!(message.starts_with(word), "{query}: {message}");
        }
    }
}
