//! The seed expectations (../shared/seeds/expected.json), checked by the shared checker
//! against this build.

use crate::{root, shared};

/// 'must' items that have to pass: every one of them.
#[test]
fn seed_expectations_pass() {
    let Some(shared) = shared() else {
        eprintln!("../shared not found: seed check skipped");
        return;
    };
    let out = std::process::Command::new("python3")
        .arg(shared.join("seeds/check.py"))
        .arg("--sitrep")
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(root())
        .output()
        .expect("python3 runs check.py");
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    let failed: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("FAIL must"))
        .collect();
    assert!(
        failed.is_empty(),
        "seed 'must' items failing:\n{}",
        failed.join("\n")
    );
}
