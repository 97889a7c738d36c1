//! Located errors and warnings, rendered in the style of rustc.

use crate::source::{Source, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The spec is usable, but probably not what its author meant.
    Warning,
    /// The spec is rejected.
    Error,
}

/// One problem found in a spec, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Where it is; `None` for problems of the file as a whole.
    pub span: Option<Span>,
    /// A short text under the caret.
    pub label: Option<String>,
    /// Other places that explain the problem (for example the first definition of a duplicate).
    pub related: Vec<(Span, String)>,
    /// `help:` lines: how to fix it.
    pub help: Vec<String>,
    /// `note:` lines: more context.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, Some(span), message)
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, Some(span), message)
    }

    /// A diagnostic of the given severity.
    pub fn new(severity: Severity, span: Option<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the text under the caret.
    pub fn with_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = Some(label.into());
        self
    }

    /// Adds another place that explains the problem.
    pub fn with_related(&mut self, span: Span, label: impl Into<String>) -> &mut Self {
        self.related.push((span, label.into()));
        self
    }

    /// Adds a `help:` line.
    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help.push(help.into());
        self
    }

    /// Adds a `note:` line.
    pub fn with_note(&mut self, note: impl Into<String>) -> &mut Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic against its source, rustc style, without colour.
    pub fn render(&self, source: &Source) -> String {
        self.render_with(source, &Renderer::plain())
    }

    /// Renders the diagnostic with a caller-chosen renderer (for example a styled one).
    pub fn render_with(&self, source: &Source, renderer: &Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = source.path().display().to_string();
        let mut group = Group::with_title(level.primary_title(self.message.as_str()));
        if let Some(span) = self.span {
            let text = source.text();
            let clamp = |s: Span| source.range(s);
            let mut primary = AnnotationKind::Primary.span(clamp(span));
            if let Some(label) = &self.label {
                primary = primary.label(label.as_str());
            }
            let mut snippet = Snippet::source(text).path(path).annotation(primary);
            for (span, label) in &self.related {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(clamp(*span))
                        .label(label.as_str()),
                );
            }
            group = group.element(snippet);
        }
        for note in &self.notes {
            group = group.element(Level::NOTE.message(note.as_str()));
        }
        for help in &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }
}

/// Everything found in one spec: errors and warnings, in source order.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds an error at `span` and returns it for decoration.
    pub fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic::error(span, message));
        self.items.last_mut().expect("just pushed")
    }

    /// Adds a warning at `span` and returns it for decoration.
    pub fn warning(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.items.push(Diagnostic::warning(span, message));
        self.items.last_mut().expect("just pushed")
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics in source order (stable for equal positions).
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Keeps only the diagnostics for which `keep` is true.
    pub(crate) fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Sorts by position; diagnostics without a span come first.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by_key(|d| d.span.map(|s| (s.start, s.end)));
    }

    /// Renders all diagnostics, separated by blank lines, followed by a summary line.
    pub fn render(&self, source: &Source) -> String {
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&d.render(source));
            out.push_str("\n\n");
        }
        out.push_str(&self.summary(source));
        out
    }

    /// `error: could not load `x.yaml` (2 errors, 1 warning)` or an empty string when clean.
    pub fn summary(&self, source: &Source) -> String {
        let (e, w) = (self.error_count(), self.warning_count());
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        match (e, w) {
            (0, 0) => String::new(),
            (0, w) => format!(
                "warning: `{}` generated {}\n",
                source.path().display(),
                plural(w, "warning")
            ),
            (e, 0) => format!(
                "error: could not load `{}` due to {}\n",
                source.path().display(),
                plural(e, "error")
            ),
            (e, w) => format!(
                "error: could not load `{}` due to {}; {} emitted\n",
                source.path().display(),
                plural(e, "error"),
                plural(w, "warning")
            ),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.message)
    }
}
