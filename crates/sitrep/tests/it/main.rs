//! End-to-end tests of the `sitrep` binary: fixtures in, expected output out.

mod bench;
mod contract;
mod faults;
mod golden;
mod inputs;
#[cfg(feature = "postgres")]
mod postgres;
mod seeds;
mod semantic;
mod store;
mod train;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub fn sitrep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// `../shared` next to the repository, when this machine has it.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared");
    p.join("README.md").is_file().then_some(p)
}

/// Runs sitrep with arguments, from the repository root.
pub fn run(args: &[&str]) -> Output {
    sitrep()
        .args(args)
        .current_dir(root())
        .output()
        .expect("sitrep runs")
}

/// Parses JSONL stdout.
pub fn jsonl(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Compares `actual` with the file `expected`, or rewrites it when `UPDATE_EXPECT=1`.
pub fn expect_file(expected: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(expected, actual).expect("write expected file");
        return;
    }
    let want = std::fs::read_to_string(expected).unwrap_or_default();
    if want != actual {
        panic!(
            "{} differs (rerun with UPDATE_EXPECT=1 to accept):\n--- expected\n{want}\n--- actual\n{actual}",
            expected.display()
        );
    }
}
