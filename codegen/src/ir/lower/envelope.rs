//! Envelope conditions: the tests that tell success from an error answer.

use crate::ir::{Condition, Lowerer, Test};
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
}
