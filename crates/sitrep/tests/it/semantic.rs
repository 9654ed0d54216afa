//! The semantic layer (`--features semantic`, `--encoder-dir`): the MiniLM sentence encoder
//! mixed with the n-gram classifier. Without the feature, asking for it is a clear error;
//! with it, news sentences worded unlike ACLED's notes are read as fixed in
//! `tests/golden/semantic/`, and CASE 2021 keeps its floor.

#[cfg(not(feature = "semantic"))]
#[test]
fn asking_for_the_encoder_without_the_feature_names_the_build_to_use() {
    let out = crate::run(&["--encoder-dir", "target/encoder", "extract", "examples"]);
    assert_eq!(out.status.code(), Some(2), "nothing can be done");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--encoder-dir") && err.contains("--features semantic"),
        "{err}"
    );
}

#[cfg(feature = "semantic")]
mod with_encoder {
    use std::path::PathBuf;

    use crate::bench::{at, eval, floor};
    use crate::{expect_file, jsonl, root, run};

    /// The encoder's folder: `SITREP_ENCODER_DIR`, else where `scripts/fetch_encoder.sh`
    /// puts it. A build with the feature must have it.
    fn encoder_dir() -> String {
        // A relative folder is the repository's, where sitrep runs.
        let dir = root().join(
            std::env::var_os("SITREP_ENCODER_DIR")
                .map_or_else(|| PathBuf::from("target/encoder"), PathBuf::from),
        );
        assert!(
            dir.join("model.safetensors").is_file(),
            "no encoder in {} (run scripts/fetch_encoder.sh)",
            dir.display()
        );
        dir.display().to_string()
    }

    /// Each fixture sentence's first event, as `id<TAB>event type<TAB>sub-event type`.
    #[test]
    fn news_sentences_read_with_the_semantic_layer() {
        let dir = root().join("crates/sitrep/tests/golden/semantic");
        let input = dir.join("news.jsonl");
        let enc = encoder_dir();
        let out = run(&[
            "--encoder-dir",
            &enc,
            "extract",
            input.to_str().expect("UTF-8 path"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut seen: Vec<(String, String)> = Vec::new();
        for e in jsonl(&out) {
            let id = e["doc_id"].as_str().unwrap_or_default().to_string();
            if seen.iter().any(|(d, _)| *d == id) {
                continue;
            }
            let line = format!(
                "{}\t{}",
                e["event_type"].as_str().unwrap_or("-"),
                e["sub_event_type"].as_str().unwrap_or("-")
            );
            seen.push((id, line));
        }
        let rendered: String = seen
            .iter()
            .map(|(id, line)| format!("{id}\t{line}\n"))
            .collect();
        expect_file(&dir.join("news.expected.tsv"), &rendered);
    }

    #[test]
    fn case2021_classification_with_the_encoder() {
        // A test set only: never trained on, scored whole.
        let enc = encoder_dir();
        let Some(r) = eval(&["eval", "classify", "case2021-task2", "--encoder-dir", &enc]) else {
            return;
        };
        floor("CASE weighted F1 (semantic)", at(&r, "/weighted_f1"), 0.71);
    }
}
