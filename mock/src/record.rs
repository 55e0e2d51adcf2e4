//! What the server keeps of each request: [`Recorded`], and the form decoding
//! its helpers use.

/// One request as received by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The method exactly as sent, e.g. `"GET"`.
    pub method: String,
    /// Raw request-target exactly as sent, e.g. `"/api/x/?token=a%20b"`.
    pub target: String,
    /// The target before the first `?`.
    pub path: String,
    /// Raw text after the first `?`, not decoded (`Some("")` for a bare trailing `?`).
    pub query: Option<String>,
    /// Header names lowercased, values as sent (surrounding spaces/tabs trimmed,
    /// non-UTF-8 bytes replaced), in order, repeated headers kept.
    pub headers: Vec<(String, String)>,
    /// The body, exactly as sent.
    pub body: Vec<u8>,
    /// Sequence number of the TCP connection the request arrived on (starting at 1),
    /// so tests can check keep-alive reuse.
    pub connection: u64,
    /// The raw request head bytes: request line and header lines including the
    /// final blank line, exactly as received (original header-name casing).
    pub raw_head: Vec<u8>,
}

impl Recorded {
    /// The first value of the named header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the named header (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The query decoded as `application/x-www-form-urlencoded` (see [`form_decode`]).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query.as_deref().map(form_decode).unwrap_or_default()
    }

    /// The body decoded as `application/x-www-form-urlencoded` (see [`form_decode`]).
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        form_decode(&String::from_utf8_lossy(&self.body))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw head as text (invalid UTF-8 replaced).
    pub fn head_text(&self) -> String {
        String::from_utf8_lossy(&self.raw_head).into_owned()
    }

    /// Cookies from every `Cookie` header (`"a=b; c=d"`), in order, names and
    /// values trimmed and not decoded. A piece without `=` yields an empty value.
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.header_all("cookie")
            .into_iter()
            .flat_map(|h| h.split(';'))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect()
    }
}

/// Percent-decoding for form/query text, exposed for tests.
///
/// Splits on `&` (empty pieces skipped), then each piece at its first `=` (a
/// piece without `=` has an empty value); `+` becomes a space and `%XX` the
/// byte it encodes. Malformed escapes are kept literally, and invalid UTF-8 in
/// the decoded bytes is replaced. Order is kept.
pub fn form_decode(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k, true), decode_component(v, true))
        })
        .collect()
}

/// Percent-decoding for a path segment: `%XX` becomes the byte it encodes and
/// `+` stays `+`; malformed escapes are kept literally and invalid UTF-8 in the
/// decoded bytes is replaced.
pub fn percent_decode(s: &str) -> String {
    decode_component(s, false)
}

/// `plus_is_space`: form text, where `+` is a space.
fn decode_component(s: &str, plus_is_space: bool) -> String {
    fn hex(b: &u8) -> Option<u8> {
        (*b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn form_decode_handles_plus_percent_and_bad_escapes() {
        assert_eq!(
            form_decode("a=1&b=x+y&c=%41%2b%zz&&d&e=%E2%82%AC&f=%"),
            pairs(&[
                ("a", "1"),
                ("b", "x y"),
                ("c", "A+%zz"),
                ("d", ""),
                ("e", "€"),
                ("f", "%")
            ])
        );
        assert_eq!(form_decode(""), pairs(&[]));
        assert_eq!(form_decode("k=v=w"), pairs(&[("k", "v=w")]));
        assert_eq!(form_decode("%FF=1"), pairs(&[("\u{FFFD}", "1")]));
    }

    #[test]
    fn percent_decode_keeps_plus() {
        assert_eq!(percent_decode("a+b%20c%2Bd%zz%"), "a+b c+d%zz%");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
    }

    #[test]
    fn recorded_helpers() {
        let r = Recorded {
            method: "POST".into(),
            target: "/p?a=1&b=%20".into(),
            path: "/p".into(),
            query: Some("a=1&b=%20".into()),
            headers: pairs(&[
                ("cookie", "a=b; c=d"),
                ("x-y", "1"),
                ("cookie", " e = f ;flag"),
                ("x-y", "2"),
            ]),
            body: b"k=v+w".to_vec(),
            connection: 1,
            raw_head: Vec::new(),
        };
        assert_eq!(r.header("X-Y"), Some("1"));
        assert_eq!(r.header_all("x-y"), vec!["1", "2"]);
        assert_eq!(r.header("missing"), None);
        assert_eq!(r.query_pairs(), pairs(&[("a", "1"), ("b", " ")]));
        assert_eq!(r.form_pairs(), pairs(&[("k", "v w")]));
        assert_eq!(
            r.cookies(),
            pairs(&[("a", "b"), ("c", "d"), ("e", "f"), ("flag", "")])
        );
        assert_eq!(r.body_text(), "k=v+w");
    }
}
