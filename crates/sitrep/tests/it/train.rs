//! `sitrep train` on small packs: what it learns from (the train half of event-coded notes),
//! and what it must never learn from (test-split notes, snippet test sets).

use std::io::Read;
use std::path::Path;

use serde_json::{Value, json};

use crate::run;

/// Writes a pack: `docs.jsonl` and `gold.jsonl` from (id, text, gold line) triples.
fn write_pack(dir: &Path, rows: &[(String, String, Value)]) {
    std::fs::create_dir_all(dir).expect("pack dir");
    let docs: String = rows
        .iter()
        .map(|(id, text, _)| format!("{}\n", json!({"id": id, "text": text})))
        .collect();
    let gold: String = rows.iter().map(|(_, _, g)| format!("{g}\n")).collect();
    std::fs::write(dir.join("docs.jsonl"), docs).expect("docs");
    std::fs::write(dir.join("gold.jsonl"), gold).expect("gold");
}

fn is_test(id: &str) -> bool {
    sitrep_eval::split_of(&json!({ "doc_id": id })) == sitrep_eval::Split::Test
}

/// The text of a gzipped model table.
fn model_text(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut s = String::new();
    flate2::read::GzDecoder::new(f)
        .read_to_string(&mut s)
        .expect("gzip model");
    s
}

#[test]
fn trains_on_notes_never_on_test_documents_nor_snippet_test_sets() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Notes: clashes and protests. Every test-split note carries a word seen nowhere else.
    let notes: Vec<(String, String, Value)> = (0..120)
        .map(|i| {
            let id = format!("note-{i}");
            let (sub, ty, words) = if i % 2 == 0 {
                (
                    "Armed clash",
                    "Battles",
                    "troops clashed with rebels near the town",
                )
            } else {
                (
                    "Peaceful protest",
                    "Protests",
                    "teachers marched over unpaid wages",
                )
            };
            let leak = if is_test(&id) { " zzleakword" } else { "" };
            let gold = json!({"doc_id": id, "events": [{"event_type": ty, "sub_event_type": sub}]});
            (id, format!("{words}{leak}"), gold)
        })
        .collect();
    // Snippets labelled whole, the shape of the CASE 2021 test set.
    let snippets: Vec<(String, String, Value)> = (0..60)
        .map(|i| {
            let id = format!("snip-{i}");
            let gold = json!({"doc_id": id, "label": "CHEM_WEAP",
                              "acled_sub_event_type": "Chemical weapon",
                              "acled_event_type": "Explosions/Remote violence"});
            (id, "chlorine gas canisters fell".to_string(), gold)
        })
        .collect();
    write_pack(&tmp.path().join("notes"), &notes);
    write_pack(&tmp.path().join("snippets"), &snippets);
    let out_dir = tmp.path().join("model");
    let notes_arg = format!("{}:2", tmp.path().join("notes").display());
    let snippets_dir = tmp.path().join("snippets").display().to_string();
    let out_arg = out_dir.display().to_string();

    let refused = run(&[
        "train",
        "--pack",
        &notes_arg,
        "--pack",
        &snippets_dir,
        "--out-dir",
        &out_arg,
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a snippet test set is refused");
    assert!(
        stderr.contains("snippets") && stderr.contains("test set"),
        "the error names the pack and why: {stderr}"
    );
    assert!(!out_dir.join("sub_event_type.tsv.gz").exists());

    let out = run(&["train", "--pack", &notes_arg, "--out-dir", &out_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("(x2)"),
        "the pack's weight is reported: {stderr}"
    );
    let subs = model_text(&out_dir.join("sub_event_type.tsv.gz"));
    let labels = subs
        .lines()
        .find_map(|l| l.strip_prefix("labels\t"))
        .expect("labels line");
    assert_eq!(labels, "Armed clash|Peaceful protest");
    assert!(subs.lines().any(|l| l.starts_with("clashed\t")));
    assert!(
        !subs.contains("zzleakword"),
        "nothing from test-split documents"
    );
    let types = model_text(&out_dir.join("event_type.tsv.gz"));
    assert!(types.contains("Battles") && types.contains("Protests"));
}
