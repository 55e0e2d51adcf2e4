//! Credentials that never print.

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

/// Replaces every occurrence of any secret in `text` with `***`.
/// Secrets shorter than 4 characters are not searched for (too many false hits,
/// and too short to be a real key).
pub(crate) fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if s.len() >= 4 && out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value() {
        let s = Secret::new("sk_live_123456");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "sk_live_123456");
    }

    #[test]
    fn redact_replaces_every_occurrence() {
        let secrets = vec!["abcd1234".to_owned(), "xy".to_owned()];
        assert_eq!(
            redact("token abcd1234 and abcd1234 xy", &secrets),
            "token *** and *** xy"
        );
    }
}
