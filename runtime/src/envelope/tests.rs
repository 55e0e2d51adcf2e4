use super::*;

static RC: [&str; 2] = ["data", "rc"];

const fn env(
    success: &'static [Condition],
    payload: &'static [&'static str],
    message: Option<&'static [&'static str]>,
) -> Envelope {
    Envelope {
        success,
        pending: &[],
        payload,
        code: None,
        message,
    }
}

static NESTED: Envelope = env(
    &[
        Condition {
            path: &RC,
            test: Test::Equals(Lit::Str("00")),
        },
        Condition {
            path: &["status"],
            test: Test::Equals(Lit::Int(200)),
        },
        Condition {
            path: &["error"],
            test: Test::Absent,
        },
        Condition {
            path: &["status"],
            test: Test::NotEquals(Lit::Bool(false)),
        },
    ],
    &["data", "list"],
    Some(&["data", "message"]),
);

#[test]
fn nested_paths_and_lenient_equality() {
    let text = r#"{"data": {"rc": "00", "message": "OK", "list": [1, 2]}, "status": 200}"#;
    let body = Body::parse(text, &NESTED).unwrap();
    assert!(body.fast);
    for c in NESTED.success {
        assert!(body.holds(std::slice::from_ref(c)), "{:?}", c.path);
    }
    assert_eq!(body.text(&["data", "message"]).as_deref(), Some("OK"));
    assert_eq!(body.at(&["data", "list"]), Some("[1, 2]"));
    // Paths the envelope does not name are walked to.
    assert!(body.at(&["data", "rc", "x"]).is_none());
    assert_eq!(body.at(&["data", "rc"]), Some(r#""00""#));
    assert_eq!(body.at(&[]), Some(text));
}

#[test]
fn what_the_single_pass_refuses_is_read_as_before() {
    // `1e400` is JSON, but not an `f64`: skipped, it passes; where a
    // path goes through it, the pass reads it and refuses it.
    let text = r#"{"big": 1e400, "data": {"rc": "00", "list": [1e400]}, "status": 200}"#;
    let body = Body::parse(text, &NESTED).unwrap();
    assert!(body.fast);
    assert!(body.holds(NESTED.success));
    assert_eq!(body.at(&["data", "list"]), Some("[1e400]"));
    let text = r#"{"data": 1e400, "status": 200}"#;
    let body = Body::parse(text, &NESTED).unwrap();
    assert!(!body.fast);
    assert!(!body.holds(&NESTED.success[..1]));
    assert!(body.holds(&NESTED.success[1..]));
    assert_eq!(body.at(&["data", "list"]), None);
    assert_eq!(body.at(&["status"]), Some("200"));
}

#[test]
fn repeated_keys_keep_the_last_and_null_is_absent() {
    let text = r#"{"data": {"rc": "00", "list": 1}, "data": {"list": 2}, "error": null}"#;
    let body = Body::parse(text, &NESTED).unwrap();
    assert_eq!(body.at(&["data", "list"]), Some("2"));
    assert_eq!(body.at(&["data", "rc"]), None);
    assert!(body.holds(&NESTED.success[2..3]));
}

#[test]
fn a_path_that_ends_where_another_goes_on() {
    static BOTH: Envelope = env(&[], &["data"], Some(&["data", "message"]));
    let body = Body::parse(r#"{"data": {"message": "hi\u0021"}}"#, &BOTH).unwrap();
    assert_eq!(body.at(&["data"]), Some(r#"{"message": "hi\u0021"}"#));
    assert_eq!(body.error_fields(&BOTH).1.as_deref(), Some("hi!"));
}

#[test]
fn escaped_keys_and_values() {
    let body = Body::parse(r#"{"st\u0061tus": "2\u0030\u0030"}"#, &NESTED).unwrap();
    assert!(body.holds(&NESTED.success[1..2]));
}

#[test]
fn non_objects_have_no_fields() {
    let body = Body::parse("[1,2]", &NESTED).unwrap();
    assert!(body.at(&["data"]).is_none());
    assert!(body.at(&[]).is_some());
    let body = Body::parse(r#"{"data": "x"}"#, &NESTED).unwrap();
    assert!(body.at(&["data", "rc"]).is_none());
    assert!(Body::parse("{\"a\": 1", &NESTED).is_err());
    assert!(Body::parse("<html>", &NESTED).is_err());
    assert!(Body::parse("{} {}", &NESTED).is_err());
}

/// K7's shape: the payload is the whole body, `status` must not be `false`.
static ROOT: Envelope = Envelope {
    success: &[Condition {
        path: &["status"],
        test: Test::NotEquals(Lit::Bool(false)),
    }],
    pending: &[],
    payload: &[],
    code: Some(&["error_code"]),
    message: Some(&["message"]),
};

/// IAK's shape: `data.rc == "00"`, the payload at `data.pricelist`.
static IAK: Envelope = env(
    &[Condition {
        path: &RC,
        test: Test::Equals(Lit::Str("00")),
    }],
    &["data", "pricelist"],
    Some(&["data", "message"]),
);

/// A payload type that also reads the envelope's own field.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Answer {
    #[serde(default)]
    status: Option<bool>,
    #[serde(
        deserialize_with = "crate::codec::decode::<crate::codec::Dec, _, _>",
        serialize_with = "crate::codec::encode::<crate::codec::Dec, _, _>"
    )]
    amount: rust_decimal::Decimal,
}

fn one_pass(text: &str, env: &Envelope) -> Option<serde_json::Value> {
    decode::<serde_json::Value, crate::codec::Plain>(text, env)
}

/// What the two-pass reading gives for a successful answer.
fn two_pass(text: &str, env: &Envelope) -> Option<serde_json::Value> {
    let body = Body::parse(text, env).ok()?;
    if !body.holds(env.success) {
        return None;
    }
    serde_json::from_str(body.at(env.payload)?).ok()
}

#[test]
fn the_whole_body_is_decoded_in_the_pass_that_checks_it() {
    let ok = decode::<Answer, crate::codec::Plain>(r#"{"amount": 96496048.0450002}"#, &ROOT);
    assert_eq!(ok.unwrap().amount.to_string(), "96496048.0450002");
    let with_status =
        decode::<Answer, crate::codec::Plain>(r#"{"status": true, "amount": "1.10"}"#, &ROOT);
    assert_eq!(with_status.unwrap().status, Some(true));
    for refused in [
        r#"{"status": false, "amount": 1}"#,
        r#"{"st\u0061tus": false, "amount": 1}"#,
        r#"{"status": true, "status": false, "amount": 1}"#,
        r#"{"amount": "x"}"#,
        r#"{"amount": 1} x"#,
        r#"{"amount": 1"#,
    ] {
        assert!(
            decode::<Answer, crate::codec::Plain>(refused, &ROOT).is_none(),
            "{refused}"
        );
    }
}

#[test]
fn a_nested_payload_is_decoded_where_it_stands() {
    let text = r#"{"data": {"pricelist": [1, 2.50], "rc": "00", "message": "OK"}}"#;
    assert_eq!(one_pass(text, &IAK), Some(serde_json::json!([1, 2.50])));
    for refused in [
        r#"{"data": {"pricelist": [1], "rc": "14"}}"#,
        r#"{"data": {"rc": "00"}}"#,
        r#"{"data": {"pricelist": [1], "rc": "00"}, "data": {"rc": "00"}}"#,
        r#"{"data": [1]}"#,
        r#"{"data": 1e400}"#,
    ] {
        assert_eq!(one_pass(refused, &IAK), None, "{refused}");
    }
}

#[test]
fn one_pass_and_two_passes_agree() {
    static ALL: [&Envelope; 3] = [&ROOT, &IAK, &NESTED];
    let bodies = [
        r#"{"amount": 1}"#,
        r#"{"status": null, "amount": 1}"#,
        r#"{"status": 200, "error": null, "data": {"rc": "00", "list": {"a": [1]}}}"#,
        r#"{"status": "200", "data": {"rc": "00", "list": 1}, "data": {"rc": "00", "list": 2}}"#,
        r#"{"data": {"pricelist": [], "rc": "00"}, "status": false}"#,
        r#"{"data": {"pricelist": {"x": 1e400}, "rc": "00"}}"#,
        r#"{"big": 1e400, "data": {"rc": "00", "list": [1e400]}, "status": 200}"#,
        r#"[1, 2]"#,
        r#""text""#,
        r#"{}"#,
    ];
    for env in ALL {
        for text in bodies {
            let one = one_pass(text, env);
            if one.is_some() {
                assert_eq!(one, two_pass(text, env), "{text}");
            }
        }
    }
    assert!(one_pass(bodies[2], &NESTED).is_some());
    assert!(one_pass(bodies[0], &ROOT).is_some());
}
