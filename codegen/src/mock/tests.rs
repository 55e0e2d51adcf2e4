//! The matcher on a small spec of its own: routing by fixed values and by the
//! parameters present, every kind of problem, example choice, faults, setup
//! errors and masking.

use std::path::Path;

use md5::Digest;
use providers_mock::{Recorded, Reply};

use super::*;

const SHOP: &str = r#"
provider:
  name: Test shop
base_url:
  environments:
    live: https://shop.example
  default: live
credentials:
  user: {}
  secret_key: {}
auth:
  - { in: body, name: user, credential: user }
  - in: body
    name: sig
    signature:
      algorithm: md5
      template: "{user}{secret_key}{action}"
encoding: form
envelope:
  success:
    - field: error
      absent: true
  error:
    message: error
endpoints:
  status:
    method: POST
    path: /api
    fixed: { action: status }
    params:
      order: { type: integer }
    response: json
    examples:
      - name: found
        request: { order: 1 }
        response: { body: { state: done } }
      - name: missing, really
        request: { order: 2 }
        response: { outcome: error, body: { error: no such order } }
  multi_status:
    method: POST
    path: /api
    fixed: { action: status }
    params:
      orders: { type: "list<integer>", max_items: 3 }
    response: json
    examples:
      - request: { orders: [1, 2] }
        response: { body: { "1": { state: done }, "2": { state: new } } }
  item:
    method: GET
    path: /items/{id}
    auth:
      - { in: header, name: Authorization, credential: secret_key, prefix: "Bearer " }
    headers: { cache-control: no-cache }
    params:
      id: { type: string }
      password: { type: string, secret: true, optional: true }
    response: json
"#;

fn spec(module: &str) -> (Loaded, ir::Provider) {
    let file = format!("{module}.yaml");
    let loaded = crate::load::load_str(Path::new(&file), SHOP.to_owned()).expect("loads");
    crate::analyze(loaded).expect("valid")
}

fn mock(settings: &Settings) -> Mock {
    Mock::new(vec![spec("shop")], settings).expect("mock")
}

fn sig(action: &str) -> String {
    let digest = md5::Md5::digest(format!("mock-usermock-secret_key{action}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Recorded {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.to_owned(), None),
    };
    Recorded {
        method: method.to_owned(),
        target: target.to_owned(),
        path,
        query,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        connection: 1,
        raw_head: format!("{method} {target} HTTP/1.1\r\n\r\n").into_bytes(),
    }
}

/// A form POST to `/api` with the right auth and `fields`.
fn form(fields: &str) -> Recorded {
    let action = providers_mock::form_decode(fields)
        .into_iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v)
        .unwrap_or_default();
    request(
        "POST",
        "/api",
        &[("content-type", "application/x-www-form-urlencoded")],
        &format!("user=mock-user&sig={}&{fields}", sig(&action)),
    )
}

fn matched(a: &Answer) -> (&str, Option<&str>, Choice) {
    let m = a
        .matched
        .as_ref()
        .unwrap_or_else(|| panic!("no match: {a:?}"));
    (m.endpoint.as_str(), m.example.as_deref(), m.choice)
}

fn body(a: &Answer) -> Value {
    serde_json::from_slice(a.reply.body_bytes()).unwrap_or(Value::Null)
}

use serde_json::Value;

#[test]
fn routes_by_fixed_values_and_the_parameters_present() {
    let m = mock(&Settings::default());
    let a = m.answer(&form("action=status&order=1"));
    assert_eq!(matched(&a), ("status", Some("found"), Choice::Values));
    assert_eq!(a.reply, Reply::json(200, r#"{"state":"done"}"#));
    let a = m.answer(&form("action=status&order=2"));
    assert_eq!(
        matched(&a),
        ("status", Some("missing, really"), Choice::Values)
    );
    // No example has order 3: the first answers, and the log says how it differs.
    let a = m.answer(&form("action=status&order=3"));
    assert_eq!(matched(&a), ("status", Some("found"), Choice::First));
    assert_eq!(
        a.matched.as_ref().map(|m| m.differences.clone()),
        Some(vec![
            "`order` is \"3\" on the wire, the example gives 1".to_owned()
        ])
    );
    assert!(a.log.contains("differs from it"), "{}", a.log);
    let a = m.answer(&form("action=status&orders=1%2C2"));
    assert_eq!(matched(&a), ("multi_status", Some("0"), Choice::Values));
    assert_eq!(a.reply.status(), 200);
}

#[test]
fn mismatches_are_4xx_json_naming_what_differs() {
    let m = mock(&Settings::default());
    let a = m.answer(&form("action=statu&order=1"));
    assert_eq!(a.reply.status(), 400);
    assert!(a.matched.is_none());
    let msg = body(&a)["mock_error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        msg,
        "POST /api has `action=statu`; the endpoints there take `action=status` (shop.status, shop.multi_status)"
    );
    assert_eq!(
        a.problems[0].to_string(),
        "shop.status: fixed `action` is \"statu\", expected \"status\""
    );
    assert_eq!(
        a.problems.len(),
        2,
        "only the fixed values: {:?}",
        a.problems
    );
    // Neither `order` nor `orders`: both endpoints of `action=status` say why.
    let a = m.answer(&form("action=status"));
    let problems: Vec<String> = a.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        vec![
            "shop.status: required parameter `order` is missing from the body",
            "shop.multi_status: required parameter `orders` is missing from the body",
        ]
    );
    assert_eq!(body(&a)["mock_error"]["problems"][1]["kind"], "param");
    for (fields, want) in [
        (
            "action=status&order=abc",
            "`order` is \"abc\", not an integer",
        ),
        (
            "action=status&orders=1%2C2%2C3%2C4",
            "`orders` has 4 items; the endpoint takes at most 3",
        ),
        (
            "action=status&orders=1%2Cx",
            "`orders` item 2 is \"x\", not an integer",
        ),
        (
            "action=status&order=1&ordr=2",
            "`ordr` (in the body) is not a parameter of this endpoint (did you mean `order`?)",
        ),
    ] {
        let a = m.answer(&form(fields));
        assert_eq!(a.reply.status(), 400, "{fields}");
        assert!(
            a.problems.iter().any(|p| p.message == want),
            "{fields}: {:?}",
            a.problems
        );
    }
    let a = m.answer(&request(
        "POST",
        "/api?order=1",
        &[("content-type", "application/x-www-form-urlencoded")],
        &format!("user=mock-user&sig={}&action=status", sig("status")),
    ));
    assert!(
        a.problems.iter().any(
            |p| p.message == "`order` is sent in the query; this endpoint takes it in the body"
        ),
        "{:?}",
        a.problems
    );
    let a = m.answer(&request(
        "POST",
        "/api",
        &[("content-type", "application/json")],
        &format!("user=mock-user&sig={}&action=status&order=1", sig("status")),
    ));
    assert_eq!(a.reply.status(), 400);
    assert!(
        a.problems[0]
            .message
            .starts_with("content-type Some(\"application/json\")"),
        "{:?}",
        a.problems
    );
    let a = m.answer(&request("GET", "/nowhere", &[], ""));
    assert_eq!(a.reply.status(), 404);
    assert!(
        a.problems[0]
            .message
            .contains("no endpoint has the path `/nowhere` (served: POST /api, GET /items/{id})"),
        "{:?}",
        a.problems
    );
    let a = m.answer(&request("DELETE", "/api", &[], ""));
    assert_eq!(a.reply.status(), 405);
    assert_eq!(a.problems[0].message, "method DELETE, expected POST");
}

#[test]
fn auth_is_checked_and_signatures_recomputed_without_showing_them() {
    let m = mock(&Settings::default());
    let wrong = request(
        "POST",
        "/api",
        &[("content-type", "application/x-www-form-urlencoded")],
        &format!("user=mock-user&sig={}&action=status&order=1", sig("other")),
    );
    let a = m.answer(&wrong);
    assert_eq!(a.reply.status(), 401);
    let msg = body(&a)["mock_error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        msg,
        "POST /api is `shop.status`, but `sig` (in the body) is not md5 of `{user}{secret_key}{action}`"
    );
    let a = m.answer(&request(
        "POST",
        "/api",
        &[("content-type", "application/x-www-form-urlencoded")],
        &format!("user=someone&sig={}&action=status&order=1", sig("status")),
    ));
    assert_eq!(a.reply.status(), 401);
    assert_eq!(
        a.problems[0].message,
        "`user` (in the body) is not the `user` credential"
    );
    assert!(
        a.log.contains("user=***") && a.log.contains("sig=***"),
        "{}",
        a.log
    );
    assert!(!a.log.contains("someone"), "{}", a.log);

    // A header with a prefix, a fixed header, a secret parameter.
    let bearer = [
        ("authorization", "Bearer mock-secret_key"),
        ("cache-control", "no-cache"),
    ];
    let a = m.answer(&request(
        "GET",
        "/items/a%20b?password=hunter22",
        &bearer,
        "",
    ));
    assert_eq!(matched(&a), ("item", None, Choice::NoExample));
    assert_eq!(a.reply.status(), 501);
    assert!(a.log.contains("password=***"), "{}", a.log);
    assert!(!a.log.contains("hunter22"), "{}", a.log);
    let a = m.answer(&request(
        "GET",
        "/items/7",
        &[
            ("authorization", "mock-secret_key"),
            ("cache-control", "no-cache"),
        ],
        "",
    ));
    assert_eq!(a.reply.status(), 401);
    assert_eq!(
        a.problems[0].message,
        "`Authorization` (in the headers) is not `Bearer ` + the `secret_key` credential"
    );
    let a = m.answer(&request("GET", "/items/7", &bearer[..1], ""));
    assert_eq!(a.reply.status(), 400);
    assert_eq!(
        a.problems[0].message,
        "header `cache-control` is None, expected \"no-cache\""
    );
    // A credential sent where the endpoint does not send it, and masked in the log.
    let mut leak = form("action=status&order=1");
    leak.headers
        .push(("x-debug".into(), "mock-secret_key".into()));
    leak.raw_head = b"POST /api HTTP/1.1\r\nx-debug: mock-secret_key\r\n\r\n".to_vec();
    let a = m.answer(&leak);
    assert_eq!(a.reply.status(), 400);
    assert_eq!(
        a.problems[0].message,
        "the `secret_key` credential is on the wire, but this endpoint does not send it"
    );
    let a = m.answer(&request("GET", "/items/mock-secret_key", &bearer, ""));
    assert!(a.log.contains("/items/***"), "{}", a.log);
    for a in [m.answer(&wrong), m.answer(&leak)] {
        let text = format!("{} {:?} {:?}", a.log, a.problems, a.reply);
        assert!(!text.contains("mock-secret_key"), "{text}");
        assert!(!text.contains(&sig("status")), "{text}");
    }
}

#[test]
fn examples_are_chosen_by_header_then_pin_then_values() {
    let m = mock(&Settings {
        examples: vec!["status=missing, really".parse().expect("arg")],
        ..Settings::default()
    });
    let a = m.answer(&form("action=status&order=1"));
    assert_eq!(
        matched(&a),
        ("status", Some("missing, really"), Choice::Pinned)
    );
    assert_eq!(
        a.matched.as_ref().map(|m| m.differences.clone()),
        Some(vec![
            "`order` is \"1\" on the wire, the example gives 2".to_owned()
        ])
    );
    let mut asked = form("action=status&order=1");
    asked
        .headers
        .push(("prefer".into(), "example=found".into()));
    assert_eq!(
        matched(&m.answer(&asked)),
        ("status", Some("found"), Choice::Header)
    );
    asked.headers.pop();
    asked.headers.push((
        "prefer".into(),
        r#"respond-async, example="missing, really""#.into(),
    ));
    assert_eq!(
        matched(&m.answer(&asked)),
        ("status", Some("missing, really"), Choice::Header)
    );
    asked.headers.pop();
    asked.headers.push(("prefer".into(), "example=nope".into()));
    let a = m.answer(&asked);
    assert_eq!(a.reply.status(), 400);
    assert_eq!(
        a.problems[0].message,
        "the `Prefer` header asks for example `nope`, which this endpoint does not have (its examples: `found`, `missing, really`)"
    );
    assert!(m.pin("shop", "status", None));
    assert_eq!(
        matched(&m.answer(&form("action=status&order=1"))).2,
        Choice::Values
    );
    assert!(m.pin("shop", "status", Some(1)));
    assert!(!m.pin("shop", "status", Some(2)));
    assert!(!m.pin("shop", "nope", Some(0)));
}

#[test]
fn faults_spoil_the_answer_of_their_endpoint_only() {
    let m = mock(&Settings {
        faults: vec![
            "status=status:503".parse().expect("arg"),
            "status=delay:20ms".parse().expect("arg"),
            "multi_status=truncate".parse().expect("arg"),
        ],
        ..Settings::default()
    });
    let a = m.answer(&form("action=status&order=1"));
    assert_eq!(a.reply.status(), 503);
    assert_eq!(
        a.reply,
        Reply::text(
            503,
            "text/plain; charset=utf-8",
            "HTTP 503 (fault injected by the mock)\n"
        )
        .delay(std::time::Duration::from_millis(20))
    );
    assert!(a.log.contains("fault status:503+delay:20ms"), "{}", a.log);
    let a = m.answer(&form("action=status&orders=1%2C2"));
    let full = r#"{"1":{"state":"done"},"2":{"state":"new"}}"#;
    assert_eq!(a.reply, Reply::json(200, &full[..full.len() / 2]));
    // A mismatch is never spoiled.
    assert_eq!(m.answer(&form("action=status")).reply.status(), 400);
}

#[test]
fn setup_errors_name_what_is_wrong() {
    let two = || vec![spec("shop_a"), spec("shop_b")];
    let err = |settings: Settings| {
        Mock::new(two(), &settings)
            .expect_err("refused")
            .to_string()
    };
    let faults = |f: &[&str]| Settings {
        faults: f.iter().map(|f| f.parse().expect("arg")).collect(),
        ..Settings::default()
    };
    assert_eq!(
        err(faults(&["status=reset"])),
        "several specs have an endpoint `status`: say which, `shop_a.status` or `shop_b.status`"
    );
    assert_eq!(
        err(faults(&["shop_a.stats=reset"])),
        "no endpoint is named `shop_a.stats` (did you mean `shop_a.status`?)"
    );
    assert_eq!(
        err(faults(&["shop_a.status=reset", "shop_a.status=html"])),
        "`shop_a.status` is given both `reset` and `html`: one delay and one other fault at most"
    );
    assert!(Mock::new(
        two(),
        &faults(&["shop_a.status=reset", "shop_b.status=html"])
    )
    .is_ok());
    assert_eq!(
        err(Settings {
            examples: vec!["shop_b.status=lost".parse().expect("arg")],
            ..Settings::default()
        }),
        "`shop_b.status` has no example `lost` (its examples: `found`, `missing, really`)"
    );
    let creds = |c: &[&str]| Settings {
        credentials: c.iter().map(|c| c.parse().expect("arg")).collect(),
        ..Settings::default()
    };
    assert_eq!(
        err(creds(&["secret_kye=x"])),
        "no spec has a credential `secret_kye` (did you mean `secret_key`?)"
    );
    assert_eq!(
        err(creds(&["token=x"])),
        "no spec has a credential `token` (expected one of: `secret_key`, `user`)"
    );
    assert_eq!(
        err(creds(&["shop_c.user=x"])),
        "no spec is named `shop_c` (did you mean `shop_a`?)"
    );
    assert_eq!(
        Mock::new(vec![spec("shop"), spec("shop")], &Settings::default())
            .expect_err("twice")
            .to_string(),
        "two specs give the same module name `shop`"
    );
}

#[test]
fn credentials_scoped_to_a_module_win_and_never_show() {
    let m = Mock::new(
        vec![spec("shop_a"), spec("shop_b")],
        &Settings {
            credentials: vec![
                "shop_b.user=bee-user".parse().expect("arg"),
                "user=everyone".parse().expect("arg"),
            ],
            ..Settings::default()
        },
    )
    .expect("mock");
    assert_eq!(
        m.credentials(),
        vec![
            ("shop_a", "user", true),
            ("shop_a", "secret_key", false),
            ("shop_b", "user", true),
            ("shop_b", "secret_key", false),
        ]
    );
    let arg: CredentialArg = "shop_b.user=bee-user".parse().expect("arg");
    assert!(!format!("{arg:?}").contains("bee-user"));
    let e = "hunter2".parse::<CredentialArg>().expect_err("no =");
    assert!(!e.to_string().contains("hunter2"), "{e}");
    assert!("=x".parse::<CredentialArg>().is_err());
    assert!(".user=x".parse::<CredentialArg>().is_err());
    let mut r = form("action=status&order=1");
    r.body = b"user=bee-user&sig=x&action=status&order=1".to_vec();
    let a = m.answer(&r);
    assert_eq!(a.reply.status(), 401);
    assert!(!a.log.contains("bee-user"), "{}", a.log);
}
