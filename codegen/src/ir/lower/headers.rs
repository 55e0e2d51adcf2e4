//! Header and cookie names: what may be sent, and where a credential may go.

use crate::ir::Lowerer;

/// RFC 9110 `token` (`tchar`: letters, digits and ``!#$%&'*+-.^_`|~``): what a
/// header name is, and what RFC 6265 asks of a cookie name.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

const TOKEN_HINT: &str =
    "a header or cookie name is a token: ASCII letters, digits and !#$%&'*+-.^_`|~ (no spaces, `:`, `=`, `;` or quotes)";

/// Headers that frame the message or concern one connection only: HTTP/1.1
/// and the HTTP client set them (or must not see them) for each request.
const CONNECTION_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Headers the runtime writes itself on every request that needs them; a
/// credential placed there would be sent next to (or lost behind) the client's own.
const CLIENT_HEADERS: &[&str] = &["content-type", "accept", "accept-encoding", "cookie"];

/// The first control character of `s` (HTAB allowed where `tab_ok`), as `U+000D`.
pub(super) fn control_char(s: &str, tab_ok: bool) -> Option<String> {
    s.chars()
        .find(|c| c.is_control() && !(tab_ok && *c == '\t'))
        .map(|c| format!("U+{:04X}", c as u32))
}

impl Lowerer<'_> {
    /// Checks the name of a header (`auth` true: one that carries a credential)
    /// written at `path` (as a mapping key when `key`).
    pub(super) fn header_name(&mut self, name: &str, path: &[&str], key: bool, auth: bool) {
        let lower = name.to_ascii_lowercase();
        if !is_token(name) {
            self.err_at(
                path,
                key,
                format!("`{name}` is not a valid HTTP header name"),
                TOKEN_HINT.into(),
            );
        } else if CONNECTION_HEADERS.contains(&lower.as_str()) {
            self.err_at(
                path,
                key,
                format!("the header `{name}` frames the message or belongs to one connection: only the HTTP client writes it"),
                "remove it: a declared value would come next to the client's own, and the server could read the request differently from the client".into(),
            );
        } else if auth && CLIENT_HEADERS.contains(&lower.as_str()) {
            self.err_at(
                path,
                key,
                format!("a credential cannot go in the `{name}` header: the client writes that header itself"),
                if lower == "cookie" {
                    "use `in: cookie` with the cookie's name".into()
                } else {
                    "put the credential in a header of its own (as the provider documents it)".into()
                },
            );
        }
    }

    /// Checks a cookie name written at `path` (as a mapping key when `key`).
    pub(super) fn cookie_name(&mut self, name: &str, path: &[&str], key: bool) {
        if !is_token(name) {
            self.err_at(
                path,
                key,
                format!("`{name}` is not a valid cookie name"),
                TOKEN_HINT.into(),
            );
        }
    }
}
