//! Diagnostics: what the front end reports instead of failing. Each has a
//! message, a primary labelled span and optional notes; `render` prints them
//! as `file:line:col` with the source line underlined (codespan-reporting).

use crate::span::Span;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The program is rejected.
    Error,
    /// The program is accepted, but something looks wrong.
    Warning,
}

/// One problem found in a source file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The headline, lowercase, no final period: what was expected and what was found.
    pub message: String,
    /// Where it is.
    pub span: Span,
    /// A short label printed under the source line.
    pub label: String,
    /// Extra lines (`= help: ...`).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span` with a message and a label.
    pub fn error(span: Span, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, message: message.into(), span, label: label.into(), notes: Vec::new() }
    }

    /// Adds a `help:` note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Is this an error (as opposed to a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders diagnostics for `file_name` with source `src` as plain text, e.g.
///
/// ```text
/// error: expected an expression, found `)`
///   ┌─ f.py:2:12
///   │
/// 2 │     return (
///   │            ^ expected an expression
/// ```
pub fn render(file_name: &str, src: &str, diagnostics: &[Diagnostic]) -> String {
    let file = SimpleFile::new(file_name, src);
    let config = term::Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let range = clamp(d.span, src);
        let cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(&d.message)
        .with_labels(vec![Label::primary((), range).with_message(&d.label)])
        .with_notes(d.notes.iter().map(|n| format!("help: {n}")).collect());
        // Writing into a String cannot fail; spans are clamped above.
        let _ = term::emit_to_string(&mut out, &config, &file, &cs);
    }
    out
}

/// Keeps a span inside the source and on character boundaries, so rendering
/// never panics on a span produced by error recovery.
fn clamp(span: Span, src: &str) -> std::ops::Range<usize> {
    let mut start = (span.start as usize).min(src.len());
    let mut end = (span.end as usize).clamp(start, src.len());
    while start > 0 && !src.is_char_boundary(start) {
        start -= 1;
    }
    while end < src.len() && !src.is_char_boundary(end) {
        end += 1;
    }
    start..end
}
