//! What the sim adds to the static site: CORS on the widget files (so a page on
//! another origin can load them), the strict CSP on the strict-CSP example, and a
//! generated host page for testing the one-tag install across origins.

use axum::extract::{Query, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// The static site's own policy, made at start-up from the API origins its
/// `index.html` allows (see [`site_csp`]).
static SITE_CSP: OnceLock<HeaderValue> = OnceLock::new();

/// The API origins the site's page sends keys to: its
/// `<meta name="batch-status-api-origins">` read by the same rule the page
/// itself uses (`config::allowed_origins`, the vendor's API when it is absent).
pub fn allowed_api_origins(index_html: &str) -> Vec<String> {
    let setting = index_html
        .split_once("name=\"batch-status-api-origins\"")
        .and_then(|(_, rest)| rest.split("content=\"").nth(1))
        .and_then(|content| content.split('"').next());
    batch_status_widget::config::allowed_origins(setting)
}

/// The CSP the site is served with: strict, and `connect-src` exactly its own
/// origin plus the API origins its `index.html` sends keys to.
pub fn site_csp(index_html: &str) -> String {
    let origins = allowed_api_origins(index_html).join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self' {origins}; img-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Reads the site's `index.html` once, for the policy of its page.
pub fn load_site_csp(site: &Path) {
    let html = std::fs::read_to_string(site.join("index.html")).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&site_csp(&html)) {
        let _ = SITE_CSP.set(value);
    }
}

/// The policy a host needs, as documented in the README: no `unsafe-inline`.
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the site's response headers.
pub async fn site_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if path.starts_with("/v1/") {
        // The API sets its own CORS headers (or, scripted, leaves them out).
        return response;
    }
    let headers = response.headers_mut();
    // Module scripts and wasm from another origin need CORS.
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if path.ends_with("strict-csp.html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        );
    } else if path == "/" || path == "/index.html" {
        if let Some(policy) = SITE_CSP.get() {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
        }
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `GET /__sim/host-page?src=URL&batch-id=…`: a page that installs the widget
/// exactly as the README says, one script tag and one element, loading the
/// script from `src` (another origin, in the tests). Other parameters become
/// attributes of the element.
pub async fn host_page(Query(params): Query<BTreeMap<String, String>>) -> impl IntoResponse {
    let src = params.get("src").map_or("/batch-status.js", String::as_str);
    let attributes: String = params
        .iter()
        .filter(|(name, _)| {
            name.as_str() != "src" && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
        .map(|(name, value)| format!(" {name}=\"{}\"", escape(value)))
        .collect();
    Html(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Host page</title>\n<link rel=\"icon\" href=\"data:,\">\n<script type=\"module\" src=\"{}\"></script>\n</head>\n\
         <body>\n<h1>A host page on another origin</h1>\n\
         <batch-status{attributes}></batch-status>\n</body>\n</html>\n",
        escape(src)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_policy_connects_to_exactly_the_origins_its_page_allows() {
        let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../index.html"))
            .expect("index.html");
        let origins = allowed_api_origins(&html);
        assert_eq!(origins, ["https://api.trillet.ai"]);
        assert!(site_csp(&html).contains("connect-src 'self' https://api.trillet.ai;"));
    }
}
