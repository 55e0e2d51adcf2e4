//! The one rule that decides, after each attempt, what a call does next:
//! read the answer, follow a redirect, try again, or fail, and with which error.
//!
//! [`decide`] is a pure function of the endpoint's [`CallKind`] and what the
//! engine saw ([`Happened`]); the engine in [`crate::client`] only gathers the
//! facts and builds the error it names. `docs/fault-matrix.md` is this
//! function written out, and its table test below covers every row.
//!
//! The rules, in short:
//! - A call that moves money reaches the provider at most once: it is never
//!   retried nor redirected, and once anything may have been sent, a lost or
//!   unreadable answer, a 3xx or a 5xx is [`ErrorKind::OutcomeUnknown`].
//! - Other calls that are not idempotent are never repeated either: a lost
//!   answer is `OutcomeUnknown`, a redirect is [`ErrorKind::Redirect`].
//! - Idempotent calls are retried after connection failures, timeouts, 429
//!   and 502-504, and follow redirects within the base URL's origin only
//!   (credentials never go to another origin).
//! - "Nothing was sent" is a fact the engine records (no connection was ever
//!   made), not a guess from the kind of the last error.

use crate::error::ErrorKind;
use crate::op::Operation;

/// Most redirects an idempotent call follows.
pub const MAX_REDIRECTS: usize = 5;

/// What repeating an endpoint would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Safe to repeat (a read, a status check).
    Idempotent,
    /// Not safe to repeat, moves no money (create, delete).
    NotIdempotent,
    /// Moves money (a purchase, a top-up, a payment).
    MovesMoney,
}

impl CallKind {
    /// The kind of an endpoint.
    pub fn of(op: &Operation) -> CallKind {
        if op.moves_money {
            CallKind::MovesMoney
        } else if op.idempotent {
            CallKind::Idempotent
        } else {
            CallKind::NotIdempotent
        }
    }
}

/// How much of the body was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRead {
    /// All of it.
    Whole,
    /// The connection broke or the deadline passed while reading it.
    CutOff {
        /// The deadline passed.
        timed_out: bool,
    },
    /// It was larger than the client's limit; reading stopped there.
    TooLarge,
}

/// Where a redirect points, relative to the base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirect {
    /// The same scheme, host and port as the base URL.
    SameOrigin,
    /// Another origin (or an unparsable `Location`).
    OtherOrigin,
    /// The same origin, but [`MAX_REDIRECTS`] were already followed.
    TooMany,
}

/// What one attempt ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happened {
    /// The request could not be built (a header the HTTP stack refuses):
    /// nothing was sent.
    Unsendable,
    /// No connection was made (refused, DNS, TLS handshake, connect
    /// timeout): nothing was sent.
    NotConnected {
        /// The connect timeout passed.
        timed_out: bool,
    },
    /// The request may have been written, and no status line came back
    /// (reset, closed, or the deadline passed).
    NoAnswer {
        /// The deadline passed.
        timed_out: bool,
    },
    /// A status line came back.
    Answered {
        /// HTTP status.
        status: u16,
        /// How much of the body was read.
        body: BodyRead,
        /// For 301, 302, 303, 307 and 308 with a `Location`: where it points.
        redirect: Option<Redirect>,
    },
    /// The whole body of a 2xx answer was read, but it is not the declared
    /// payload (not UTF-8, not JSON, the wrong shape, no payload where the
    /// envelope puts it).
    Unreadable {
        /// HTTP status.
        status: u16,
    },
}

/// What the call does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Read the answer through the envelope.
    Judge,
    /// Send the request again to the redirect's target (same origin).
    Follow,
    /// Stop with an error of this kind, unless `retry` and attempts remain.
    Fail {
        /// The error to report.
        kind: ErrorKind,
        /// Another attempt may be made (after a backoff).
        retry: bool,
    },
}

fn fail(kind: ErrorKind, retry: bool) -> Verdict {
    Verdict::Fail { kind, retry }
}

/// True for the statuses that redirect with a `Location`.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The rule. See the module docs.
pub fn decide(kind: CallKind, happened: Happened) -> Verdict {
    use CallKind::*;
    use ErrorKind as E;
    let lost = |timed_out: bool| match kind {
        Idempotent if timed_out => fail(E::Timeout, true),
        Idempotent => fail(E::Transport, true),
        NotIdempotent | MovesMoney => fail(E::OutcomeUnknown, false),
    };
    match happened {
        Happened::Unsendable => fail(E::InvalidRequest, false),
        Happened::NotConnected { timed_out } => fail(
            if timed_out { E::Timeout } else { E::Transport },
            kind == Idempotent,
        ),
        Happened::NoAnswer { timed_out } => lost(timed_out),
        Happened::Answered {
            status,
            body,
            redirect,
        } => {
            if kind == MovesMoney && ((300..400).contains(&status) || status >= 500) {
                // The provider may have processed it: look it up, never re-send.
                return fail(E::OutcomeUnknown, false);
            }
            if let Some(r) = redirect {
                return match (kind, r) {
                    (Idempotent, Redirect::SameOrigin) => Verdict::Follow,
                    _ => fail(E::Redirect, false),
                };
            }
            match body {
                BodyRead::CutOff { timed_out } => lost(timed_out),
                BodyRead::TooLarge if kind == MovesMoney && (200..300).contains(&status) => {
                    fail(E::OutcomeUnknown, false)
                }
                BodyRead::TooLarge => fail(E::BodyTooLarge, false),
                BodyRead::Whole
                    if kind == Idempotent && matches!(status, 429 | 502 | 503 | 504) =>
                {
                    fail(E::HttpStatus, true)
                }
                BodyRead::Whole => Verdict::Judge,
            }
        }
        Happened::Unreadable { status } => {
            if kind == MovesMoney && (200..300).contains(&status) {
                fail(E::OutcomeUnknown, false)
            } else {
                fail(E::Decode, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BodyRead::*;
    use CallKind::*;
    use ErrorKind as E;

    fn answered(status: u16, body: BodyRead) -> Happened {
        Happened::Answered {
            status,
            body,
            redirect: None,
        }
    }

    fn redirect(status: u16, r: Redirect) -> Happened {
        Happened::Answered {
            status,
            body: Whole,
            redirect: Some(r),
        }
    }

    /// `(what happened, [idempotent, not idempotent, moves money])`, written
    /// as the fault matrix reads: `!` after a kind means "retried".
    fn matrix() -> Vec<(&'static str, Happened, [&'static str; 3])> {
        let mut rows = vec![
            (
                "header refused by the HTTP stack",
                Happened::Unsendable,
                ["InvalidRequest", "InvalidRequest", "InvalidRequest"],
            ),
            (
                "connection refused",
                Happened::NotConnected { timed_out: false },
                ["Transport!", "Transport", "Transport"],
            ),
            (
                "connect timeout",
                Happened::NotConnected { timed_out: true },
                ["Timeout!", "Timeout", "Timeout"],
            ),
            (
                "reset before response",
                Happened::NoAnswer { timed_out: false },
                ["Transport!", "OutcomeUnknown", "OutcomeUnknown"],
            ),
            (
                "headers slower than the timeout",
                Happened::NoAnswer { timed_out: true },
                ["Timeout!", "OutcomeUnknown", "OutcomeUnknown"],
            ),
            (
                "reset mid-body",
                answered(200, CutOff { timed_out: false }),
                ["Transport!", "OutcomeUnknown", "OutcomeUnknown"],
            ),
            (
                "body trickling past the timeout",
                answered(200, CutOff { timed_out: true }),
                ["Timeout!", "OutcomeUnknown", "OutcomeUnknown"],
            ),
            ("200", answered(200, Whole), ["Judge", "Judge", "Judge"]),
            (
                "400 (envelope error)",
                answered(400, Whole),
                ["Judge", "Judge", "Judge"],
            ),
            (
                "500",
                answered(500, Whole),
                ["Judge", "Judge", "OutcomeUnknown"],
            ),
            (
                "502",
                answered(502, Whole),
                ["HttpStatus!", "Judge", "OutcomeUnknown"],
            ),
            (
                "503",
                answered(503, Whole),
                ["HttpStatus!", "Judge", "OutcomeUnknown"],
            ),
            (
                "504",
                answered(504, Whole),
                ["HttpStatus!", "Judge", "OutcomeUnknown"],
            ),
            (
                "429",
                answered(429, Whole),
                ["HttpStatus!", "Judge", "Judge"],
            ),
            (
                "huge 200 body",
                answered(200, TooLarge),
                ["BodyTooLarge", "BodyTooLarge", "OutcomeUnknown"],
            ),
            (
                "huge 400 body",
                answered(400, TooLarge),
                ["BodyTooLarge", "BodyTooLarge", "BodyTooLarge"],
            ),
            (
                "unreadable 200 body (HTML, truncated, wrong types, empty)",
                Happened::Unreadable { status: 200 },
                ["Decode", "Decode", "OutcomeUnknown"],
            ),
        ];
        for status in [301, 302, 303, 307, 308] {
            rows.push((
                "redirect within the origin",
                redirect(status, Redirect::SameOrigin),
                ["Follow", "Redirect", "OutcomeUnknown"],
            ));
            rows.push((
                "redirect to another origin",
                redirect(status, Redirect::OtherOrigin),
                ["Redirect", "Redirect", "OutcomeUnknown"],
            ));
            rows.push((
                "redirect past the hop limit",
                redirect(status, Redirect::TooMany),
                ["Redirect", "Redirect", "OutcomeUnknown"],
            ));
        }
        for status in [300, 304, 305, 306] {
            // Not a redirect the engine follows: judged as an HTTP error status.
            rows.push((
                "3xx without a redirect",
                answered(status, Whole),
                ["Judge", "Judge", "OutcomeUnknown"],
            ));
        }
        rows
    }

    fn show(v: Verdict) -> String {
        match v {
            Verdict::Judge => "Judge".into(),
            Verdict::Follow => "Follow".into(),
            Verdict::Fail { kind, retry } => format!("{kind:?}{}", if retry { "!" } else { "" }),
        }
    }

    #[test]
    fn the_fault_matrix() {
        for (what, happened, expected) in matrix() {
            for (kind, want) in [Idempotent, NotIdempotent, MovesMoney]
                .into_iter()
                .zip(expected)
            {
                assert_eq!(
                    show(decide(kind, happened)),
                    want,
                    "{what} ({happened:?}), {kind:?}"
                );
            }
        }
    }

    #[test]
    fn only_idempotent_calls_are_ever_repeated() {
        for (_, happened, _) in matrix() {
            for kind in [NotIdempotent, MovesMoney] {
                let v = decide(kind, happened);
                assert!(
                    !matches!(v, Verdict::Follow | Verdict::Fail { retry: true, .. }),
                    "{kind:?} {happened:?}: {v:?}"
                );
            }
        }
    }

    #[test]
    fn a_money_call_that_may_have_been_sent_never_fails_as_if_it_was_not() {
        for (_, happened, _) in matrix() {
            let sent = !matches!(
                happened,
                Happened::Unsendable | Happened::NotConnected { .. }
            );
            let v = decide(MovesMoney, happened);
            let safe = matches!(
                v,
                Verdict::Fail {
                    kind: E::Transport | E::Timeout | E::InvalidRequest,
                    ..
                }
            );
            assert!(!(sent && safe), "{happened:?}: {v:?}");
        }
    }
}
