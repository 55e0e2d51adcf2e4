//! Signature templates: literal text and `{holes}` resolved to pieces.

use crate::diag::suggest;
use crate::ir::{Field, Location, Lowerer, Piece};
use crate::spec::Literal;

impl Lowerer<'_> {
    /// Parses `"{username}{api_key}pl"`; `{{` and `}}` are literal braces.
    pub(super) fn template(
        &mut self,
        endpoint: &str,
        text: &str,
        params: &[Field],
        fixed: &[(Location, String, Literal)],
        at: &[&str],
    ) -> Option<Vec<Piece>> {
        self.template_with(text, at, |lw, name| {
            let is_field =
                params.iter().any(|p| p.wire == name) || fixed.iter().any(|f| f.1 == name);
            if is_field && lw.l.spec.credentials.keys().any(|k| k == name) {
                lw.err(
                    at,
                    format!("`{{{name}}}` is both a credential and a request value of `{endpoint}`"),
                    Some("rename the credential so the template says which one it means".into()),
                );
                None
            } else if let Some(i) = lw.l.spec.credentials.keys().position(|k| k == name) {
                Some(Piece::Credential(i))
            } else if is_field {
                Some(Piece::Field(name.to_owned()))
            } else {
                let mut names: Vec<&str> = lw.l.spec.credentials.keys().collect();
                names.extend(params.iter().map(|p| p.wire.as_str()));
                names.extend(fixed.iter().map(|f| f.1.as_str()));
                lw.err(at, format!("the template names `{{{name}}}`, which is neither a credential nor a parameter of the endpoint `{endpoint}`"), Some(suggest(name, &names)));
                None
            }
        })
    }

    /// The template language (literal text, `{name}` holes, `{{` and `}}` for
    /// braces), with `hole` resolving each name or reporting why it cannot.
    pub(super) fn template_with(
        &mut self,
        text: &str,
        at: &[&str],
        mut hole: impl FnMut(&mut Self, &str) -> Option<Piece>,
    ) -> Option<Vec<Piece>> {
        let mut out = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        let mut ok = true;
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    if !lit.is_empty() {
                        out.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    match hole(self, &name) {
                        Some(piece) => out.push(piece),
                        None => ok = false,
                    }
                }
                '}' => {
                    self.err(
                        at,
                        "a `}` in the template has no matching `{`",
                        Some("write `}}` for a literal brace".into()),
                    );
                    ok = false;
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(lit));
        }
        ok.then_some(out)
    }
}
