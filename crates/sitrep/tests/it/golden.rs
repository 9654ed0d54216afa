//! Golden tests: short fixture reports written for sitrep, one per tricky construction, each
//! beside the events (or toponyms) a reader expects from it, rendered one per line.

use serde_json::Value;

use crate::{expect_file, jsonl, root, run};

fn s(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

/// One line per event: what, when, where, who, how many.
fn render_event(e: &Value) -> String {
    let what = match (e.get("sub_event_type"), e.get("plover")) {
        (Some(Value::String(sub)), _) => sub.clone(),
        (_, Some(Value::String(p))) => format!("PLOVER {p}"),
        _ => "-".into(),
    };
    format!(
        "{what} | {} (p{}) | {} [{}, {}] (p{}) | {} / {} | killed {} wounded {}",
        s(e, "event_date"),
        s(e, "time_precision"),
        s(e, "location"),
        s(e, "admin1"),
        s(e, "country_code"),
        s(e, "geo_precision"),
        s(e, "actor1"),
        s(e, "actor2"),
        s(e, "fatalities"),
        s(e, "wounded"),
    )
}

#[test]
fn event_fixtures_render_as_expected() {
    let dir = root().join("crates/sitrep/tests/golden/events");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "fixtures missing");
    for file in files {
        let out = run(&[
            "extract",
            &file.display().to_string(),
            "--manifest",
            &dir.join("manifest.jsonl").display().to_string(),
        ]);
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let rendered: String = jsonl(&out).iter().map(|e| render_event(e) + "\n").collect();
        expect_file(&file.with_extension("expected"), &rendered);
    }
}

#[test]
fn toponym_fixtures_resolve_as_expected() {
    let dir = root().join("crates/sitrep/tests/golden/toponyms");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 2,
        "toponym fixtures missing in {}",
        dir.display()
    );
    for file in files {
        let out = run(&["toponyms", &file.display().to_string()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut rendered = String::new();
        for line in jsonl(&out) {
            for t in line["toponyms"].as_array().into_iter().flatten() {
                rendered.push_str(&format!(
                    "{} -> {} [{}, {}] {}\n",
                    s(t, "text"),
                    s(t, "name"),
                    s(t, "admin1"),
                    s(t, "country_code"),
                    s(t, "feature_code")
                ));
            }
        }
        expect_file(&file.with_extension("expected"), &rendered);
    }
}
