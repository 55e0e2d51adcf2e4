//! Credentials that never print, and the redaction of everything that might
//! carry one.

use std::fmt;

/// A credential (token, API key, password). Its `Debug` prints `Secret(***)`,
/// it has no `Display`, and the only way to read it is [`Secret::expose`],
/// which the runtime calls when it places the value on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value. Call only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

/// Secrets shorter than this are not searched for (too many false hits, and
/// too short to be a real key).
const MIN_LEN: usize = 4;

/// What replaces a secret.
const MASK: &str = "***";

/// Removes secrets from text that came back from a provider or from a
/// transport error: body excerpts, provider messages, causes.
///
/// A provider echoes what it was sent in whatever encoding it likes, so each
/// secret is searched in every form it can travel or come back in: as is,
/// percent-encoded (form style with `+`, path style with `%20`, upper- and
/// lowercase hex), JSON-escaped (also with `\/` and `\uXXXX`, as PHP writes
/// it) and HTML-escaped. A secret cut off at the very end of a text (a
/// truncated echo) is masked too. Response fields declared `secret: true` are
/// masked by name: the value after `"name":` is replaced, even in broken JSON.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Every form of every secret, longest first.
    needles: Vec<String>,
    /// Wire names of secret response fields.
    fields: &'static [&'static str],
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} forms)", self.needles.len())
    }
}

impl Redactor {
    /// Adds a secret, in every form it may take.
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.len() < MIN_LEN {
            return;
        }
        for form in forms(secret) {
            if !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Masks the values of these response fields too.
    pub(crate) fn mask_fields(&mut self, fields: &'static [&'static str]) {
        self.fields = fields;
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for n in &self.needles {
            if out.contains(n.as_str()) {
                out = out.replace(n.as_str(), MASK);
            }
        }
        // A secret cut off by the end of the text.
        for n in &self.needles {
            let cut = (MIN_LEN..n.len())
                .rev()
                .filter(|&k| n.is_char_boundary(k))
                .find(|&k| out.ends_with(&n[..k]));
            if let Some(k) = cut {
                out.truncate(out.len() - k);
                out.push_str(MASK);
            }
        }
        for field in self.fields {
            out = mask_field(&out, field);
        }
        out
    }

    /// Redacts every string of a JSON value in place, and masks the values
    /// of secret fields.
    pub(crate) fn redact_json(&self, v: &mut serde_json::Value) {
        mask_json(v, self.fields, &|s| {
            let r = self.redact(s);
            (r != s).then_some(r)
        });
    }
}

/// Masks the values of `fields` anywhere in `v` with `"***"`, and rewrites
/// every other string with `clean` (which returns `None` to leave it).
pub(crate) fn mask_json(
    v: &mut serde_json::Value,
    fields: &[&str],
    clean: &dyn Fn(&str) -> Option<String>,
) {
    use serde_json::Value as V;
    match v {
        V::String(s) => {
            if let Some(c) = clean(s) {
                *s = c;
            }
        }
        V::Array(items) => {
            for i in items {
                mask_json(i, fields, clean);
            }
        }
        V::Object(map) => {
            for (k, x) in map.iter_mut() {
                if fields.contains(&k.as_str()) && !x.is_object() && !x.is_array() && !x.is_null() {
                    *x = V::String(MASK.to_owned());
                } else {
                    mask_json(x, fields, clean);
                }
            }
        }
        _ => {}
    }
}

/// The forms a secret takes on the wire and in echoes of it.
fn forms(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let path = form.replace('+', "%20");
    let json = {
        let quoted = serde_json::Value::String(secret.to_owned()).to_string();
        quoted[1..quoted.len() - 1].to_owned()
    };
    let json_ascii: String = json
        .chars()
        .flat_map(|c| {
            if c.is_ascii() {
                vec![c.to_string()]
            } else {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;");
    let mut out = vec![secret.to_owned()];
    for f in [form, path] {
        out.push(lower_hex(&f));
        out.push(f);
    }
    for j in [json, json_ascii] {
        out.push(j.replace('/', "\\/"));
        out.push(j);
    }
    out.push(html);
    out.sort();
    out.dedup();
    out
}

/// Percent-escapes with lowercase hex digits (`%2f`).
fn lower_hex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i..i + 3).unwrap_or(&rest[i..]);
        out.push_str(&esc.to_ascii_lowercase());
        rest = &rest[i + esc.len()..];
    }
    out.push_str(rest);
    out
}

/// Masks the value after every `"field":` in (possibly broken) JSON text.
fn mask_field(text: &str, field: &str) -> String {
    let key = format!("\"{field}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&key) {
        let after_key = i + key.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let gap = rest.len() - rest.trim_start().len();
        let Some(colon) = rest[gap..].strip_prefix(':') else {
            continue;
        };
        let value = colon.trim_start();
        let lead = rest.len() - value.len();
        out.push_str(&rest[..lead]);
        let end = if let Some(body) = value.strip_prefix('"') {
            // Through the closing quote, or the end of a cut-off text.
            let mut escaped = false;
            let mut end = value.len();
            for (j, c) in body.char_indices() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = j + 2;
                        break;
                    }
                    _ => {}
                }
            }
            end
        } else {
            value
                .find(|c: char| matches!(c, ',' | '}' | ']') || c.is_whitespace())
                .unwrap_or(value.len())
        };
        if value.starts_with(['{', '[']) {
            // Not a scalar: leave the structure, its own fields are checked by name.
            rest = value;
            continue;
        }
        out.push_str(if value.starts_with('"') {
            "\"***\""
        } else {
            MASK
        });
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(secrets: &[&str]) -> Redactor {
        let mut r = Redactor::default();
        for s in secrets {
            r.add(s);
        }
        r
    }

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("sk_live_123456");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "sk_live_123456");
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let r = redactor(&["abcd1234", "xy"]);
        assert_eq!(
            r.redact("token abcd1234 and abcd1234 xy"),
            "token *** and *** xy"
        );
    }

    #[test]
    fn every_encoding_of_a_secret_is_masked() {
        let secret = "a/b+c d\"é&<k>'";
        let r = redactor(&[secret]);
        let echoes = [
            secret.to_owned(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
            "a%2fb%2bc%20d%22%c3%a9%26%3ck%3e%27".to_owned(),
            r#"a/b+c d\"é&<k>'"#.to_owned(),
            r#"a\/b+c d\"\u00e9&<k>'"#.to_owned(),
            "a/b+c d&quot;é&amp;&lt;k&gt;&#039;".to_owned(),
        ];
        for echo in echoes {
            let out = r.redact(&format!("{{\"echo\": \"{echo}\"}}"));
            assert_eq!(out, "{\"echo\": \"***\"}", "{echo}");
        }
    }

    #[test]
    fn a_secret_cut_off_at_the_end_is_masked() {
        let r = redactor(&["TOKEN-123456789"]);
        assert_eq!(r.redact("{\"token\": \"TOKEN-1234"), "{\"token\": \"***");
        // Shorter than the minimum: too common to be a hint.
        assert_eq!(r.redact("TOK"), "TOK");
    }

    #[test]
    fn secret_fields_are_masked_by_name_even_in_broken_json() {
        let mut r = Redactor::default();
        r.mask_fields(&["password"]);
        assert_eq!(
            r.redact(r#"{"password": "hunter\"2", "id": 5, "x": {"password":7}}"#),
            r#"{"password": "***", "id": 5, "x": {"password":***}}"#
        );
        assert_eq!(r.redact(r#"{"password": "hunt"#), r#"{"password": "***""#);
        assert_eq!(r.redact(r#"{"password"}"#), r#"{"password"}"#);
    }
}
