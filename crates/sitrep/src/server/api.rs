//! The JSON API (contract §6), one handler per endpoint; `openapi.json` describes each.
//!
//! Lists answer `{"total", "offset", "limit", "items"}`; `format=csv|geojson` turns events,
//! incidents and control into a download of everything the filter matches (the CLI's
//! writers, so the files equal `sitrep events --format csv` and the like).

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sitrep_model::{Claim, ControlPeriod};
use sitrep_store::{Filter, Store, StoredDocument};

use super::params::{FILTER, Format, PAGE, Page, Params};
use super::{ApiError, ApiResult, AppState, IngestConfig};
use crate::cli::EventFormat;
use crate::commands::store_read;

type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// `GET /api/meta`: what the store holds and what this server allows.
pub async fn meta(State(s): State<AppState>, p: Params) -> ApiResult<Json<Value>> {
    p.only(&[])?;
    let writable = s.config().ingest.is_some();
    s.read(move |store| {
        let c = store.counts()?;
        let days = store.incident_days(&Filter::default())?;
        Ok(Json(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "counts": {"documents": c.documents, "events": c.events, "incidents": c.incidents,
                       "control_periods": c.control_periods, "claims": c.claims},
            "first_day": days.first().map(|d| d.date),
            "last_day": days.last().map(|d| d.date),
            "read_only": !writable,
            "limits": {"max_limit": super::params::MAX_LIMIT,
                       "max_export": super::params::MAX_EXPORT},
        })))
    })
    .await
}

/// `GET /api/events`: event records (contract §3).
pub async fn events(State(s): State<AppState>, p: Params) -> ApiResult<Response> {
    p.only(&[FILTER, PAGE, &["format"]])?;
    let (filter, format) = (p.filter()?, p.format()?);
    let page = p.page(format)?;
    s.read(move |store| {
        let filter = paged(filter, page);
        match format {
            Format::Json => {
                let total = store.count_events(&filter)?;
                let mut items = Vec::new();
                store.events(&filter, &mut |e| -> Result<(), SinkError> {
                    items.push(e.record);
                    Ok(())
                })?;
                Ok(list(total, page, items))
            }
            Format::Export(f) => download("events", f, |out| {
                store_read::write_events(store, &filter, f, out).map(drop)
            }),
        }
    })
    .await
}

/// `GET /api/incidents`: incidents (contract §5).
pub async fn incidents(State(s): State<AppState>, p: Params) -> ApiResult<Response> {
    p.only(&[FILTER, PAGE, &["format"]])?;
    let (filter, format) = (p.filter()?, p.format()?);
    let page = p.page(format)?;
    s.read(move |store| {
        let filter = paged(filter, page);
        match format {
            Format::Json => {
                let total = store.count_incidents(&filter)?;
                let mut items = Vec::new();
                store.incidents(&filter, &mut |i| -> Result<(), SinkError> {
                    items.push(i.incident);
                    Ok(())
                })?;
                Ok(list(total, page, items))
            }
            Format::Export(f) => download("incidents", f, |out| {
                store_read::write_incidents(store, &filter, f, out).map(drop)
            }),
        }
    })
    .await
}

/// `GET /api/incidents/{id}`: one incident, its reports with the reason each joined, and
/// the documents behind them.
pub async fn incident(
    State(s): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult<Json<Value>> {
    p.only(&[])?;
    s.read(move |store| {
        let Some(d) = store.incident_detail(&id)? else {
            return Err(ApiError::NotFound(format!("no incident {id}")));
        };
        let members: Vec<Value> = d
            .members
            .iter()
            .map(|(record, why)| json!({"record": record, "explanation": why}))
            .collect();
        let mut documents = Vec::new();
        for doc_id in &d.incident.sources {
            if let Some(doc) = store.document(doc_id)? {
                documents.push(document_summary(&doc));
            }
        }
        Ok(Json(json!({
            "incident": d.incident,
            "members": members,
            "documents": documents,
        })))
    })
    .await
}

fn document_summary(d: &StoredDocument) -> Value {
    let flagged = d
        .claims
        .iter()
        .filter(|c| c.verdict == sitrep_model::Verdict::Inconsistent)
        .count();
    json!({
        "doc_id": d.doc_id, "title": d.title, "published": d.published, "source": d.source,
        "url": d.url, "claims": d.claims.len(), "inconsistent_claims": flagged,
    })
}

/// `GET /api/timeline`: dated incidents per day.
pub async fn timeline(State(s): State<AppState>, p: Params) -> ApiResult<Json<Value>> {
    p.only(&[FILTER])?;
    let filter = p.filter()?;
    s.read(move |store| {
        let days: Vec<Value> = store
            .incident_days(&filter)?
            .into_iter()
            .map(|d| json!({"date": d.date, "incidents": d.incidents, "fatalities": d.fatalities}))
            .collect();
        Ok(Json(json!({"days": days})))
    })
    .await
}

/// `GET /api/control`: control periods, all of them or those in force `at` a day.
pub async fn control(State(s): State<AppState>, p: Params) -> ApiResult<Response> {
    p.only(&[
        &["at", "from", "to", "country", "bbox", "actor", "q"],
        PAGE,
        &["format"],
    ])?;
    let (at, filter, format) = (p.date("at")?, p.filter()?, p.format()?);
    let page = p.page(format)?;
    s.read(move |store| {
        let countries = country_names(store, filter.country.as_deref())?;
        let all: Vec<ControlPeriod> = store
            .control_periods(at, None)?
            .into_iter()
            .filter(|c| control_matches(c, &filter, &countries))
            .collect();
        let total = all.len();
        let items: Vec<ControlPeriod> =
            all.into_iter().skip(page.offset).take(page.limit).collect();
        match format {
            Format::Json => Ok(list(total, page, items)),
            Format::Export(f) => download("control", f, |out| {
                store_read::write_control(&items, f, out)
            }),
        }
    })
    .await
}

/// The names a `country` filter stands for: itself, and for an ISO code the country's name
/// as the store spells it (control places carry names only).
fn country_names(store: &Store, country: Option<&str>) -> ApiResult<Vec<String>> {
    let Some(c) = country else {
        return Ok(Vec::new());
    };
    let mut names = vec![c.to_lowercase()];
    let probe = Filter {
        country: Some(c.to_string()),
        limit: Some(1),
        ..Filter::default()
    };
    store.incidents(&probe, &mut |i| -> Result<(), SinkError> {
        names.extend(i.incident.event.country.map(|n| n.to_lowercase()));
        Ok(())
    })?;
    Ok(names)
}

fn control_matches(c: &ControlPeriod, f: &Filter, countries: &[String]) -> bool {
    let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
    let place = &c.place;
    f.from.is_none_or(|from| c.until.is_none_or(|u| u > from))
        && f.to.is_none_or(|to| c.since.is_none_or(|s| s <= to))
        && f.bbox.is_none_or(|[w, s, e, n]| {
            (w..=e).contains(&place.longitude) && (s..=n).contains(&place.latitude)
        })
        && (countries.is_empty()
            || place
                .country
                .as_ref()
                .is_some_and(|n| countries.contains(&n.to_lowercase())))
        && f.actor.as_deref().is_none_or(|a| {
            contains(&c.holder, a) || c.previous_holder.as_deref().is_some_and(|p| contains(p, a))
        })
        && f.q.as_deref().is_none_or(|q| {
            [
                Some(place.location.as_str()),
                place.admin1.as_deref(),
                place.country.as_deref(),
                Some(c.holder.as_str()),
            ]
            .into_iter()
            .flatten()
            .any(|s| contains(s, q))
        })
}

/// `GET /api/claims`: checked claims. Claims have no date or place of their own: the filters
/// keep the claims of the documents behind the matching incidents (what the map shows).
pub async fn claims(State(s): State<AppState>, p: Params) -> ApiResult<Response> {
    p.only(&[FILTER, PAGE, &["doc_id", "verdict", "kind"]])?;
    let filter = p.filter()?;
    let page = p.page(Format::Json)?;
    let doc_id = p.get("doc_id").map(str::to_string);
    let verdict = p
        .get("verdict")
        .map(|v| enum_value("verdict", v))
        .transpose()?;
    let kind = p.get("kind").map(|v| enum_value("kind", v)).transpose()?;
    s.read(move |store| {
        let docs: Option<HashSet<String>> = if filter == Filter::default() {
            None
        } else {
            let mut set = HashSet::new();
            store.incidents(&filter, &mut |i| -> Result<(), SinkError> {
                set.extend(i.incident.sources);
                Ok(())
            })?;
            Some(set)
        };
        let all: Vec<Claim> = store
            .claims()?
            .into_iter()
            .filter(|c| docs.as_ref().is_none_or(|d| d.contains(&c.doc_id)))
            .filter(|c| doc_id.as_deref().is_none_or(|d| c.doc_id == d))
            .filter(|c| verdict.as_ref().is_none_or(|v| json!(c.verdict) == *v))
            .filter(|c| kind.as_ref().is_none_or(|k| json!(c.kind) == *k))
            .collect();
        let total = all.len();
        let items: Vec<Claim> = all.into_iter().skip(page.offset).take(page.limit).collect();
        Ok(list(total, page, items))
    })
    .await
}

/// A claim's `verdict` or `kind`, checked against the model's spelling.
fn enum_value(key: &str, v: &str) -> ApiResult<Value> {
    let ok = match key {
        "verdict" => serde_json::from_value::<sitrep_model::Verdict>(json!(v)).is_ok(),
        _ => serde_json::from_value::<sitrep_model::ClaimKind>(json!(v)).is_ok(),
    };
    if ok {
        Ok(json!(v))
    } else {
        Err(ApiError::bad(format!("{key}: unknown value {v}")))
    }
}

/// `GET /api/documents/{id}`: the text offsets refer to, with its evidence spans and claims.
pub async fn document(
    State(s): State<AppState>,
    Path(id): Path<String>,
    p: Params,
) -> ApiResult<Json<Value>> {
    p.only(&[])?;
    s.read(move |store| {
        let Some(d) = store.document(&id)? else {
            return Err(ApiError::NotFound(format!("no document {id}")));
        };
        let evidence: Vec<Value> = d
            .evidence
            .iter()
            .map(|e| {
                json!({"event_id": e.event_id, "incident_id": e.incident_id,
                       "start": e.start, "end": e.end})
            })
            .collect();
        Ok(Json(json!({
            "doc_id": d.doc_id, "title": d.title, "published": d.published,
            "source": d.source, "url": d.url, "language": d.language,
            "text": d.text, "evidence": evidence, "claims": d.claims,
        })))
    })
    .await
}

/// `POST /api/ingest`: JSONL documents (contract §1) into the store, with the bearer token;
/// only on a server started with `--allow-ingest`.
pub async fn ingest(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let Some(cfg) = s.config().ingest.clone() else {
        return Err(ApiError::ReadOnly);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(given.as_bytes(), cfg.token.as_bytes()) {
        return Err(ApiError::Unauthorized);
    }
    let limit = s.config().limits.ingest_bytes;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(limit))?;
    let _one_at_a_time = s.inner.ingesting.lock().await;
    let (status, messages) = tokio::task::spawn_blocking(move || run_ingest(&cfg, &bytes))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("ingest task failed: {e}")))??;
    Ok(Json(json!({"exit_status": status, "messages": messages})).into_response())
}

/// Compares in time independent of where the inputs differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs `sitrep ingest - --db DB` with `jsonl` on stdin; returns its exit status and stderr.
fn run_ingest(cfg: &IngestConfig, jsonl: &Bytes) -> ApiResult<(i32, Vec<String>)> {
    let mut child = Command::new(&cfg.exe)
        .arg("ingest")
        .arg("-")
        .arg("--db")
        .arg(&cfg.db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting {}: {e}", cfg.exe.display()))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = jsonl.clone();
    // Written from another thread: the child may fill stderr before it has read all input.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| anyhow::anyhow!("waiting for ingest: {e}"))?;
    if let Ok(Err(e)) = writer.join() {
        eprintln!("sitrep serve: ingest input: {e}");
    }
    let messages = String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_string)
        .collect();
    Ok((out.status.code().unwrap_or(2), messages))
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such path".into())
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn paged(filter: Filter, page: Page) -> Filter {
    Filter {
        limit: Some(page.limit),
        offset: Some(page.offset),
        ..filter
    }
}

fn list<T: serde::Serialize>(total: usize, page: Page, items: Vec<T>) -> Response {
    Json(json!({"total": total, "offset": page.offset, "limit": page.limit, "items": items}))
        .into_response()
}

/// A CSV or GeoJSON file to save.
fn download(
    what: &str,
    format: EventFormat,
    write: impl FnOnce(&mut Vec<u8>) -> anyhow::Result<()>,
) -> ApiResult<Response> {
    let (ext, mime) = match format {
        EventFormat::Csv => ("csv", "text/csv; charset=utf-8"),
        EventFormat::Geojson => ("geojson", "application/geo+json"),
        EventFormat::Jsonl => ("jsonl", "application/jsonl"),
    };
    let mut body = Vec::new();
    write(&mut body)?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let disposition = format!("attachment; filename=\"sitrep-{what}.{ext}\"");
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
    );
    Ok(res)
}
