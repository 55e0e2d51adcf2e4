//! `codegen check [PATH...]`, `codegen generate --out DIR [PATH...]` and `codegen schema`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        /// Spec files or folders of specs (default: `specs`).
        paths: Vec<PathBuf>,
    },
    /// Prints the JSON Schema of the spec format (what `codegen/spec.schema.json` holds).
    Schema,
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
            out.extend(codegen::spec_files(&p).map_err(|e| format!("{}: {e}", p.display()))?);
        } else if p.exists() {
            out.push(p);
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

fn print(diags: &[codegen::Diagnostic], color: bool) {
    for d in diags {
        eprintln!("{}", d.render_as(codegen::diag::Style::Compact, color));
    }
    eprintln!("{} problem(s) found", diags.len());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            print!("{}", codegen::schema::schema_json());
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
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let mut diags = Vec::new();
            for f in &files {
                if let Err(d) = codegen::analyze_file(f) {
                    diags.extend(d);
                }
            }
            if diags.is_empty() {
                println!("{} spec(s) OK", files.len());
                ExitCode::SUCCESS
            } else {
                print(&diags, color);
                ExitCode::FAILURE
            }
        }
        Command::Generate { out, paths } => {
            let files = match expand(&paths) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match codegen::generate_files(&files) {
                Ok(g) => match codegen::write(&g, Path::new(&out)) {
                    Ok(()) => {
                        println!(
                            "wrote {} provider(s) to {}",
                            g.providers.len(),
                            out.display()
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        ExitCode::FAILURE
                    }
                },
                Err(d) => {
                    print(&d, std::io::stderr().is_terminal());
                    ExitCode::FAILURE
                }
            }
        }
    }
}
