//! Bad inputs are skipped with a reason and never cost the good documents their events.

use std::io::Write;

use crate::{jsonl, sitrep};

const GOOD: &str = "Clashes in Mosul\n\nIraqi soldiers and ISIS militants clashed in Mosul on Monday, killing five soldiers.\n";

#[test]
fn a_directory_of_bad_files_still_yields_the_good_documents() {
    let dir = std::env::temp_dir().join(format!("sitrep-bad-inputs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("a-good.txt"), GOOD).expect("write");
    std::fs::write(
        dir.join("binary.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0, 255, 254].repeat(100),
    )
    .expect("write");
    std::fs::write(dir.join("empty.txt"), "").expect("write");
    // A 50 MB single line.
    let mut big = std::fs::File::create(dir.join("huge-line.txt")).expect("create");
    let chunk = "word ".repeat(10_000);
    for _ in 0..1000 {
        big.write_all(chunk.as_bytes()).expect("write");
    }
    drop(big);
    std::fs::write(
        dir.join("mixed.jsonl"),
        format!(
            "{}\n{{\"id\": \"broken\", \"text\": \n{{\"id\": 7, \"text\": [1,2]}}\n{}\n",
            serde_json::json!({"id": "jsonl-good", "text": GOOD, "published": "2014-06-23"}),
            serde_json::json!({"id": "jsonl-good-2", "text": GOOD, "published": "2014-06-24"})
        ),
    )
    .expect("write");
    // A dangling link: the file it names cannot be read.
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("does-not-exist.txt"), dir.join("unreadable.txt"))
        .expect("symlink");
    let out = sitrep().arg("extract").arg(&dir).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "some inputs skipped means exit 1; stderr:\n{stderr}"
    );
    let docs: std::collections::BTreeSet<String> = jsonl(&out)
        .iter()
        .filter_map(|e| e["doc_id"].as_str().map(str::to_string))
        .collect();
    for id in ["a-good", "jsonl-good", "jsonl-good-2"] {
        assert!(docs.contains(id), "events of {id} missing; got {docs:?}");
    }
    for named in [
        "binary.txt",
        "empty.txt",
        "mixed.jsonl:2",
        "mixed.jsonl:3",
        "unreadable.txt",
    ] {
        assert!(
            stderr.contains(named),
            "stderr should name {named}:\n{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stdin_jsonl_works_and_a_broken_pipe_is_success() {
    let mut child = sitrep()
        .args(["extract", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let line =
        serde_json::json!({"id": "stdin-1", "text": GOOD, "published": "2014-06-23"}).to_string();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{line}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    assert!(jsonl(&out).iter().any(|e| e["doc_id"] == "stdin-1"));
}

#[test]
fn nothing_readable_is_exit_status_2() {
    let out = sitrep()
        .args(["extract", "/nonexistent/sitrep/input"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
