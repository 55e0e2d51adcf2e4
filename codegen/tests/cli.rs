//! The `codegen` command line: exit status 0 for valid specs, 1 with every
//! diagnostic for invalid ones, never a panic (101).

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, text).expect("write spec");
    file
}

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[test]
fn check_accepts_the_project_specs() {
    let out = bin()
        .arg("check")
        .arg(specs_dir())
        .output()
        .expect("run codegen");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("spec(s) OK"));
}

#[test]
fn check_reports_every_problem_with_position_and_hint() {
    let file = scratch(
        "bad",
        "provider:\n  name: Bad\nendpoints:\n  get_thing:\n    method: GET\n    path: /thing/{id}\n    response: Thnig\n  other:\n    method: POST\n    path: /other\n    params:\n      n:\n        type: integr\n",
    );
    let out = bin()
        .arg("check")
        .arg("--color=never")
        .arg(&file)
        .output()
        .expect("run codegen");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let name = file.display().to_string();
    assert!(
        err.contains(&format!("{name}:6:11: error: the path names `{{id}}`")),
        "{err}"
    );
    assert!(
        err.contains("the path names `{id}`, which is not a parameter"),
        "{err}"
    );
    assert!(err.contains(&format!("{name}:7:15")), "{err}");
    assert!(err.contains("unknown type `Thnig`"), "{err}");
    assert!(err.contains(&format!("{name}:13:15")), "{err}");
    assert!(err.contains("did you mean `integer`?"), "{err}");
    assert!(err.contains("3 problem(s) found"), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour when asked: {err}");
}

#[test]
fn hostile_inputs_exit_1_not_101() {
    for (name, text) in [
        ("empty", ""),
        ("blank", "  \n\t\n"),
        ("sequence", "- a\n- b\n"),
        ("scalar", "42"),
        ("syntax", "provider: {name: x\nendpoints: ["),
        ("backtick", "provider:\n  name: x\nendpoints:\n  a:\n    method: GET\n    path: /\n    examples:\n      - response:\n          body: {\"a\": 1}`\n"),
        ("binary", "\u{0}\u{1}\u{2}"),
    ] {
        let file = scratch(name, text);
        let out = bin().arg("check").arg(&file).output().expect("run codegen");
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{name}");
    }
}

#[test]
fn generate_writes_what_build_rs_writes() {
    let out_dir = std::env::temp_dir().join(format!("codegen-cli-gen-{}", std::process::id()));
    let out = bin()
        .args(["generate", "--out"])
        .arg(&out_dir)
        .arg(specs_dir())
        .output()
        .expect("run codegen");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = providers_codegen::Config::new()
        .spec(specs_dir())
        .generate()
        .expect("specs generate");
    for p in &generated.providers {
        let written =
            std::fs::read_to_string(out_dir.join(format!("{}.rs", p.module))).expect("written");
        assert_eq!(written, p.source);
    }
    assert!(out_dir.join("providers.rs").exists());
}

/// The write end of a pipe whose read end is already closed: writing to it
/// fails with `EPIPE` at once (Rust programs ignore `SIGPIPE`), as when the
/// output goes into `| head -1` after `head` has exited. The read end belongs
/// to a `true` process that has exited, so nothing depends on timing.
#[cfg(unix)]
fn closed_pipe() -> std::process::Stdio {
    let mut reader = Command::new("true")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run true");
    let write_end = reader.stdin.take().expect("pipe");
    reader.wait().expect("true exits");
    std::process::Stdio::from(write_end)
}

/// `codegen check specs | head -1` and the like: a closed stdout or stderr
/// ends the output quietly. The exit status is the one the command would have
/// had with all of its output read (0 for valid specs, 1 for problems), never a
/// panic (101), and nothing is said about the pipe.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_output_quietly_with_the_commands_own_status() {
    let out_dir = std::env::temp_dir().join(format!("codegen-cli-pipe-{}", std::process::id()));
    // More problems than a pipe buffer holds, so stderr is still being written.
    let mut many = String::from("provider:\n  name: Bad\nendpoints:\n");
    for i in 0..400 {
        many.push_str(&format!(
            "  e{i}:\n    method: GET\n    path: /x/{{id}}\n    response: Nope{i}\n"
        ));
    }
    let bad = scratch("many_problems", &many);
    let runs: [(&str, Vec<std::ffi::OsString>, bool, i32); 4] = [
        (
            "check, stdout closed",
            vec!["check".into(), specs_dir().into()],
            true,
            0,
        ),
        ("schema, stdout closed", vec!["schema".into()], true, 0),
        (
            "generate, stdout closed",
            vec![
                "generate".into(),
                "--out".into(),
                out_dir.into(),
                specs_dir().into(),
            ],
            true,
            0,
        ),
        (
            "check with problems, stderr closed",
            vec!["check".into(), "--color=never".into(), bad.into()],
            false,
            1,
        ),
    ];
    for (what, args, close_stdout, code) in runs {
        let mut cmd = bin();
        cmd.args(&args);
        if close_stdout {
            cmd.stdout(closed_pipe());
        } else {
            cmd.stderr(closed_pipe());
        }
        let out = cmd.output().expect("run codegen");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(code), "{what}: {said}");
        assert!(!said.contains("panicked"), "{what}: {said}");
        assert!(!said.contains("Broken pipe"), "{what}: {said}");
    }
}

fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let out = bin().args(args).output().expect("run codegen");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn openapi_prints_one_document_or_writes_one_per_spec() {
    let k7 = specs_dir().join("k7_antivirus.yaml");
    let (code, out, err) = run(&["openapi".as_ref(), k7.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is the JSON document");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["x-module"], "k7_antivirus");

    let (code, _, err) = run(&["openapi".as_ref(), specs_dir().as_os_str()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("give `--out DIR`"), "{err}");

    let dir = std::env::temp_dir().join(format!("codegen-cli-openapi-{}", std::process::id()));
    let (code, out, err) = run(&[
        "openapi".as_ref(),
        "--out".as_ref(),
        dir.as_os_str(),
        specs_dir().as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("wrote 6 document(s)"), "{out}");
    for m in [
        "iak_postpaid",
        "iak_prepaid",
        "k7_antivirus",
        "product_service",
        "smm_panel_v2",
        "virusdie_partners",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{m}.openapi.json"))).expect("written");
        assert!(text.starts_with("{\n"), "{m}");
    }

    let bad = scratch("openapi_bad", "provider:\n  name: Bad\nendpoints:\n  a:\n    method: GET\n    path: /a\n    response: Nope\n");
    let (code, out, err) = run(&["openapi".as_ref(), bad.as_os_str()]);
    assert_eq!(code, Some(1));
    assert!(
        out.is_empty() && err.contains("unknown type `Nope`"),
        "{err}"
    );
}

#[test]
fn diff_exits_0_compatible_1_breaking_2_unreadable() {
    let cases = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let base = cases.join("base.yaml");
    let added = cases.join("cases/endpoint_added.yaml");
    let (code, out, err) = run(&["diff".as_ref(), base.as_os_str(), added.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("Client::cancel_order [endpoint-added]"),
        "{out}"
    );

    let (code, out, _) = run(&[
        "diff".as_ref(),
        added.as_os_str(),
        base.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    assert_eq!(v["breaking"], true);
    assert_eq!(v["changes"][0]["kind"], "endpoint-removed");

    let bad = scratch("diff_bad", "provider: {name: x\n");
    let (code, out, err) = run(&["diff".as_ref(), base.as_os_str(), bad.as_os_str()]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains("problem(s) found"), "{err}");
    let (code, _, err) = run(&[
        "diff".as_ref(),
        base.as_os_str(),
        added.as_os_str(),
        "--format".as_ref(),
        "yaml".as_ref(),
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--format takes text or json"), "{err}");
}
