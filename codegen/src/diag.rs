//! Diagnostics: what is wrong in a spec, where, and how to fix it.
//!
//! Rendered the way rustc renders errors, so that cargo shows build-script
//! failures in a familiar shape:
//!
//! ```text
//! error: unknown type `Prodcut`
//!   --> specs/acme_topup.yaml:41:15
//!    |
//! 41 |     response: Prodcut
//!    |               ^^^^^^^
//!    = help: did you mean `Product`?
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column in a spec file, and the length to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Characters to underline (at least 1 when rendered).
    pub len: usize,
}

/// One problem in one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file.
    pub file: PathBuf,
    /// Where in it.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
    /// The offending source line, for rendering.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `pos` in `file`, with the source line taken from `source`.
    pub fn new(file: &Path, source: &str, pos: Pos, message: impl Into<String>) -> Self {
        let source_line = source
            .lines()
            .nth(pos.line.saturating_sub(1))
            .map(str::to_owned);
        Diagnostic {
            file: file.to_owned(),
            pos,
            message: message.into(),
            hint: None,
            source_line,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `file:line:column: message` on one line (plus ` (hint: ...)`), for tools and logs.
    pub fn one_line(&self) -> String {
        let mut s = format!(
            "{}:{}:{}: {}",
            self.file.display(),
            self.pos.line,
            self.pos.column,
            self.message
        );
        if let Some(h) = &self.hint {
            s.push_str(&format!(" (hint: {h})"));
        }
        s
    }

    /// The rustc-style rendering (what build.rs prints); `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        self.render_as(Style::Rustc, color)
    }

    /// Renders in `style`; `color` adds ANSI colours.
    pub fn render_as(&self, style: Style, color: bool) -> String {
        let (red, blue, bold, reset) = if color {
            ("\x1b[1;31m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let gutter = self.pos.line.max(1).to_string().len();
        let pad = " ".repeat(gutter);
        let place = format!(
            "{}:{}:{}",
            self.file.display(),
            self.pos.line,
            self.pos.column
        );
        let mut out = match style {
            Style::Rustc => format!(
                "{red}error{reset}{bold}: {}{reset}\n{pad}{blue}-->{reset} {place}\n",
                self.message
            ),
            Style::Compact => format!(
                "{bold}{place}:{reset} {red}error{reset}{bold}: {}{reset}\n",
                self.message
            ),
        };
        if let Some(line) = &self.source_line {
            let shown: String = line.replace('\t', " ");
            let col = self.pos.column.max(1);
            let width = shown.chars().count();
            let len = self
                .pos
                .len
                .max(1)
                .min(width.saturating_sub(col - 1).max(1));
            out.push_str(&format!("{pad} {blue}|{reset}\n"));
            out.push_str(&format!(
                "{blue}{:>gutter$} |{reset} {shown}\n",
                self.pos.line
            ));
            out.push_str(&format!(
                "{pad} {blue}|{reset} {}{red}{}{reset}\n",
                " ".repeat(col - 1),
                "^".repeat(len)
            ));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("{pad} {blue}={reset} {bold}help{reset}: {h}\n"));
        }
        out
    }
}

/// How a diagnostic is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `error: message` then ` --> file:line:column`, as rustc (build.rs output).
    Rustc,
    /// `file:line:column: error: message` first, as compilers print for editors
    /// and grep (`codegen check`).
    Compact,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `did you mean ...?`, when a candidate is close enough to be a likely typo.
/// For a hint whose message already lists what is allowed (serde's `unknown
/// field ..., expected one of ...`), so that the list is not said twice.
pub fn typo_hint(word: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(word, candidates.iter().copied()).map(|c| format!("did you mean `{c}`?"))
}

/// `did you mean ...?` for a hint, or a list of what is allowed.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    match typo_hint(word, candidates) {
        Some(h) => h,
        None if candidates.is_empty() => "nothing is declared here yet".to_owned(),
        None => format!(
            "expected one of: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = "a: 1\n    response: Prodcut\n";
        let d = Diagnostic::new(
            Path::new("specs/x.yaml"),
            src,
            Pos {
                line: 2,
                column: 15,
                len: 7,
            },
            "unknown type `Prodcut`",
        )
        .with_hint("did you mean `Product`?");
        assert_eq!(
            d.render(false),
            "error: unknown type `Prodcut`\n --> specs/x.yaml:2:15\n  |\n2 |     response: Prodcut\n  |               ^^^^^^^\n  = help: did you mean `Product`?\n"
        );
        assert_eq!(
            d.one_line(),
            "specs/x.yaml:2:15: unknown type `Prodcut` (hint: did you mean `Product`?)"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("tpye", ["type", "description"]), Some("type"));
        assert_eq!(did_you_mean("zzzzzz", ["type"]), None);
    }
}
