//! Lowering: the `Lowerer` walks the loaded spec once, resolving names and types and
//! collecting every problem as a diagnostic. One concern per file.

mod auth;
mod callback;
mod endpoint;
mod envelope;
mod extras;
mod field;
mod headers;
mod model;
mod names;
mod path;
mod provider;
mod template;

use crate::ir::Lowerer;

impl Lowerer<'_> {
    fn err(&mut self, path: &[&str], msg: impl Into<String>, hint: Option<String>) {
        let d = self.l.at(path, msg);
        self.diags.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    fn err_key(&mut self, path: &[&str], msg: impl Into<String>, hint: Option<String>) {
        let d = self.l.at_key(path, msg);
        self.diags.push(match hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }

    /// A diagnostic at the key of `path` (a mapping key names the thing) or at its value.
    fn err_at(&mut self, path: &[&str], key: bool, msg: String, hint: String) {
        if key {
            self.err_key(path, msg, Some(hint));
        } else {
            self.err(path, msg, Some(hint));
        }
    }
}
