//! `sitrep serve`: the JSON API of contract §6 and the offline map page, as one axum
//! [`Router`] built by [`app`] from an [`AppState`].
//!
//! - `api`: the handlers, one per endpoint; `params`: query strings into the store's
//!   [`sitrep_store::Filter`] and pages; `errors`: the one error type, rendered as terse JSON.
//! - `assets`: the page, its vendored libraries and the basemap, embedded in the binary.
//! - `guard`: what every request passes first: URI length, Host, declared body size, rate.
//! - `openapi.json`: the API's description, served at `/openapi.json`.
//!
//! The store is read through a few read-only connections; handlers run their queries on the
//! blocking pool. Writing (`POST /api/ingest`) exists only when the state carries an
//! [`IngestConfig`]; it runs `sitrep ingest -` as a child process, one at a time.

mod api;
mod assets;
mod errors;
mod guard;
mod params;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use sitrep_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use errors::{ApiError, ApiResult};

/// The page's Content-Security-Policy: nothing but this origin, no inline script or style.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                       script-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
                       base-uri 'none'; form-action 'self'; object-src 'none'";

/// How a server may be used.
#[derive(Debug, Clone)]
pub struct Config {
    /// Writes allowed, and how.
    pub ingest: Option<IngestConfig>,
    pub limits: Limits,
    /// When bound to loopback: the port, so that only `127.0.0.1:port`, `localhost:port` and
    /// `[::1]:port` are accepted as Host (a page on another site cannot rebind its name to us).
    pub loopback_port: Option<u16>,
}

/// `POST /api/ingest`: the bearer token and the command that ingests.
#[derive(Clone)]
pub struct IngestConfig {
    pub token: String,
    /// The `sitrep` executable (run as `EXE ingest - --db DB`).
    pub exe: PathBuf,
    pub db: PathBuf,
}

impl std::fmt::Debug for IngestConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IngestConfig")
            .field("token", &"…")
            .field("exe", &self.exe)
            .field("db", &self.db)
            .finish()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body of any request but ingest (the API reads no other body).
    pub body_bytes: usize,
    /// Largest ingest body (JSONL documents).
    pub ingest_bytes: usize,
    pub uri_bytes: usize,
    /// Requests per second, sustained, and the burst allowed above it.
    pub per_second: f64,
    pub burst: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            body_bytes: 16 * 1024,
            ingest_bytes: 16 * 1024 * 1024,
            uri_bytes: 4096,
            per_second: 50.0,
            burst: 200.0,
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    stores: Vec<Mutex<Store>>,
    next: AtomicUsize,
    config: Config,
    bucket: Mutex<guard::Bucket>,
    /// Held while an ingest runs: one at a time.
    ingesting: tokio::sync::Mutex<()>,
}

impl AppState {
    /// `stores`: one or more connections to the same store (opened read-only for serving).
    pub fn new(stores: Vec<Store>, config: Config) -> Self {
        assert!(!stores.is_empty(), "AppState needs a store connection");
        let bucket = guard::Bucket::new(config.limits.burst, Instant::now());
        Self {
            inner: Arc::new(Inner {
                stores: stores.into_iter().map(Mutex::new).collect(),
                next: AtomicUsize::new(0),
                config,
                bucket: Mutex::new(bucket),
                ingesting: tokio::sync::Mutex::new(()),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Runs `f` on a free store connection, on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || f(&state.store()))
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("store task failed: {e}")))?
    }

    /// A free connection if there is one, else the next in turn (waiting for it).
    fn store(&self) -> MutexGuard<'_, Store> {
        let stores = &self.inner.stores;
        for s in stores {
            if let Ok(g) = s.try_lock() {
                return g;
            }
        }
        let i = self.inner.next.fetch_add(1, Ordering::Relaxed) % stores.len();
        // A panic while reading leaves the connection usable: reads change nothing.
        stores[i].lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The whole application: API, page and assets, behind the guard and the security headers.
pub fn app(state: AppState) -> Router {
    let limits = state.config().limits;
    let api = Router::new()
        .route("/api/meta", get(api::meta))
        .route("/api/events", get(api::events))
        .route("/api/incidents", get(api::incidents))
        .route("/api/incidents/{id}", get(api::incident))
        .route("/api/timeline", get(api::timeline))
        .route("/api/control", get(api::control))
        .route("/api/claims", get(api::claims))
        .route("/api/documents/{*id}", get(api::document))
        .route("/api/ingest", post(api::ingest));
    assets::routes(api)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(limits.ingest_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(header_layer(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ))
        .with_state(state)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}
