//! The runtime's request encoding, driven by hand-written operation tables
//! against a real server on 127.0.0.1: path segments, query, form and JSON
//! bodies, arrays, headers, cookies, prefixes and signatures.

use providers_mock::{MockServer, Reply};
use providers_runtime::codec::Plain;
use providers_runtime::op::*;
use providers_runtime::params::{Param, Params};
use providers_runtime::{CoreBuilder, Json, Secret};

const ENVELOPE: Envelope = Envelope {
    success: &[],
    pending: &[],
    payload: &[],
    code: None,
    message: None,
};

static FORM_OP: Operation = Operation {
    provider: "acme",
    name: "form",
    method: Method::Post,
    path: &[
        Segment::Lit("/v1/items"),
        Segment::Param("kind"),
        Segment::Optional("sub"),
    ],
    encoding: Encoding::Form,
    auth: &[
        Auth {
            location: Location::Header,
            name: "Validate",
            value: AuthValue::Credential(0),
            prefix: "Bearer ",
        },
        Auth {
            location: Location::Cookie,
            name: "apikey",
            value: AuthValue::Credential(1),
            prefix: "",
        },
        Auth {
            location: Location::Body,
            name: "sign",
            value: AuthValue::Signature(Signature {
                algorithm: Algorithm::Md5,
                template: &[
                    Piece::Credential(0),
                    Piece::Field("ref_id"),
                    Piece::Lit("x"),
                ],
                key: &[],
                output: DigestOutput::Hex,
            }),
            prefix: "",
        },
    ],
    headers: &[("cache-control", "no-cache")],
    fixed: &[(Location::Body, "action", Lit::Str("add"))],
    envelope: ENVELOPE,
    answer: Answer::Json,
    idempotent: false,
    moves_money: false,
    reference: None,
    params: &[],
    secret_fields: &[],
};

static JSON_OP: Operation = Operation {
    encoding: Encoding::Json,
    name: "json",
    ..FORM_OP
};

fn params() -> Params {
    let mut p = Params::new();
    p.push(Location::Path, "kind", Param::Str("a b/c".into()));
    p.push(Location::Body, "ref_id", Param::Str("R 1".into()));
    p.push(
        Location::Body,
        "ids",
        Param::Array(vec![Param::Int(1), Param::Int(2)]),
    );
    p.push(
        Location::Body,
        "csv",
        Param::Comma(vec![Param::Int(3), Param::Int(4)]),
    );
    p.push(
        Location::Body,
        "amount",
        Param::Dec("1000.50".parse().expect("decimal")),
    );
    p.push(
        Location::Query,
        "q",
        Param::Array(vec![Param::Str("x".into()), Param::Str("y z".into())]),
    );
    p
}

#[tokio::test]
async fn form_and_json_bodies_paths_and_auth() {
    let server = MockServer::start().await.expect("server");
    let mut b = CoreBuilder::new("acme", &["token", "key"], None, false);
    b.credential(0, Secret::new("tok-123"));
    b.credential(1, Secret::new("key-456"));
    b.base_url(format!("{}/", server.url()));
    let core = b.build().expect("core");

    server.push(Reply::json(200, "{}"));
    core.execute::<Json, Plain>(&FORM_OP, params())
        .await
        .expect("form call");
    server.push(Reply::json(200, "{}"));
    core.execute::<Json, Plain>(&JSON_OP, params())
        .await
        .expect("json call");

    let seen = server.requests();
    let form = &seen[0];
    assert_eq!(form.method, "POST");
    assert_eq!(form.target, "/v1/items/a%20b%2Fc?q=x&q=y+z");
    assert_eq!(form.header("validate"), Some("Bearer tok-123"));
    assert_eq!(form.header("cookie"), Some("apikey=key-456"));
    assert_eq!(form.header("cache-control"), Some("no-cache"));
    assert_eq!(
        form.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let body = form.body_text();
    let expected_sign = md5_hex("tok-123R 1x");
    assert_eq!(
        body,
        format!("sign={expected_sign}&action=add&ref_id=R+1&ids=1&ids=2&csv=3%2C4&amount=1000.50")
    );
    let json = &seen[1];
    assert_eq!(json.header("content-type"), Some("application/json"));
    assert_eq!(
        json.body_text(),
        format!(
            r#"{{"sign":"{expected_sign}","action":"add","ref_id":"R 1","ids":[1,2],"csv":"3,4","amount":1000.50}}"#
        )
    );
}

fn md5_hex(s: &str) -> String {
    use md5::Digest;
    md5::Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

static MONEY_OP: Operation = Operation {
    name: "pay",
    moves_money: true,
    idempotent: false,
    auth: &[],
    fixed: &[],
    path: &[Segment::Lit("/v1/pay")],
    ..FORM_OP
};

#[tokio::test]
async fn secret_parameters_echoed_by_the_server_never_print() {
    let server = MockServer::start().await.expect("server");
    let mut b = CoreBuilder::new("acme", &["token", "key"], None, false);
    b.credential(0, Secret::new("tok-123"));
    b.credential(1, Secret::new("key-456"));
    b.base_url(server.url());
    let core = b.build().expect("core");
    let password = "pa ss/wörd+1";
    let mut p = Params::new();
    p.push(Location::Body, "login", Param::Str("alice".into()));
    p.push(
        Location::Body,
        "password",
        Param::Secret(Secret::new(password)),
    );
    assert!(!format!("{p:?}").contains("wörd"), "{p:?}");
    let encoded: String = url_encode(password);
    server.push(Reply::json(
        400,
        format!(r#"{{"error": "bad password {password} / {encoded}"}}"#),
    ));
    let err = core
        .execute::<Json, Plain>(&MONEY_OP, p)
        .await
        .expect_err("HTTP 400");
    assert!(
        matches!(
            err,
            providers_runtime::Error::HttpStatus { status: 400, .. }
        ),
        "{err:?}"
    );
    assert!(
        server.requests()[0].body_text().contains(&encoded),
        "the password was sent"
    );
    let shown = format!("{err}\n{err:?}");
    assert!(
        !shown.contains("wörd") && !shown.contains(&encoded),
        "{shown}"
    );
}

fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[tokio::test]
async fn a_header_the_http_stack_refuses_is_an_invalid_request_not_an_unknown_outcome() {
    static BAD_HEADER: Operation = Operation {
        headers: &[("bad header", "x")],
        ..MONEY_OP
    };
    static OWN_ACCEPT: Operation = Operation {
        headers: &[("accept", "application/vnd.acme+json")],
        ..MONEY_OP
    };
    static BAD_VALUE: Operation = Operation {
        headers: &[("x-note", "a\r\nb")],
        ..MONEY_OP
    };
    let server = MockServer::start().await.expect("server");
    let mut b = CoreBuilder::new("acme", &["token", "key"], None, false);
    b.credential(0, Secret::new("tok-123"));
    b.credential(1, Secret::new("key-456"));
    b.base_url(server.url());
    let core = b.build().expect("core");
    for op in [&BAD_HEADER, &BAD_VALUE] {
        let err = core
            .execute::<Json, Plain>(op, Params::new())
            .await
            .expect_err("refused");
        assert!(
            matches!(err, providers_runtime::Error::InvalidRequest { .. }),
            "{err:?}"
        );
        assert!(err.is_safe_to_retry());
    }
    assert_eq!(server.request_count(), 0);

    // A spec's own `accept` replaces the engine's default instead of doubling it.
    server.push(Reply::json(200, "{}"));
    core.execute::<Json, Plain>(&OWN_ACCEPT, Params::new())
        .await
        .expect("sent");
    assert_eq!(
        server.requests()[0].header_all("accept"),
        vec!["application/vnd.acme+json"]
    );
}
