//! What an operator watches (issue 15, item 5): `/metrics` in the Prometheus text format, and a
//! request id on every request and its log line.
//!
//! Requests are counted and timed by route template (`/api/v1/persons/{id}`, never the path a
//! client sent, which may hold a number or a name), method and status. At each scrape the
//! database gives the figures of the moment: people, open alerts, background jobs by kind and
//! status, the age of the last good backup, the pool's connections. `/metrics` opens only to
//! `Authorization: Bearer <HOSO_METRICS_TOKEN>`; without a configured token it is not there.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hoso_app::App;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};
use tracing::Instrument;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TimingLabels {
    method: String,
    route: String,
}

type Timings = Family<TimingLabels, Histogram, fn() -> Histogram>;

/// The request counters of this node (each node is scraped on its own).
pub struct Metrics {
    requests: Family<RouteLabels, Counter>,
    seconds: Timings,
}

fn request_buckets() -> Histogram {
    // 1 ms … 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Family::default(),
            seconds: Family::new_with_constructor(request_buckets as fn() -> Histogram),
        }
    }
}

/// Ids a client may send us to follow its request through our logs.
fn acceptable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    (!text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| text.to_string())
}

fn new_request_id() -> String {
    use rand::Rng;
    format!("{:016x}", rand::thread_rng().r#gen::<u64>())
}

/// Counts and times every request, gives it an id (the client's `X-Request-Id` when it is a
/// plain token, else a new one) that its log lines carry and the response returns, and logs one
/// line when it ends: method, route template, status, milliseconds.
pub async fn observe(metrics: Arc<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req.extensions().get::<MatchedPath>().map_or_else(
        || "(không có tuyến)".to_string(),
        |p| p.as_str().to_string(),
    );
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(acceptable_request_id)
        .unwrap_or_else(new_request_id);
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let mut response = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics
        .requests
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
            status: status.to_string(),
        })
        .inc();
    metrics
        .seconds
        .get_or_create(&TimingLabels { method, route })
        .observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(status, ms = elapsed.as_millis() as u64, "request");
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn same_secret(given: &str, expected: &str) -> bool {
    // Compared as digests: equal length, no early exit on the first differing byte of the token.
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// `GET /metrics`.
pub async fn scrape(
    State(app): State<App>,
    axum::Extension(metrics): axum::Extension<Arc<Metrics>>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = app.config().metrics_token.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given, token.expose()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Cần mã truy cập số liệu vận hành (HOSO_METRICS_TOKEN).\n",
        )
            .into_response();
    }
    match render(&app, &metrics).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics scrape failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

async fn render(app: &App, metrics: &Metrics) -> Result<String, String> {
    use prometheus_client::metrics::gauge::Gauge;
    let (figures, (open, idle)) = app.operational_figures().await.map_err(|e| e.to_string())?;
    let mut registry = Registry::with_prefix("hoso");
    registry.register(
        "http_requests",
        "Requests answered, by method, route template and status",
        metrics.requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer, by method and route template",
        metrics.seconds.clone(),
    );
    let gauge = |v: i64| {
        let g: Gauge = Gauge::default();
        g.set(v);
        g
    };
    registry.register("people", "Records held", gauge(figures.people));
    registry.register("alerts", "Open alerts", gauge(figures.alerts));
    let jobs = Family::<JobLabels, Gauge>::default();
    for (kind, status, n) in &figures.jobs {
        jobs.get_or_create(&JobLabels {
            kind: kind.clone(),
            status: status.clone(),
        })
        .set(*n);
    }
    registry.register("jobs", "Background jobs by kind and status", jobs);
    if let Some(at) = figures.last_backup_at {
        registry.register(
            "backup_age_seconds",
            "Seconds since the last good backup finished",
            gauge((app.now_ms() - at).max(0) / 1000),
        );
    }
    let pool = Family::<PoolLabels, Gauge>::default();
    pool.get_or_create(&PoolLabels {
        state: "open".into(),
    })
    .set(i64::from(open));
    pool.get_or_create(&PoolLabels {
        state: "idle".into(),
    })
    .set(idle as i64);
    registry.register("db_connections", "Database read-pool connections", pool);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).map_err(|e| e.to_string())?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_request_id_is_kept_only_when_it_is_a_plain_token() {
        let ok = HeaderValue::from_static("3f9a-b2_c");
        assert_eq!(acceptable_request_id(&ok).as_deref(), Some("3f9a-b2_c"));
        for bad in ["", "a b", "x\"y", &"a".repeat(65), "Nguyễn"] {
            let v = HeaderValue::from_bytes(bad.as_bytes()).unwrap();
            assert!(acceptable_request_id(&v).is_none(), "{bad:?}");
        }
        assert_eq!(new_request_id().len(), 16);
    }

    #[test]
    fn the_token_must_match_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", "abc"));
    }
}
