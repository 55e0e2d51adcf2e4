//! `codegen check [PATH...]`, `codegen generate --out DIR [PATH...]`, `codegen schema`,
//! `codegen mock [PATH...]`, `codegen openapi [PATH...]` and `codegen diff OLD NEW`.
//!
//! Output goes through [`Term`], never `println!`: a closed pipe
//! (`codegen check | head -1`) ends the output quietly, and the exit status is
//! the one the command would have had with all of its output read.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// Beside this file, not in `src/bin/`, where cargo would take it for a binary.
#[path = "codegen/mock.rs"]
mod mock;

/// Validates provider specs and generates typed Rust clients from them.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks specs and prints every problem as `file:line:column: message`.
    Check {
        /// Spec files or folders of specs (default: `specs`).
        paths: Vec<PathBuf>,
        /// Colour: auto (on a terminal), always or never.
        #[arg(long, default_value = "auto")]
        color: String,
    },
    /// Writes the generated code (what build.rs writes) into a folder, for reading.
    Generate {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// The runtime crate's path in the generated code.
        #[arg(long, default_value = "::providers_runtime")]
        runtime: String,
        /// `send_blocking` on every call: `never`, `always`, or `feature=NAME`
        /// (behind the cargo feature NAME).
        #[arg(long, default_value = "never")]
        blocking: String,
        /// Spec files or folders of specs (default: `specs`).
        paths: Vec<PathBuf>,
    },
    /// Prints the JSON Schema of the spec format (what `codegen/spec.schema.json` holds).
    Schema,
    /// Serves the specs' examples over HTTP on 127.0.0.1, like the provider would answer.
    Mock(mock::Args),
    /// Exports specs as OpenAPI 3.1 documents (JSON): one spec to stdout, or
    /// every spec into `--out DIR` as `<module>.openapi.json` (docs/openapi.md).
    Openapi {
        /// Output folder (required for more than one spec).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Spec files or folders of specs (default: `specs`).
        paths: Vec<PathBuf>,
    },
    /// Compares two versions of a spec by the Rust API generated from them and
    /// says what breaks callers. Exit status: 0 compatible, 1 breaking, 2 trouble.
    Diff {
        /// The old version of the spec.
        old: PathBuf,
        /// The new version of the spec.
        new: PathBuf,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
}

fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("specs")]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(
                providers_codegen::spec_files(&p).map_err(|e| format!("{}: {e}", p.display()))?,
            );
        } else if p.exists() {
            out.push(p);
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

/// stdout and stderr, written with `write_all`. A stream whose reader went away
/// (`EPIPE`) is closed quietly and the rest of its output dropped; any other
/// write error (a full disk) is reported on the other stream and makes the
/// exit status a failure.
#[derive(Default)]
struct Term {
    out_closed: bool,
    err_closed: bool,
    failed: bool,
}

impl Term {
    fn out(&mut self, text: &str) {
        if !self.out_closed {
            let r = write_to(&mut std::io::stdout().lock(), text);
            self.settle(r, true);
        }
    }

    fn err(&mut self, text: &str) {
        if !self.err_closed {
            let r = write_to(&mut std::io::stderr().lock(), text);
            self.settle(r, false);
        }
    }

    fn settle(&mut self, r: std::io::Result<()>, stdout: bool) {
        let Err(e) = r else { return };
        if stdout {
            self.out_closed = true;
        } else {
            self.err_closed = true;
        }
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            self.failed = true;
            let what = if stdout { "stdout" } else { "stderr" };
            let msg = format!("error: cannot write to {what}: {e}\n");
            if stdout {
                self.err(&msg);
            } else {
                self.out(&msg);
            }
        }
    }

    /// `code`, unless writing failed for another reason than a closed pipe.
    fn exit(&self, code: ExitCode) -> ExitCode {
        if self.failed {
            ExitCode::FAILURE
        } else {
            code
        }
    }
}

fn write_to(w: &mut impl Write, text: &str) -> std::io::Result<()> {
    w.write_all(text.as_bytes())?;
    w.flush()
}

fn print(term: &mut Term, diags: &[providers_codegen::Diagnostic], color: bool) {
    for d in diags {
        term.err(&format!(
            "{}\n",
            d.render_as(providers_codegen::diag::Style::Compact, color)
        ));
    }
    term.err(&format!("{} problem(s) found\n", diags.len()));
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut term = Term::default();
    let code = run(cli, &mut term);
    term.exit(code)
}

fn run(cli: Cli, term: &mut Term) -> ExitCode {
    match cli.command {
        Command::Mock(args) => mock::run(args, term),
        Command::Openapi { out, paths } => openapi(term, out.as_deref(), &paths),
        Command::Diff { old, new, format } => diff(term, &old, &new, &format),
        Command::Schema => {
            term.out(&providers_codegen::schema::schema_json());
            ExitCode::SUCCESS
        }
        Command::Check { paths, color } => {
            let color = match color.as_str() {
                "always" => true,
                "never" => false,
                _ => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let files = match expand(&paths) {
                Ok(f) => f,
                Err(e) => {
                    term.err(&format!("error: {e}\n"));
                    return ExitCode::FAILURE;
                }
            };
            let mut diags = Vec::new();
            for f in &files {
                if let Err(d) = providers_codegen::analyze_file(f) {
                    diags.extend(d);
                }
            }
            if diags.is_empty() {
                term.out(&format!("{} spec(s) OK\n", files.len()));
                ExitCode::SUCCESS
            } else {
                print(term, &diags, color);
                ExitCode::FAILURE
            }
        }
        Command::Generate {
            out,
            runtime,
            blocking,
            paths,
        } => {
            let files = match expand(&paths) {
                Ok(f) => f,
                Err(e) => {
                    term.err(&format!("error: {e}\n"));
                    return ExitCode::FAILURE;
                }
            };
            let blocking = match blocking.as_str() {
                "never" => providers_codegen::Blocking::Never,
                "always" => providers_codegen::Blocking::Always,
                other => match other.strip_prefix("feature=") {
                    Some(f) => providers_codegen::Blocking::Feature(f.to_owned()),
                    None => {
                        term.err(&format!(
                            "error: --blocking takes never, always or feature=NAME, not `{other}`\n"
                        ));
                        return ExitCode::FAILURE;
                    }
                },
            };
            let mut config = providers_codegen::Config::new();
            config.runtime_crate(runtime).blocking(blocking);
            for f in files {
                config.spec(f);
            }
            match config.generate() {
                Ok(g) => match providers_codegen::write(&g, Path::new(&out)) {
                    Ok(()) => {
                        term.out(&format!(
                            "wrote {} provider(s) to {}\n",
                            g.providers.len(),
                            out.display()
                        ));
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        term.err(&format!("error: {e}\n"));
                        ExitCode::FAILURE
                    }
                },
                Err(d) => {
                    print(term, &d, std::io::stderr().is_terminal());
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `codegen openapi`: every spec's OpenAPI document, to stdout or into a folder.
fn openapi(term: &mut Term, out: Option<&Path>, paths: &[PathBuf]) -> ExitCode {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            term.err(&format!("error: {e}\n"));
            return ExitCode::FAILURE;
        }
    };
    if out.is_none() && files.len() != 1 {
        term.err(&format!(
            "error: {} specs: give `--out DIR` to write one document each\n",
            files.len()
        ));
        return ExitCode::FAILURE;
    }
    let mut diags = Vec::new();
    let mut docs = Vec::new();
    for f in &files {
        match providers_codegen::openapi::document_of_file(f) {
            Ok(d) => docs.push(d),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        print(term, &diags, std::io::stderr().is_terminal());
        return ExitCode::FAILURE;
    }
    let Some(dir) = out else {
        for (_, text) in &docs {
            term.out(text);
        }
        return ExitCode::SUCCESS;
    };
    match providers_codegen::openapi::write(&docs, dir) {
        Ok(()) => {
            term.out(&format!(
                "wrote {} document(s) to {}\n",
                docs.len(),
                dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            term.err(&format!("error: {}: {e}\n", dir.display()));
            ExitCode::FAILURE
        }
    }
}

/// `codegen diff OLD NEW`: exit status 0 when nothing breaks callers, 1 when
/// something does, 2 when a spec cannot be read.
fn diff(term: &mut Term, old: &Path, new: &Path, format: &str) -> ExitCode {
    if !matches!(format, "text" | "json") {
        term.err(&format!(
            "error: --format takes text or json, not `{format}`\n"
        ));
        return ExitCode::from(2);
    }
    let report = match providers_codegen::diff::compare_files(old, new) {
        Ok(r) => r,
        Err(d) => {
            print(term, &d, std::io::stderr().is_terminal());
            return ExitCode::from(2);
        }
    };
    if format == "json" {
        term.out(&report.to_json());
    } else {
        term.out(&report.to_text());
    }
    if report.is_breaking() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
