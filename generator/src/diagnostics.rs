//! Diagnostics as data: every stage reports problems as values with a location, never by
//! panicking, so the caller can print all of them at once and decide what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on with a documented fallback.
    Warning,
    /// Generation cannot produce correct output.
    Error,
}

/// A line and column in the source document, both starting at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem found in an input document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: PathBuf,
    /// JSON pointer into the document (`#/paths/~1v2~1Teams/get`), empty for the whole file.
    pub pointer: String,
    pub position: Option<Position>,
    /// The text of the line at `position`, shown under the message.
    pub source_line: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_path_buf(),
            pointer: pointer.into(),
            position: None,
            source_line: None,
            hint: None,
        }
    }

    pub fn warning(file: &Path, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, pointer, message)
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    #[must_use]
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Rendered like rustc: the message, `--> file:line:col`, the offending line with a caret, the
/// JSON pointer and a hint.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = self.position.map_or(1, |p| p.line.to_string().len());
        let pad = " ".repeat(gutter);
        write!(f, "{pad}--> {}", self.file.display())?;
        if let Some(pos) = self.position {
            write!(f, ":{}:{}", pos.line, pos.column)?;
        }
        if let (Some(pos), Some(line)) = (self.position, &self.source_line) {
            let caret_pad = " ".repeat(pos.column.saturating_sub(1));
            write!(f, "\n{pad} |\n{} | {line}\n{pad} | {caret_pad}^", pos.line)?;
        }
        if !self.pointer.is_empty() {
            write!(f, "\n{pad} = at: {}", self.pointer)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n{pad} = help: {hint}")?;
        }
        Ok(())
    }
}

/// The diagnostics of a failed run, rendered one after the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        let warnings = self.0.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_pointer_token`]: `~1` is `/`, then `~0` is `~` (RFC 6901, section 4).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Joins a pointer and one more token.
pub fn pointer_join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}
