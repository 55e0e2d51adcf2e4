//! Faults the mock injects per endpoint (`--fault check_status=delay:2s`),
//! the transport and body failures `docs/fault-matrix.md` lists.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use providers_mock::{Fault as WireFault, Reply};

use super::ArgError;

/// How an endpoint's answer goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `delay:2s`, `delay:250ms`: wait this long before the status line (a
    /// client with a shorter timeout gives up; the answer itself is unchanged).
    Delay(Duration),
    /// `reset`: close the connection with a reset, no response at all.
    Reset,
    /// `reset-mid-body`: the head promises the whole body, half of it is sent,
    /// then the connection is reset.
    ResetMidBody,
    /// `status:503`: this HTTP status (400 to 599) with a short plain-text body
    /// instead of the example.
    Status(u16),
    /// `html`: HTTP 200 with an HTML page (a proxy's or a maintenance page)
    /// instead of the example's JSON.
    Html,
    /// `truncate`: the example's status with the first half of its JSON body,
    /// framed as complete (its `content-length` is the half).
    Truncate,
}

/// The forms [`Fault`] accepts, for messages.
pub(crate) const FAULT_FORMS: &str =
    "delay:DURATION (e.g. 2s, 250ms), reset, reset-mid-body, status:CODE (400-599), html, truncate";

/// The page [`Fault::Html`] serves.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>The server is down for maintenance (fault injected by the mock).</p></body></html>\n";

impl Fault {
    /// Whether it delays the answer rather than replacing it (a delay combines
    /// with one other fault).
    pub fn is_delay(self) -> bool {
        matches!(self, Fault::Delay(_))
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Delay(d) => write!(f, "delay:{}ms", d.as_millis()),
            Fault::Reset => f.write_str("reset"),
            Fault::ResetMidBody => f.write_str("reset-mid-body"),
            Fault::Status(s) => write!(f, "status:{s}"),
            Fault::Html => f.write_str("html"),
            Fault::Truncate => f.write_str("truncate"),
        }
    }
}

fn duration(text: &str) -> Option<Duration> {
    let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = digits.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        "m" => n.checked_mul(60).map(Duration::from_secs),
        _ => None,
    }
}

impl FromStr for Fault {
    type Err = ArgError;

    fn from_str(s: &str) -> Result<Fault, ArgError> {
        let bad = || ArgError(format!("unknown fault `{s}`: expected {FAULT_FORMS}"));
        match s.split_once(':') {
            Some(("delay", d)) => duration(d).map(Fault::Delay).ok_or_else(|| {
                ArgError(format!(
                    "`{d}` is not a duration: a whole number with ms, s or m (`2s`, `250ms`)"
                ))
            }),
            Some(("status", code)) => match code.parse::<u16>() {
                Ok(c) if (400..=599).contains(&c) => Ok(Fault::Status(c)),
                _ => Err(ArgError(format!(
                    "`{code}` is not an HTTP error status: expected 400 to 599"
                ))),
            },
            Some(_) => Err(bad()),
            None => match s {
                "reset" => Ok(Fault::Reset),
                "reset-mid-body" => Ok(Fault::ResetMidBody),
                "html" => Ok(Fault::Html),
                "truncate" => Ok(Fault::Truncate),
                _ => Err(bad()),
            },
        }
    }
}

/// `ENDPOINT=FAULT` or `MODULE.ENDPOINT=FAULT`, as `--fault` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultArg {
    /// The endpoint: its name in the spec, or `module.name` when several specs have it.
    pub endpoint: String,
    /// What goes wrong.
    pub fault: Fault,
}

impl FromStr for FaultArg {
    type Err = ArgError;

    fn from_str(s: &str) -> Result<FaultArg, ArgError> {
        let Some((endpoint, fault)) = s.split_once('=') else {
            return Err(ArgError(format!(
                "expected ENDPOINT=FAULT (e.g. `top_up=reset`), where FAULT is {FAULT_FORMS}"
            )));
        };
        if endpoint.is_empty() {
            return Err(ArgError("the endpoint before `=` is empty".into()));
        }
        Ok(FaultArg {
            endpoint: endpoint.to_owned(),
            fault: fault.parse()?,
        })
    }
}

/// The reply for an example answer (`status`, JSON `body`) after `faults`.
pub(crate) fn reply(status: u16, content_type: &str, body: &[u8], faults: &[Fault]) -> Reply {
    let mut reply = Reply::text(status, content_type, body);
    let mut delay = None;
    let mut wire = None;
    for f in faults {
        match *f {
            Fault::Delay(d) => delay = Some(d),
            Fault::Reset => wire = Some(WireFault::ResetBeforeResponse),
            Fault::ResetMidBody => wire = Some(WireFault::ResetMidBody),
            Fault::Status(code) => {
                reply = Reply::text(
                    code,
                    "text/plain; charset=utf-8",
                    format!("HTTP {code} (fault injected by the mock)\n"),
                );
            }
            Fault::Html => reply = Reply::text(200, "text/html; charset=utf-8", HTML_PAGE),
            Fault::Truncate => {
                // Half the body; a text body is cut on a character boundary.
                let half = body.len() / 2;
                let cut = match std::str::from_utf8(body) {
                    Ok(text) => (0..=half)
                        .rev()
                        .find(|i| text.is_char_boundary(*i))
                        .unwrap_or(0),
                    Err(_) => half,
                };
                reply = Reply::text(status, content_type, body.get(..cut).unwrap_or_default());
            }
        }
    }
    if let Some(d) = delay {
        reply = reply.delay(d);
    }
    if let Some(w) = wire {
        reply = reply.fault(w);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_and_print_back() {
        for (text, want) in [
            ("delay:2s", Fault::Delay(Duration::from_secs(2))),
            ("delay:250ms", Fault::Delay(Duration::from_millis(250))),
            ("delay:1m", Fault::Delay(Duration::from_secs(60))),
            ("reset", Fault::Reset),
            ("reset-mid-body", Fault::ResetMidBody),
            ("status:503", Fault::Status(503)),
            ("html", Fault::Html),
            ("truncate", Fault::Truncate),
        ] {
            assert_eq!(text.parse::<Fault>(), Ok(want), "{text}");
            assert_eq!(want.to_string().parse::<Fault>(), Ok(want));
        }
        for bad in [
            "",
            "delay",
            "delay:",
            "delay:2",
            "delay:2h",
            "delay:s",
            "status:200",
            "status:x",
            "status:600",
            "Reset",
            "boom",
            "html:1",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad}");
        }
        let arg: FaultArg = "iak_prepaid.top_up=status:502".parse().expect("parses");
        assert_eq!(arg.endpoint, "iak_prepaid.top_up");
        assert_eq!(arg.fault, Fault::Status(502));
        assert!("top_up".parse::<FaultArg>().is_err());
        assert!("=reset".parse::<FaultArg>().is_err());
        let e = "top_up=explode".parse::<FaultArg>().expect_err("unknown");
        assert!(e.0.contains("reset-mid-body"), "{e}");
    }

    const JSON: &str = "application/json";

    #[test]
    fn truncation_cuts_on_a_character_boundary() {
        let body = r#"{"m":"€€€€"}"#;
        let r = reply(200, JSON, body.as_bytes(), &[Fault::Truncate]);
        assert_eq!(r, Reply::json(200, r#"{"m":"€"#));
        assert_eq!(
            reply(
                200,
                JSON,
                b"{}",
                &[Fault::Delay(Duration::from_millis(5)), Fault::Reset]
            ),
            Reply::json(200, "{}")
                .delay(Duration::from_millis(5))
                .fault(WireFault::ResetBeforeResponse)
        );
    }
}
