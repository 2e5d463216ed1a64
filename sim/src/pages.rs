//! What the sim adds to the static site: CORS on the widget files (so a page on
//! another origin can load them), the strict CSP on the strict-CSP example, and a
//! generated host page for testing the one-tag install across origins.

use axum::extract::{Query, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use std::collections::BTreeMap;

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
