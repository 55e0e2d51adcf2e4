//! Paths: URL path templates and dotted paths into a response.

use crate::ir::Lowerer;

fn split_path(p: &str) -> Option<Vec<String>> {
    if p.is_empty() {
        return Some(Vec::new());
    }
    let parts: Vec<String> = p.split('.').map(str::to_owned).collect();
    if parts.iter().any(|s| s.trim().is_empty() || s.trim() != s) {
        return None;
    }
    Some(parts)
}

impl Lowerer<'_> {
    /// What the client appends the path to the base URL with must stay a path
    /// under it: no query or fragment (the client writes the query string
    /// after the path, so a `?` or `#` here would misplace it, and everything
    /// after a `#` is never sent), and no `.` or `..` segment (URL
    /// normalisation resolves them, so `/../admin` leaves the base URL's path).
    pub(super) fn check_path_text(&mut self, raw: &str, at: &[&str]) {
        for (c, what) in [
            ('?', "a query string: the client writes the query itself, after the path, from the endpoint's query values"),
            ('#', "a fragment: nothing after `#` is sent, and the query string and any credential the client appends would end up after it"),
        ] {
            if raw.contains(c) {
                self.err(
                    at,
                    format!("the path contains `{c}`, which starts {what}"),
                    Some("declare what follows as `params` (`in: query`), or as `fixed` values for constants (`fixed: { action: add }`)".into()),
                );
            }
        }
        // `%2e` is a dot too for URL parsers (WHATWG URL, and so `url`/`reqwest`).
        let dots = raw.split('/').find(|seg| {
            let seg = seg.to_ascii_lowercase().replace("%2e", ".");
            seg == "." || seg == ".."
        });
        if let Some(seg) = dots {
            self.err(
                at,
                format!("the path has a `{seg}` segment, which URL normalisation resolves: the request would leave the path under the base URL"),
                Some("write the path without `.` and `..` segments; it is appended to the base URL as written".into()),
            );
        }
    }

    pub(super) fn path_of(&mut self, text: &str, at: &[&str]) -> Vec<String> {
        match split_path(text) {
            Some(p) => p,
            None => {
                self.err(
                    at,
                    format!("`{text}` is not a field path"),
                    Some("write object keys separated by dots, e.g. `data.rc`".into()),
                );
                Vec::new()
            }
        }
    }
}
