//! Query strings: the CLI's filters (`from`, `to`, `country`, `bbox`, `type`, `actor`, `q`)
//! into the store's [`Filter`], paging (`limit`, `offset`), and the output `format`.
//! Every endpoint lists the parameters it takes; any other one is an error, so a misspelt
//! filter never silently returns everything. An empty value counts as absent (HTML forms).

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use chrono::NaiveDate;
use sitrep_store::Filter;

use super::{ApiError, ApiResult};
use crate::cli::EventFormat;

/// The filters shared with the CLI's read commands.
pub const FILTER: &[&str] = &["from", "to", "country", "bbox", "type", "actor", "q"];
pub const PAGE: &[&str] = &["limit", "offset"];

/// Most items in one page.
pub const MAX_LIMIT: usize = 1000;
pub const DEFAULT_LIMIT: usize = 100;
/// Most rows in one CSV or GeoJSON export.
pub const MAX_EXPORT: usize = 100_000;
/// Longest value of any parameter.
const MAX_VALUE: usize = 500;

/// A request's query parameters, each given at most once.
#[derive(Debug, Default)]
pub struct Params(BTreeMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| ApiError::bad(e.body_text()))?;
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            if v.len() > MAX_VALUE {
                return Err(ApiError::bad(format!("{k}: longer than {MAX_VALUE} bytes")));
            }
            if map.insert(k.clone(), v).is_some() {
                return Err(ApiError::bad(format!("{k}: given more than once")));
            }
        }
        Ok(Self(map))
    }
}

/// How a list is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One page: `{"total", "offset", "limit", "items"}`.
    Json,
    /// Everything the filter matches, as a download.
    Export(EventFormat),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Params {
    /// Fails on the first parameter that is not in one of `allowed`.
    pub fn only(&self, allowed: &[&[&str]]) -> ApiResult<()> {
        match self
            .0
            .keys()
            .find(|k| !allowed.iter().any(|set| set.contains(&k.as_str())))
        {
            Some(k) => Err(ApiError::bad(format!(
                "{k}: not a parameter of this endpoint"
            ))),
            None => Ok(()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    pub fn date(&self, key: &str) -> ApiResult<Option<NaiveDate>> {
        self.get(key)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| ApiError::bad(format!("{key}: not a date (YYYY-MM-DD): {v}")))
            })
            .transpose()
    }

    fn number(&self, key: &str) -> ApiResult<Option<usize>> {
        self.get(key)
            .map(|v| {
                v.parse::<usize>()
                    .map_err(|_| ApiError::bad(format!("{key}: not a whole number: {v}")))
            })
            .transpose()
    }

    /// The CLI's filters, validated.
    pub fn filter(&self) -> ApiResult<Filter> {
        let (from, to) = (self.date("from")?, self.date("to")?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ApiError::bad("from: after to"));
        }
        Ok(Filter {
            from,
            to,
            bbox: self.get("bbox").map(parse_bbox).transpose()?,
            country: self.string("country"),
            event_type: self.string("type"),
            actor: self.string("actor"),
            q: self.string("q"),
            limit: None,
            offset: None,
        })
    }

    pub fn format(&self) -> ApiResult<Format> {
        Ok(match self.get("format") {
            None | Some("json") => Format::Json,
            Some("csv") => Format::Export(EventFormat::Csv),
            Some("geojson") => Format::Export(EventFormat::Geojson),
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "format: one of json, csv, geojson, not {other}"
                )));
            }
        })
    }

    /// `limit` (default 100, at most 1000; for exports default and most 100,000) and `offset`.
    pub fn page(&self, format: Format) -> ApiResult<Page> {
        let (default, max) = match format {
            Format::Json => (DEFAULT_LIMIT, MAX_LIMIT),
            Format::Export(_) => (MAX_EXPORT, MAX_EXPORT),
        };
        let limit = self.number("limit")?.unwrap_or(default);
        if limit > max {
            return Err(ApiError::bad(format!("limit: at most {max}")));
        }
        Ok(Page {
            limit,
            offset: self.number("offset")?.unwrap_or(0),
        })
    }
}

/// `min_lon,min_lat,max_lon,max_lat` in degrees (a box across the antimeridian is two boxes).
pub fn parse_bbox(v: &str) -> ApiResult<[f64; 4]> {
    let bad = || ApiError::bad(format!("bbox: min_lon,min_lat,max_lon,max_lat, not {v}"));
    let n: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<ApiResult<_>>()?;
    let [w, s, e, n] = <[f64; 4]>::try_from(n).map_err(|_| bad())?;
    let lon = -180.0..=180.0;
    let lat = -90.0..=90.0;
    if !(lon.contains(&w) && lon.contains(&e) && lat.contains(&s) && lat.contains(&n))
        || w > e
        || s > n
    {
        return Err(bad());
    }
    Ok([w, s, e, n])
}
