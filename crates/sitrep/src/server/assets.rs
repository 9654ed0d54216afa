//! The page, its scripts, the vendored libraries (`web/vendor/`, written by
//! `scripts/vendor_web.sh`) and the basemap (Natural Earth via `data/gazetteer/`), all
//! compiled into the binary: the server reads no file and the page fetches nothing from
//! elsewhere.

use std::io::Write;
use std::sync::OnceLock;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::AppState;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    pub path: &'static str,
    pub mime: &'static str,
    pub body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $mime:expr, $file:literal) => {
        Asset {
            path: $path,
            mime: $mime,
            body: include_bytes!(concat!("../../../../", $file)),
        }
    };
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JSON: &str = "application/json";
const PNG: &str = "image/png";
const TEXT: &str = "text/plain; charset=utf-8";

pub const ASSETS: &[Asset] = &[
    asset!("/", HTML, "web/index.html"),
    asset!("/style.css", CSS, "web/style.css"),
    asset!("/app.js", JS, "web/app.js"),
    asset!("/js/api.js", JS, "web/js/api.js"),
    asset!("/js/dom.js", JS, "web/js/dom.js"),
    asset!("/js/map.js", JS, "web/js/map.js"),
    asset!("/js/timeline.js", JS, "web/js/timeline.js"),
    asset!("/js/panel.js", JS, "web/js/panel.js"),
    asset!("/js/control.js", JS, "web/js/control.js"),
    asset!("/vendor/leaflet.js", JS, "web/vendor/leaflet.js"),
    asset!("/vendor/leaflet.css", CSS, "web/vendor/leaflet.css"),
    asset!(
        "/vendor/leaflet.markercluster.js",
        JS,
        "web/vendor/leaflet.markercluster.js"
    ),
    asset!(
        "/vendor/MarkerCluster.css",
        CSS,
        "web/vendor/MarkerCluster.css"
    ),
    asset!(
        "/vendor/MarkerCluster.Default.css",
        CSS,
        "web/vendor/MarkerCluster.Default.css"
    ),
    asset!(
        "/vendor/topojson-client.min.js",
        JS,
        "web/vendor/topojson-client.min.js"
    ),
    asset!(
        "/vendor/images/layers.png",
        PNG,
        "web/vendor/images/layers.png"
    ),
    asset!(
        "/vendor/images/layers-2x.png",
        PNG,
        "web/vendor/images/layers-2x.png"
    ),
    asset!(
        "/vendor/images/marker-icon.png",
        PNG,
        "web/vendor/images/marker-icon.png"
    ),
    asset!(
        "/vendor/images/marker-icon-2x.png",
        PNG,
        "web/vendor/images/marker-icon-2x.png"
    ),
    asset!(
        "/vendor/images/marker-shadow.png",
        PNG,
        "web/vendor/images/marker-shadow.png"
    ),
    asset!(
        "/vendor/licenses/leaflet-LICENSE.txt",
        TEXT,
        "web/vendor/licenses/leaflet-LICENSE.txt"
    ),
    asset!(
        "/vendor/licenses/leaflet.markercluster-LICENSE.txt",
        TEXT,
        "web/vendor/licenses/leaflet.markercluster-LICENSE.txt"
    ),
    asset!(
        "/vendor/licenses/topojson-client-LICENSE.txt",
        TEXT,
        "web/vendor/licenses/topojson-client-LICENSE.txt"
    ),
    asset!(
        "/data/countries-50m.topojson",
        JSON,
        "data/gazetteer/countries-50m.topojson"
    ),
    asset!(
        "/data/admin1.topojson",
        JSON,
        "data/gazetteer/admin1.topojson"
    ),
    asset!("/data/LICENSE.md", TEXT, "data/gazetteer/LICENSE.md"),
    asset!(
        "/openapi.json",
        JSON,
        "crates/sitrep/src/server/openapi.json"
    ),
];

/// Files larger than this go out gzip-compressed to clients that accept it.
const GZIP_OVER: usize = 32 * 1024;

/// Adds a GET route per asset.
pub fn routes(mut router: Router<AppState>) -> Router<AppState> {
    for (i, a) in ASSETS.iter().enumerate() {
        router = router.route(a.path, get(move |h: HeaderMap| async move { serve(i, &h) }));
    }
    router
}

fn serve(i: usize, headers: &HeaderMap) -> Response {
    let a = &ASSETS[i];
    let gzip_ok = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let (body, gzipped) = match gzipped(i) {
        Some(z) if gzip_ok => (z, true),
        _ => (a.body, false),
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.mime));
    // The page and its scripts change with the binary; revalidating costs nothing on loopback.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    res
}

/// The gzip form of a large asset, compressed once on first use.
fn gzipped(i: usize) -> Option<&'static [u8]> {
    static CACHE: OnceLock<Vec<OnceLock<Option<Vec<u8>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| ASSETS.iter().map(|_| OnceLock::new()).collect());
    cache[i]
        .get_or_init(|| {
            let body = ASSETS[i].body;
            if body.len() <= GZIP_OVER || ASSETS[i].mime == PNG {
                return None;
            }
            let mut z = GzEncoder::new(Vec::new(), Compression::default());
            z.write_all(body).ok()?;
            z.finish().ok()
        })
        .as_deref()
}
