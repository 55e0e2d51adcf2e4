//! Envelope conditions: the tests that tell success from an error answer.

use crate::ir::{Condition, Envelope, Lowerer, Test};
use crate::spec;

impl Lowerer<'_> {
    pub(super) fn conditions(
        &mut self,
        conds: &[spec::Condition],
        at: Vec<&str>,
    ) -> Vec<Condition> {
        let mut out = Vec::new();
        for (i, c) in conds.iter().enumerate() {
            let idx = i.to_string();
            let mut p = at.clone();
            p.push(&idx);
            let mut fp = p.clone();
            fp.push("field");
            let path = self.path_of(&c.field, &fp);
            if path.is_empty() {
                self.err(&fp, "a condition needs a field", None);
            }
            let tests: Vec<Test> = [
                c.equals.clone().map(Test::Equals),
                c.not_equals.clone().map(Test::NotEquals),
                c.one_of.clone().map(Test::In),
                c.absent
                    .map(|a| if a { Test::Absent } else { Test::Present }),
            ]
            .into_iter()
            .flatten()
            .collect();
            if tests.len() != 1 {
                self.err(
                    &p,
                    "a condition needs exactly one of `equals`, `not_equals`, `in` or `absent`",
                    Some("e.g. `{ field: status, equals: true }`".into()),
                );
                continue;
            }
            if let Some(test) = tests.into_iter().next() {
                out.push(Condition { path, test });
            }
        }
        out
    }

    /// The endpoint's envelope: each part from the endpoint's override, or the provider's.
    pub(super) fn envelope(&mut self, e: &spec::Endpoint, base: &[&str; 2]) -> Envelope {
        let spec = &self.l.spec;
        let env = &spec.envelope;
        let ov = e.envelope.clone().unwrap_or_default();
        let payload_text = ov
            .payload
            .clone()
            .or_else(|| env.payload.clone())
            .unwrap_or_default();
        let payload_at: Vec<&str> = if ov.payload.is_some() {
            vec![base[0], base[1], "envelope", "payload"]
        } else {
            vec!["envelope", "payload"]
        };
        let payload = self.path_of(&payload_text, &payload_at);
        let success = self.conditions(
            ov.success.as_ref().unwrap_or(&env.success),
            if ov.success.is_some() {
                vec![base[0], base[1], "envelope", "success"]
            } else {
                vec!["envelope", "success"]
            },
        );
        let pending = self.conditions(
            ov.pending.as_ref().unwrap_or(&env.pending),
            if ov.pending.is_some() {
                vec![base[0], base[1], "envelope", "pending"]
            } else {
                vec!["envelope", "pending"]
            },
        );
        let (error, error_at) = match &ov.error {
            Some(err) => (err, vec![base[0], base[1], "envelope", "error"]),
            None => (&env.error, vec!["envelope", "error"]),
        };
        let at = |leaf: &'static str| -> Vec<&str> {
            let mut p = error_at.clone();
            p.push(leaf);
            p
        };
        let code = error.code.as_ref().map(|c| self.path_of(c, &at("code")));
        let message = error
            .message
            .as_ref()
            .map(|c| self.path_of(c, &at("message")));
        Envelope {
            success,
            pending,
            payload,
            code,
            message,
        }
    }
}
