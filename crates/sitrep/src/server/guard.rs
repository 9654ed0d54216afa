//! What every request passes before routing: a URI length cap, the Host check (against DNS
//! rebinding when bound to loopback), the declared body size, and a token-bucket rate limit.
//! Bodies without a declared length are capped by `RequestBodyLimitLayer` inside.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, AppState};

/// A token bucket: `capacity` requests at once, refilled at the configured rate.
#[derive(Debug)]
pub struct Bucket {
    tokens: f64,
    capacity: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(capacity: f64, now: Instant) -> Self {
        Self {
            tokens: capacity,
            capacity,
            last: now,
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, per_second: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match check(&state, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn check(state: &AppState, req: &Request) -> Result<(), ApiError> {
    let limits = state.config().limits;
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > limits.uri_bytes {
        return Err(ApiError::UriTooLong);
    }
    if let Some(port) = state.config().loopback_port {
        // A request without Host (HTTP/1.0) cannot have been rebound by name.
        if let Some(host) = req.headers().get(header::HOST) {
            let host = host.to_str().unwrap_or("");
            if !is_loopback_host(host, port) {
                return Err(ApiError::ForeignHost);
            }
        }
    }
    let max_body = if req.uri().path() == "/api/ingest" {
        limits.ingest_bytes
    } else {
        limits.body_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return Err(ApiError::PayloadTooLarge(max_body));
    }
    let mut bucket = state.inner.bucket.lock().unwrap_or_else(|p| p.into_inner());
    if !bucket.take(limits.per_second, Instant::now()) {
        return Err(ApiError::TooManyRequests);
    }
    Ok(())
}

/// `127.0.0.1:port`, `localhost:port` or `[::1]:port` (the port may be left out only when it
/// is the scheme's default, which a loopback server on port 80 would have).
pub fn is_loopback_host(host: &str, port: u16) -> bool {
    let (name, given) = match host.rsplit_once(':') {
        Some((n, p)) if !n.is_empty() && !p.contains(']') => (n, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    given == Some(port)
        && matches!(
            name.to_ascii_lowercase().as_str(),
            "127.0.0.1" | "localhost" | "[::1]"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for (host, ok) in [
            ("127.0.0.1:8080", true),
            ("localhost:8080", true),
            ("LOCALHOST:8080", true),
            ("[::1]:8080", true),
            ("127.0.0.1:8081", false),
            ("127.0.0.1", false),
            ("[::1]", false),
            ("evil.example:8080", false),
            ("127.0.0.1.evil.example:8080", false),
            ("", false),
        ] {
            assert_eq!(is_loopback_host(host, 8080), ok, "{host}");
        }
        assert!(is_loopback_host("localhost", 80));
    }

    #[test]
    fn bucket_refills_at_the_rate() {
        let t0 = Instant::now();
        let mut b = Bucket::new(2.0, t0);
        assert!(b.take(1.0, t0));
        assert!(b.take(1.0, t0));
        assert!(!b.take(1.0, t0));
        assert!(b.take(1.0, t0 + std::time::Duration::from_millis(1100)));
        assert!(!b.take(1.0, t0 + std::time::Duration::from_millis(1100)));
    }
}
