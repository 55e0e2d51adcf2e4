//! Paths: URL path templates and dotted paths into a response.

use crate::diag::suggest;
use crate::ir::{Field, Location, Lowerer, Segment, Ty};
use crate::spec;

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

    /// The endpoint's URL path: `{name}` holes become path parameters (each a
    /// whole segment, optional ones last); returns the path text and its segments.
    pub(super) fn url_path(
        &mut self,
        e: &spec::Endpoint,
        base: &[&str; 2],
        params: &mut [Field],
    ) -> (String, Vec<Segment>) {
        let mut segments = Vec::new();
        let raw = if e.path.starts_with('/') {
            e.path.clone()
        } else {
            format!("/{}", e.path)
        };
        self.check_path_text(&raw, &[base[0], base[1], "path"]);
        let mut rest = raw.as_str();
        let mut holes = Vec::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.err(
                    &[base[0], base[1], "path"],
                    "a `{` in the path is not closed",
                    None,
                );
                break;
            };
            let lit = &rest[..open];
            let hole = &rest[open + 1..open + close];
            if !lit.ends_with('/') {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, right after a `/`"), None);
            }
            let lit = lit.trim_end_matches('/');
            if !lit.is_empty() {
                segments.push(Segment::Lit(lit.to_owned()));
            }
            holes.push(hole.to_owned());
            match params.iter_mut().find(|p| p.wire == hole) {
                Some(p) => {
                    if p.location != Location::Path {
                        if e.params.get(hole).and_then(|f| f.location).is_some() {
                            self.err(
                                &[base[0], base[1], "params", hole, "in"],
                                format!(
                                    "`{hole}` appears in the path but is declared `in` elsewhere"
                                ),
                                Some("remove `in:`, or rename the path hole".into()),
                            );
                        }
                        p.location = Location::Path;
                    }
                    segments.push(if p.may_be_absent {
                        Segment::Optional(hole.to_owned())
                    } else {
                        Segment::Param(hole.to_owned())
                    });
                }
                None => {
                    let names: Vec<&str> = e.params.keys().collect();
                    self.err(
                        &[base[0], base[1], "path"],
                        format!("the path names `{{{hole}}}`, which is not a parameter"),
                        Some(format!(
                            "declare it under `params:` ({})",
                            suggest(hole, &names)
                        )),
                    );
                }
            }
            rest = &rest[open + close + 1..];
            if !(rest.is_empty() || rest.starts_with('/')) {
                self.err(&[base[0], base[1], "path"], format!("the path parameter `{{{hole}}}` must be a whole segment, followed by `/` or the end"), None);
            }
        }
        if !rest.is_empty() {
            segments.push(Segment::Lit(rest.to_owned()));
        }
        self.check_optional_last(&segments, base);
        self.check_path_params(params, &holes, base);
        (raw, segments)
    }

    /// Optional path parameters come after every other segment.
    fn check_optional_last(&mut self, segments: &[Segment], base: &[&str; 2]) {
        let mut seen_optional = false;
        for s in segments {
            match s {
                Segment::Optional(_) => seen_optional = true,
                _ if seen_optional => {
                    self.err(
                        &[base[0], base[1], "path"],
                        "optional path parameters must come last in the path",
                        Some(
                            "make the later parameters optional too, or the earlier one required"
                                .into(),
                        ),
                    );
                    break;
                }
                _ => {}
            }
        }
    }

    /// Each `in: path` parameter has its hole, and is a scalar.
    fn check_path_params(&mut self, params: &[Field], holes: &[String], base: &[&str; 2]) {
        for p in params {
            if p.location == Location::Path && !holes.contains(&p.wire) {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "in"],
                    format!(
                        "`{}` is declared `in: path`, but the path has no `{{{}}}`",
                        p.wire, p.wire
                    ),
                    Some(format!("add `/{{{}}}` to the path", p.wire)),
                );
            }
            if p.location == Location::Path
                && !matches!(
                    p.ty,
                    Ty::Str | Ty::Secret | Ty::Int | Ty::Dec | Ty::Bool | Ty::Model(_)
                )
            {
                self.err(
                    &[base[0], base[1], "params", &p.wire, "type"],
                    "path parameters must be scalars",
                    None,
                );
            }
        }
    }
}
