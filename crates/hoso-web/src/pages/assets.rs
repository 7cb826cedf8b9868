//! Static files, embedded in the binary and served with long cache lifetimes: their URLs change
//! whenever their content does (the htmx file name carries its version; the stylesheet URL
//! carries a hash of its content).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};

pub const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";
const HTMX: &[u8] = include_bytes!("../../static/vendor/htmx-2.0.11.min.js");
const CSS: &str = include_str!("../../static/app.css");
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The stylesheet URL with a content hash, so a new build never serves a stale sheet.
pub fn css_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let hash = hex::encode(Sha256::digest(CSS.as_bytes()));
        format!("/static/app.css?v={}", &hash[..12])
    })
}

pub async fn htmx() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        HTMX,
    )
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        CSS,
    )
}
