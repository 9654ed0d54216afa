//! The one error type of the HTTP API: a status and a terse JSON body
//! `{"error": code, "message": text}`; the detail of internal errors goes to stderr only.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    /// A parameter that does not parse or does not apply.
    BadRequest(String),
    NotFound(String),
    MethodNotAllowed,
    /// No or a wrong bearer token.
    Unauthorized,
    /// Writing is not enabled on this server.
    ReadOnly,
    PayloadTooLarge(usize),
    UriTooLong,
    TooManyRequests,
    /// A Host header that is not this server's loopback address (DNS rebinding).
    ForeignHost,
    /// Logged in full, shown as "internal error".
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed here".into(),
            ),
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is required".into(),
            ),
            Self::ReadOnly => (
                StatusCode::FORBIDDEN,
                "read_only",
                "this server is read-only (start it with --allow-ingest and a token)".into(),
            ),
            Self::PayloadTooLarge(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body exceeds {max} bytes"),
            ),
            Self::UriTooLong => (
                StatusCode::URI_TOO_LONG,
                "uri_too_long",
                "the request URI is too long".into(),
            ),
            Self::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "slow down".into(),
            ),
            Self::ForeignHost => (
                StatusCode::MISDIRECTED_REQUEST,
                "foreign_host",
                "this server answers only to its own address".into(),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(e) = &self {
            eprintln!("sitrep serve: error: {e:#}");
        }
        let (status, code, message) = self.parts();
        let mut res = (
            status,
            axum::Json(json!({"error": code, "message": message})),
        )
            .into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        res
    }
}

impl From<sitrep_store::Error> for ApiError {
    fn from(e: sitrep_store::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
