//! A document that trips a bug in a stage is skipped with the reason, not the whole run:
//! extraction of each document runs under `catch_unwind`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use sitrep_model::{Document, Skipped};

/// Runs `f` for one document; a panic becomes a [`Skipped`] naming the document.
pub fn per_document<T>(doc: &Document, f: impl FnOnce() -> T) -> Result<T, Skipped> {
    // The pipeline is immutable shared data: a panic cannot leave it half-updated.
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Skipped {
            origin: doc.origin.clone(),
            doc_id: Some(doc.id.clone()),
            reason: format!("internal error while extracting (please report it): {message}"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_skipped_document() {
        let doc = Document {
            id: "d1".into(),
            origin: "x.txt".into(),
            ..Document::default()
        };
        assert_eq!(per_document(&doc, || 7), Ok(7));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = per_document(&doc, || -> u32 { panic!("index out of bounds") });
        std::panic::set_hook(hook);
        let s = r.expect_err("the panic is caught");
        assert_eq!(s.doc_id.as_deref(), Some("d1"));
        assert!(s.reason.contains("index out of bounds"), "{}", s.reason);
    }
}
