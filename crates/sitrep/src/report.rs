//! Accounting for every input: processed documents, skipped inputs with reasons, and the
//! exit status that follows from them.

use std::process::ExitCode;

use sitrep_model::Skipped;

/// The documented exit statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every document processed.
    Ok,
    /// Some inputs skipped (each named on stderr).
    SomeSkipped,
    /// Nothing could be done.
    Failed,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Ok => ExitCode::SUCCESS,
            Status::SomeSkipped => ExitCode::from(1),
            Status::Failed => ExitCode::from(2),
        }
    }
}

/// Counts what happened to the inputs and tells the user on stderr.
#[derive(Debug, Default)]
pub struct Tally {
    pub processed: usize,
    pub skipped: usize,
    pub warnings: usize,
    pub outputs: usize,
    pub quiet: bool,
}

impl Tally {
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            ..Self::default()
        }
    }

    pub fn skip(&mut self, s: &Skipped) {
        self.skipped += 1;
        eprintln!("sitrep: skipped {s}");
    }

    pub fn warn(&mut self, origin: &str, doc_id: &str, message: &str) {
        self.warnings += 1;
        if !self.quiet {
            eprintln!("sitrep: warning: {origin} (document {doc_id}): {message}");
        }
    }

    /// Prints the summary line and returns the exit status.
    pub fn finish(&self, what: &str) -> Status {
        if !self.quiet {
            eprintln!(
                "sitrep: {} document{} processed, {} skipped, {} {what}",
                self.processed,
                if self.processed == 1 { "" } else { "s" },
                self.skipped,
                self.outputs
            );
        }
        match (self.processed, self.skipped) {
            (_, 0) => Status::Ok,
            (0, _) => Status::Failed,
            _ => Status::SomeSkipped,
        }
    }
}
