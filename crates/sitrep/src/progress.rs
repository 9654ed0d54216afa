//! Progress of long runs on stderr: a bar over the input's bytes when their total is known
//! (files and directories), a counter otherwise (stdin). Hidden with `--quiet` and whenever
//! stderr is not a terminal, so logs and pipes never see it.

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress display shared by the reading and writing threads (`&self` everywhere).
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(quiet: bool, paths: &[PathBuf]) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            // indicatif draws to a terminal only: a redirected stderr gets nothing.
            ProgressDrawTarget::stderr_with_hz(4)
        };
        let bar = match input_bytes(paths) {
            Some(total) => ProgressBar::with_draw_target(Some(total), target).with_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            ),
            None => ProgressBar::with_draw_target(None, target).with_style(
                ProgressStyle::with_template("{elapsed_precise} {bytes} read {bytes_per_sec} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.enable_steady_tick(Duration::from_millis(250));
        Self { bar }
    }

    /// Bytes of input consumed.
    pub fn read(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// Documents done so far.
    pub fn done(&self, documents: usize) {
        self.bar.set_message(format!("{documents} documents"));
    }

    /// Runs `f` (which prints to stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Total size of the input files, when every path is a file or a directory (not stdin).
fn input_bytes(paths: &[PathBuf]) -> Option<u64> {
    let mut total = 0;
    for p in paths {
        if p.as_os_str() == "-" {
            return None;
        }
        for entry in walkdir::WalkDir::new(p)
            .follow_links(true)
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                total += entry.metadata().map_or(0, |m| m.len());
            }
        }
    }
    Some(total)
}
