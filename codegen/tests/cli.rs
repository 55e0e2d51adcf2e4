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
