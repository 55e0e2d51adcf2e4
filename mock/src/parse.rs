//! Request heads: the request line, header lines and `Content-Length` framing
//! of an HTTP/1.1 request, as a client such as reqwest sends them. Anything
//! else (another version, `Transfer-Encoding`, malformed lines) is refused, so
//! the connection answers `400 Bad Request`.

/// Largest accepted request head (request line, headers and the blank line), in bytes.
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Largest accepted request body, in bytes.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) target: String,
    /// Names lowercased, values trimmed, in order.
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body length from `Content-Length` (0 without one).
    pub(crate) fn body_length(&self) -> Result<usize, &'static str> {
        if self.values("transfer-encoding").next().is_some() {
            return Err("transfer-encoding is not supported");
        }
        let mut length: Option<usize> = None;
        for v in self.values("content-length").flat_map(|v| v.split(',')) {
            let v = v.trim();
            if v.is_empty() || v.len() > 12 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err("invalid content-length");
            }
            let n: usize = v.parse().map_err(|_| "invalid content-length")?;
            if length.is_some_and(|l| l != n) {
                return Err("conflicting content-length values");
            }
            length = Some(n);
        }
        match length {
            Some(n) if n > MAX_BODY_BYTES => Err("request body too large"),
            n => Ok(n.unwrap_or(0)),
        }
    }

    /// Whether the client asked to close the connection after this request.
    pub(crate) fn wants_close(&self) -> bool {
        self.values("connection").any(|v| has_token(v, "close"))
    }
}

/// Whether a comma-separated header value contains `token` (case-insensitive).
pub(crate) fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

pub(crate) fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Parses a request head: request line plus header lines, each ending in
/// `\n` (optionally preceded by `\r`), ending with a blank line.
pub(crate) fn parse_head(head: &[u8]) -> Result<Head, &'static str> {
    // Only `\n`-terminated lines count; a trailing fragment is never a line.
    let mut lines = head
        .split_inclusive(|&b| b == b'\n')
        .filter_map(|l| l.strip_suffix(b"\n"))
        .map(strip_cr);
    let request_line = lines.next().ok_or("empty request")?;

    let mut parts = request_line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("malformed request line");
    };
    if method.is_empty() || !method.iter().all(|&b| is_tchar(b)) {
        return Err("malformed method");
    }
    if target.is_empty() || target.iter().any(|&b| b < 0x21 || b == 0x7f) {
        return Err("malformed request target");
    }
    let target = std::str::from_utf8(target).map_err(|_| "request target is not UTF-8")?;
    if version != b"HTTP/1.1" {
        return Err("unsupported HTTP version");
    }

    let mut headers = Vec::new();
    let mut ended = false;
    for line in lines {
        if line.is_empty() {
            ended = true;
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return Err("obsolete header line folding");
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or("header line without colon")?;
        let (name, value) = line.split_at(colon);
        let value = trim_ows(value.get(1..).unwrap_or_default());
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err("malformed header name");
        }
        if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err("control character in header value");
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let value = String::from_utf8_lossy(value).into_owned();
        headers.push((name, value));
    }
    if !ended {
        return Err("unterminated request head");
    }
    Ok(Head {
        method: String::from_utf8_lossy(method).into_owned(),
        target: target.to_string(),
        headers,
    })
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
    fn parse_head_accepts_bare_lf_and_rejects_junk() {
        let h = parse_head(b"GET /x?y HTTP/1.1\nA:  b \nConnection: keep-alive, Close\n\n")
            .expect("valid");
        assert_eq!(h.method, "GET");
        assert_eq!(h.target, "/x?y");
        assert_eq!(
            h.headers,
            pairs(&[("a", "b"), ("connection", "keep-alive, Close")])
        );
        assert!(h.wants_close());

        for bad in [
            &b"GET /x HTTP/2.0\r\n\r\n"[..],
            b"GET /x HTTP/1.0\r\n\r\n",
            b"GET  /x HTTP/1.1\r\n\r\n",
            b"G(T /x HTTP/1.1\r\n\r\n",
            b"GET /x HTTP/1.1\r\nNo colon\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA : b\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\0c\r\n\r\n",
            b"GET /\xff HTTP/1.1\r\n\r\n",
            b"GET /x HTTP/1.1\r\nA: b\r\n",
        ] {
            assert!(
                parse_head(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn body_length_rules() {
        let f = |s: &[u8]| parse_head(s).expect("valid head").body_length();
        assert_eq!(f(b"POST / HTTP/1.1\r\n\r\n"), Ok(0));
        assert_eq!(
            f(b"POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5, 5\r\n\r\n"),
            Ok(5)
        );
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n").is_err());
        assert!(f(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").is_err());
    }
}
