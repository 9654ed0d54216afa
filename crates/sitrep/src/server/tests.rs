//! The API without a socket (`tower::ServiceExt::oneshot`), on a store built by `ingest`
//! from `examples/` plus the hostile fixture of the browser test. Cases are tables: one row
//! per filter, per error, per asset.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use clap::Parser;
use serde_json::Value;
use sitrep_store::Store;
use tower::ServiceExt;

use super::assets::ASSETS;
use super::{AppState, CSP, Config, IngestConfig, Limits, app};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The store every test reads: a shared in-memory SQLite database, built once per test
/// process by `sitrep ingest` and kept alive by one connection held here (nothing to clean).
const MEMORY_DB: &str = "file:sitrep-serve-tests?mode=memory&cache=shared";

struct Fixture {
    db: PathBuf,
}

fn fixture() -> Fixture {
    static KEEP: OnceLock<Mutex<Store>> = OnceLock::new();
    KEEP.get_or_init(|| {
        let keep = Store::open(Path::new(MEMORY_DB)).expect("memory store");
        let r = root();
        for input in [
            vec![
                r.join("examples").display().to_string(),
                "--manifest".into(),
                r.join("examples/manifest.jsonl").display().to_string(),
            ],
            vec![
                r.join("tests/browser/fixtures/hostile.jsonl")
                    .display()
                    .to_string(),
            ],
        ] {
            let mut args = vec!["sitrep".to_string(), "ingest".into()];
            args.extend(input);
            args.extend(["--db".into(), MEMORY_DB.into(), "--quiet".into()]);
            let cli = crate::cli::Cli::parse_from(&args);
            crate::commands::run(&cli).expect("ingest");
        }
        Mutex::new(keep)
    });
    Fixture {
        db: PathBuf::from(MEMORY_DB),
    }
}

fn server(f: &Fixture, config: Config) -> Router {
    let stores = (0..2)
        .map(|_| Store::open_read_only(&f.db).expect("open read-only"))
        .collect();
    app(AppState::new(stores, config))
}

fn read_only() -> Config {
    Config {
        ingest: None,
        limits: Limits {
            per_second: 1e6,
            burst: 1e6,
            ..Limits::default()
        },
        loopback_port: Some(8080),
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(app: &Router, uri: &str) -> Reply {
    let req = Request::get(uri)
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .expect("request");
    send(app, req).await
}

/// A page of a list endpoint, checked for shape.
async fn page(app: &Router, uri: &str) -> (usize, Vec<Value>) {
    let r = get(app, uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    let v = r.json();
    let items = v["items"].as_array().expect("items").clone();
    let total = v["total"].as_u64().expect("total") as usize;
    assert!(items.len() <= v["limit"].as_u64().expect("limit") as usize);
    (total, items)
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or("")
}

/// Each filter of the CLI, on events and incidents: it matches something, narrows, and every
/// item it lets through satisfies it.
#[tokio::test]
async fn filters_narrow_events_and_incidents() {
    let f = fixture();
    let app = server(&f, read_only());
    type Check = fn(&Value) -> bool;
    let rows: &[(&str, Check)] = &[
        ("from=2014-06-22", |v| s(v, "event_date") >= "2014-06-22"),
        ("to=2014-06-20", |v| {
            !s(v, "event_date").is_empty() && s(v, "event_date") <= "2014-06-20"
        }),
        ("from=2014-06-21&to=2014-06-21", |v| {
            s(v, "event_date") == "2014-06-21"
        }),
        ("country=IQ", |v| s(v, "country_code") == "IQ"),
        ("country=iraq", |v| s(v, "country") == "Iraq"),
        ("bbox=40.5,33.5,42.5,35", |v| {
            let (lon, lat) = (v["longitude"].as_f64(), v["latitude"].as_f64());
            lon.is_some_and(|x| (40.5..=42.5).contains(&x))
                && lat.is_some_and(|y| (33.5..=35.0).contains(&y))
        }),
        ("type=Battles", |v| s(v, "event_type") == "Battles"),
        ("type=Armed%20clash", |v| {
            s(v, "sub_event_type") == "Armed clash"
        }),
        ("actor=protesters", |v| {
            [s(v, "actor1"), s(v, "actor2")]
                .iter()
                .any(|a| a.to_lowercase().contains("protesters"))
        }),
        ("q=rawah", |v| {
            v.to_string().to_lowercase().contains("rawah")
        }),
        ("country=IQ&type=Battles&from=2014-06-21", |v| {
            s(v, "country_code") == "IQ"
                && s(v, "event_type") == "Battles"
                && s(v, "event_date") >= "2014-06-21"
        }),
    ];
    for endpoint in ["/api/events", "/api/incidents"] {
        let (all, _) = page(&app, &format!("{endpoint}?limit=0")).await;
        for (query, check) in rows {
            let uri = format!("{endpoint}?{query}&limit=1000");
            let (total, items) = page(&app, &uri).await;
            assert!(total > 0, "{uri}: matches nothing");
            assert!(total < all, "{uri}: does not narrow ({total} of {all})");
            assert_eq!(items.len(), total, "{uri}");
            for item in &items {
                assert!(check(item), "{uri}: let through {item}");
            }
        }
    }
}

/// The API agrees with the CLI's `Filter` on the store: same totals.
#[tokio::test]
async fn totals_match_the_store() {
    let f = fixture();
    let app = server(&f, read_only());
    let store = Store::open_read_only(&f.db).expect("open");
    let c = store.counts().expect("counts");
    assert_eq!(page(&app, "/api/events?limit=0").await.0, c.events);
    assert_eq!(page(&app, "/api/incidents?limit=0").await.0, c.incidents);
    assert_eq!(page(&app, "/api/claims?limit=0").await.0, c.claims);
    assert_eq!(
        page(&app, "/api/control?limit=0").await.0,
        c.control_periods
    );
    let meta = get(&app, "/api/meta").await.json();
    assert_eq!(meta["counts"]["incidents"], c.incidents);
    assert_eq!(meta["read_only"], true);
    assert_eq!(meta["first_day"], "2014-06-10");
}

#[tokio::test]
async fn pages_partition_the_list() {
    let f = fixture();
    let app = server(&f, read_only());
    for endpoint in [
        "/api/events",
        "/api/incidents",
        "/api/control",
        "/api/claims",
    ] {
        let (total, all) = page(&app, &format!("{endpoint}?limit=1000")).await;
        assert_eq!(all.len(), total, "{endpoint}");
        assert!(total >= 6, "{endpoint}: too few to page ({total})");
        let mut joined = Vec::new();
        for offset in (0..total + 3).step_by(3) {
            let (t, items) = page(&app, &format!("{endpoint}?limit=3&offset={offset}")).await;
            assert_eq!(t, total, "{endpoint}: total changes with the page");
            joined.extend(items);
        }
        assert_eq!(joined, all, "{endpoint}: pages do not add up to the list");
        let (_, default) = page(&app, endpoint).await;
        assert_eq!(default.len(), total.min(100), "{endpoint}: default limit");
    }
}

/// Every malformed or inapplicable request: its status and error code, as terse JSON.
#[tokio::test]
async fn errors_are_terse_json() {
    let f = fixture();
    let app = server(&f, read_only());
    let rows: &[(&str, &str, StatusCode, &str)] = &[
        (
            "GET",
            "/api/events?from=2014-13-01",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?from=yesterday",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?from=2014-06-25&to=2014-06-01",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/incidents?bbox=1,2,3",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/incidents?bbox=10,0,5,1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/incidents?bbox=0,0,1,91",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/incidents?bbox=a,b,c,d",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?limit=abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?limit=-1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?limit=1001",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?offset=x",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?format=xml",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?colour=red",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/events?q=a&q=b",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/timeline?limit=5",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/control?type=Battles",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/control?at=June",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/claims?verdict=maybe",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/claims?kind=speed",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/claims?format=csv",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/meta?verbose=1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/documents/x?full=1",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            "GET",
            "/api/incidents/inc-0000000000000000",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "GET",
            "/api/documents/no-such-document",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        ("GET", "/api/nothing", StatusCode::NOT_FOUND, "not_found"),
        ("GET", "/favicon.ico", StatusCode::NOT_FOUND, "not_found"),
        (
            "POST",
            "/api/events",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "DELETE",
            "/api/incidents",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "POST",
            "/",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "GET",
            "/api/ingest",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        ("POST", "/api/ingest", StatusCode::FORBIDDEN, "read_only"),
    ];
    for (method, uri, status, code) in rows {
        let req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(*uri)
            .body(Body::empty())
            .expect("request");
        let r = send(&app, req).await;
        assert_eq!(r.status, *status, "{method} {uri}: {}", r.text());
        assert!(
            r.header(header::CONTENT_TYPE)
                .starts_with("application/json")
        );
        let v = r.json();
        assert_eq!(v["error"], *code, "{method} {uri}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(
            v.as_object().map(|o| o.len()),
            Some(2),
            "{method} {uri}: {v}"
        );
    }
}

#[tokio::test]
async fn incident_detail_and_documents() {
    let f = fixture();
    let app = server(&f, read_only());
    let (_, incidents) = page(&app, "/api/incidents?limit=1000").await;
    for inc in &incidents {
        let id = s(inc, "incident_id");
        let d = get(&app, &format!("/api/incidents/{id}")).await;
        assert_eq!(d.status, StatusCode::OK, "{id}");
        let d = d.json();
        assert_eq!(d["incident"], *inc);
        assert_eq!(
            d["members"].as_array().map(Vec::len),
            inc["reports"].as_u64().map(|n| n as usize)
        );
        let docs: Vec<&str> = d["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .map(|x| s(x, "doc_id"))
            .collect();
        let sources: Vec<&str> = inc["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(docs, sources, "{id}");
    }
    // Every document's evidence spans lie on char boundaries and match the events' evidence.
    let (_, events) = page(&app, "/api/events?limit=1000").await;
    let mut doc_ids: Vec<&str> = events.iter().map(|e| s(e, "doc_id")).collect();
    doc_ids.dedup();
    for doc_id in doc_ids {
        let encoded: String = doc_id
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let d = get(&app, &format!("/api/documents/{encoded}")).await;
        assert_eq!(d.status, StatusCode::OK, "{doc_id}: {}", d.text());
        let d = d.json();
        assert_eq!(s(&d, "doc_id"), doc_id);
        let text = s(&d, "text");
        let spans = d["evidence"].as_array().expect("evidence");
        assert!(!spans.is_empty(), "{doc_id}: no evidence");
        for span in spans {
            let (a, b) = (
                span["start"].as_u64().expect("start") as usize,
                span["end"].as_u64().expect("end") as usize,
            );
            let piece = text
                .get(a..b)
                .unwrap_or_else(|| panic!("{doc_id}: bad span {span}"));
            let event = events
                .iter()
                .find(|e| e["event_id"] == span["event_id"])
                .expect("the span's event");
            assert!(
                event["evidence"]
                    .as_array()
                    .expect("evidence")
                    .iter()
                    .any(|ev| s(ev, "text") == piece),
                "{doc_id}: span {span} is not the event's evidence"
            );
        }
        // The raw (unencoded) id reaches the same document.
        if doc_id.contains('/') {
            let raw = get(&app, &format!("/api/documents/{doc_id}")).await;
            assert_eq!(raw.status, StatusCode::OK, "{doc_id} unencoded");
        }
    }
}

#[tokio::test]
async fn timeline_control_and_claims() {
    let f = fixture();
    let app = server(&f, read_only());
    let days = get(&app, "/api/timeline").await.json();
    let days = days["days"].as_array().expect("days").clone();
    let dates: Vec<&str> = days.iter().map(|d| s(d, "date")).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
    let sum: u64 = days.iter().filter_map(|d| d["incidents"].as_u64()).sum();
    let (_, incidents) = page(&app, "/api/incidents?limit=1000").await;
    let dated = incidents
        .iter()
        .filter(|i| !i["event_date"].is_null())
        .count();
    assert_eq!(sum as usize, dated);
    let narrowed = get(&app, "/api/timeline?from=2014-06-21&to=2014-06-22")
        .await
        .json();
    assert_eq!(
        narrowed["days"].as_array().map(Vec::len),
        Some(2),
        "{narrowed}"
    );

    let (all, periods) = page(&app, "/api/control?limit=1000").await;
    assert!(all > 0);
    let (before, _) = page(&app, "/api/control?at=2014-06-01").await;
    let (after, held) = page(&app, "/api/control?at=2014-06-25").await;
    assert!(
        before < after,
        "control grows over June 2014 ({before} → {after})"
    );
    for p in &held {
        assert!(p["since"].as_str().is_none_or(|d| d <= "2014-06-25"));
        assert!(p["until"].as_str().is_none_or(|d| d > "2014-06-25"));
    }
    let by_code = page(&app, "/api/control?country=IQ").await.0;
    let by_name = page(&app, "/api/control?country=Iraq").await.0;
    assert_eq!(by_code, by_name, "control by ISO code and by name");
    let holder = s(&periods[0], "holder").to_string();
    let (n, matched) = page(
        &app,
        &format!("/api/control?actor={}", holder.replace(' ', "%20")),
    )
    .await;
    assert!(
        n > 0
            && matched
                .iter()
                .all(|p| s(p, "holder") == holder || s(p, "previous_holder") == holder)
    );
    let (boxed, inside) = page(&app, "/api/control?bbox=40,33,41.5,35").await;
    assert!(boxed > 0 && boxed < all);
    assert!(inside.iter().all(|p| {
        let lon = p["place"]["longitude"].as_f64().unwrap_or(0.0);
        (40.0..=41.5).contains(&lon)
    }));

    let (n, bad) = page(&app, "/api/claims?verdict=inconsistent").await;
    assert!(n > 0 && bad.iter().all(|c| s(c, "verdict") == "inconsistent"));
    let (n, mine) = page(&app, "/api/claims?doc_id=hostile-wire-0623").await;
    assert_eq!(n, 1);
    assert_eq!(s(&mine[0], "doc_id"), "hostile-wire-0623");
    let (n, dist) = page(&app, "/api/claims?kind=distance").await;
    assert!(n > 0 && dist.iter().all(|c| s(c, "kind") == "distance"));
    // The filters pick incidents; their source documents' claims are shown.
    let (_, every) = page(&app, "/api/claims?limit=1000").await;
    for filter in [
        "q=hostile-wire",
        "q=inc-7cf05079c3a11969",
        "from=2014-06-22&to=2014-06-22",
        "bbox=40,33,41.5,35",
        "type=Battles&actor=islamic",
        "country=JO&type=Protests",
    ] {
        let (_, incidents) = page(&app, &format!("/api/incidents?{filter}&limit=1000")).await;
        let docs: std::collections::HashSet<&str> = incidents
            .iter()
            .flat_map(|i| i["sources"].as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        let expected: Vec<&Value> = every
            .iter()
            .filter(|c| docs.contains(s(c, "doc_id")))
            .collect();
        let (n, claims) = page(&app, &format!("/api/claims?{filter}&limit=1000")).await;
        assert_eq!(n, expected.len(), "{filter}");
        assert_eq!(claims.iter().collect::<Vec<_>>(), expected, "{filter}");
    }
    let (n, _) = page(&app, "/api/claims?q=hostile-wire&doc_id=hostile-wire-0623").await;
    assert_eq!(n, 1);
}

/// CSV and GeoJSON downloads hold everything the filter matches, in the CLI's formats.
#[tokio::test]
async fn exports() {
    let f = fixture();
    let app = server(&f, read_only());
    for (endpoint, filter) in [
        ("/api/events", "country=IQ&type=Battles"),
        ("/api/incidents", "from=2014-06-21"),
        ("/api/control", "at=2014-06-25"),
    ] {
        let (total, _) = page(&app, &format!("{endpoint}?{filter}&limit=0")).await;
        let csv = get(&app, &format!("{endpoint}?{filter}&format=csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.header(header::CONTENT_TYPE).starts_with("text/csv"));
        assert!(
            csv.header(header::CONTENT_DISPOSITION)
                .starts_with("attachment")
        );
        let mut reader = csv::Reader::from_reader(csv.body.as_ref());
        let rows = reader.records().count();
        if endpoint == "/api/control" {
            assert_eq!(rows, total, "{endpoint} CSV");
        } else {
            // ACLED's CSV leaves PLOVER-only records out.
            assert!(
                rows > 0 && rows <= total,
                "{endpoint} CSV: {rows} of {total}"
            );
            let header = reader.headers().expect("header").clone();
            assert_eq!(&header[0], "event_id_cnty");
        }
        let geo = get(&app, &format!("{endpoint}?{filter}&format=geojson")).await;
        assert_eq!(geo.header(header::CONTENT_TYPE), "application/geo+json");
        let v = geo.json();
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(
            v["features"].as_array().map(Vec::len),
            Some(total),
            "{endpoint}"
        );
    }
}

/// Every embedded asset is served with its type; the page carries the strict CSP.
#[tokio::test]
async fn assets_and_headers() {
    let f = fixture();
    let app = server(&f, read_only());
    for a in ASSETS {
        let r = get(&app, a.path).await;
        assert_eq!(r.status, StatusCode::OK, "{}", a.path);
        assert_eq!(r.header(header::CONTENT_TYPE), a.mime, "{}", a.path);
        assert_eq!(r.body.as_ref(), a.body, "{}", a.path);
    }
    let page = get(&app, "/").await;
    assert_eq!(page.header(header::CONTENT_SECURITY_POLICY), CSP);
    assert!(CSP.starts_with(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
         connect-src 'self'; frame-ancestors 'none'"
    ));
    assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(page.header(header::X_FRAME_OPTIONS), "DENY");
    // The page itself holds no inline script or style and names no other host.
    let html = page.text();
    for banned in ["<script>", "style=", "http://", "https://", "<style"] {
        assert!(!html.contains(banned), "index.html contains {banned}");
    }
    let err = get(&app, "/api/nothing").await;
    assert_eq!(
        err.header(header::CONTENT_SECURITY_POLICY),
        CSP,
        "errors too"
    );
    // Large assets go gzip-compressed when the client accepts it.
    let req = Request::get("/data/admin1.topojson")
        .header(header::ACCEPT_ENCODING, "gzip, deflate")
        .body(Body::empty())
        .expect("request");
    let z = send(&app, req).await;
    assert_eq!(z.header(header::CONTENT_ENCODING), "gzip");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(z.body.as_ref()),
        &mut plain,
    )
    .expect("gunzip");
    assert_eq!(
        plain.len(),
        include_bytes!("../../../../data/gazetteer/admin1.topojson").len()
    );
}

/// The OpenAPI description lists exactly the API's routes, and each endpoint takes exactly the
/// query parameters documented for it.
#[tokio::test]
async fn openapi_matches_the_routes() {
    let f = fixture();
    let app = server(&f, read_only());
    let spec = get(&app, "/openapi.json").await.json();
    let paths = spec["paths"].as_object().expect("paths");
    let documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut routes = vec![
        "/api/meta",
        "/api/events",
        "/api/incidents",
        "/api/incidents/{id}",
        "/api/timeline",
        "/api/control",
        "/api/claims",
        "/api/documents/{id}",
        "/api/ingest",
    ];
    let mut sorted = documented.clone();
    sorted.sort_unstable();
    routes.sort_unstable();
    assert_eq!(sorted, routes);
    let sample = |name: &str| match name {
        "from" | "to" | "at" => "2014-06-21",
        "bbox" => "38,30,45,37",
        "limit" => "5",
        "offset" => "1",
        "format" => "json",
        "verdict" => "inconsistent",
        "kind" => "distance",
        "type" => "Battles",
        "country" => "IQ",
        _ => "x",
    };
    for (path, item) in paths {
        let Some(op) = item.get("get") else { continue };
        let concrete = path.replace("{id}", "x");
        let params: Vec<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        let p = match p["$ref"].as_str() {
                            Some(r) => {
                                &spec["components"]["parameters"]
                                    [r.rsplit('/').next().unwrap_or("")]
                            }
                            None => p,
                        };
                        (p["in"] == "query").then(|| s(p, "name").to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        for name in &params {
            let r = get(&app, &format!("{concrete}?{name}={}", sample(name))).await;
            assert!(
                !r.text().contains("not a parameter"),
                "{path}: documented parameter {name} refused: {}",
                r.text()
            );
        }
        let r = get(&app, &format!("{concrete}?undocumented=1")).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{path} takes an undocumented parameter"
        );
    }
}

/// A document whose title, source, URL and text carry markup comes back as JSON strings,
/// unchanged, never as HTML.
#[tokio::test]
async fn hostile_document_is_data() {
    let f = fixture();
    let app = server(&f, read_only());
    let r = get(&app, "/api/documents/hostile-wire-0623").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    let d = r.json();
    assert!(s(&d, "title").starts_with("<script>window.__xss"));
    assert!(s(&d, "text").contains("<img src=x onerror="));
    assert!(s(&d, "url").starts_with("javascript:"));
    let fixture = std::fs::read_to_string(root().join("tests/browser/fixtures/hostile.jsonl"))
        .expect("fixture");
    let given: Value = serde_json::from_str(fixture.trim()).expect("fixture JSON");
    assert_eq!(
        d["text"], given["text"],
        "the text is stored and served unchanged"
    );
}

/// Host check, request size, URI length and rate limit.
#[tokio::test]
async fn guard_limits() {
    let f = fixture();
    let app = server(&f, read_only());
    let with_host = |host: &str| {
        Request::get("/api/meta")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        send(&app, with_host("localhost:8080")).await.status,
        StatusCode::OK
    );
    let r = send(&app, with_host("attacker.example:8080")).await;
    assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(r.json()["error"], "foreign_host");

    let long = format!("/api/events?q={}", "a".repeat(5000));
    assert_eq!(get(&app, &long).await.status, StatusCode::URI_TOO_LONG);
    let r = get(&app, &format!("/api/events?q={}", "a".repeat(600))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "overlong value");

    let big = Request::post("/api/events")
        .header(header::CONTENT_LENGTH, "1000000")
        .body(Body::from(vec![b'x'; 1_000_000]))
        .expect("request");
    let r = send(&app, big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"], "payload_too_large");

    let strict = server(
        &f,
        Config {
            limits: Limits {
                per_second: 0.001,
                burst: 3.0,
                ..Limits::default()
            },
            ..read_only()
        },
    );
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(get(&strict, "/api/meta").await.status);
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
    let r = get(&strict, "/api/meta").await;
    assert_eq!(r.header(header::RETRY_AFTER), "1");
}

/// Ingest needs the flag and the token; a wrong token never reaches the store. (The write
/// itself runs the binary: `tests/browser.rs` checks it over a socket.)
#[tokio::test]
async fn ingest_needs_the_token() {
    let f = fixture();
    let app = server(
        &f,
        Config {
            ingest: Some(IngestConfig {
                token: "correct-horse-battery-staple".into(),
                exe: PathBuf::from("/nonexistent/sitrep"),
                db: f.db.clone(),
            }),
            ..read_only()
        },
    );
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Bearer correct-horse-battery-stapl"),
        Some("correct-horse-battery-staple"),
    ] {
        let mut req = Request::post("/api/ingest");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let r = send(&app, req.body(Body::from("{}")).expect("request")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(r.json()["error"], "unauthorized");
    }
    let meta = get(&app, "/api/meta").await.json();
    assert_eq!(meta["read_only"], false);
    // The right token passes the check (and then fails on the missing executable).
    let req = Request::post("/api/ingest")
        .header(header::AUTHORIZATION, "Bearer correct-horse-battery-staple")
        .body(Body::from("{}"))
        .expect("request");
    assert_eq!(
        send(&app, req).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}
