//! [`Config`]: what a build script (or the CLI) asks the generator for.

use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic};
use crate::emit::{Blocking, Options};
use crate::{generate_files, spec_files, write, BuildFailed, Generated};

/// Generator settings, prost-build style: which specs, where the code goes,
/// and how it refers to the runtime. In a build script:
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     match providers_codegen::Config::new().spec("specs").compile() {
///         Ok(()) => std::process::ExitCode::SUCCESS,
///         Err(_) => std::process::ExitCode::FAILURE,
///     }
/// }
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/providers.rs"));`.
#[derive(Debug, Clone)]
pub struct Config {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    out_file: String,
    runtime: String,
    blocking: Blocking,
    doc_path: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            specs: Vec::new(),
            out_dir: None,
            out_file: "providers.rs".to_owned(),
            runtime: "::providers_runtime".to_owned(),
            blocking: Blocking::Never,
            doc_path: None,
        }
    }
}

impl Config {
    /// The defaults: no specs yet, output into `OUT_DIR/providers.rs`, the
    /// runtime at `::providers_runtime`, no blocking calls.
    pub fn new() -> Self {
        Config::default()
    }

    /// Adds a spec file, or a folder whose `*.yaml`/`*.yml` files are all specs.
    pub fn spec(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.specs.push(path.into());
        self
    }

    /// Writes into this folder instead of `OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The name of the file that declares one module per spec (default
    /// `providers.rs`); each module's code sits beside it as `<module>.rs`.
    pub fn out_file(&mut self, name: impl Into<String>) -> &mut Self {
        self.out_file = name.into();
        self
    }

    /// How generated code names the runtime crate (default
    /// `::providers_runtime`); e.g. `crate::rt` when the crate re-exports it
    /// under another name.
    pub fn runtime_crate(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime = path.into();
        self
    }

    /// Whether calls get a `send_blocking` method (default [`Blocking::Never`]).
    pub fn blocking(&mut self, blocking: Blocking) -> &mut Self {
        self.blocking = blocking;
        self
    }

    /// The path that reaches the provider modules from outside the crate
    /// (`my_crate`, or `my_crate::clients` when they are included in a
    /// module): each method's rustdoc then gets a `no_run` example built from
    /// the spec's first example. [`Config::compile`] uses the crate's name
    /// (`CARGO_PKG_NAME`) when this is not set.
    pub fn doc_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.doc_path = Some(path.into());
        self
    }

    fn problem(path: &Path, message: String) -> Diagnostic {
        let pos = diag::Pos {
            line: 1,
            column: 1,
            len: 1,
        };
        Diagnostic::new(path, "", pos, message)
    }

    /// The emitter's options, checked.
    fn options(&self) -> Result<Options, Vec<Diagnostic>> {
        let runtime = syn::parse_str::<syn::Path>(&self.runtime).map_err(|e| {
            vec![Self::problem(
                Path::new("build.rs"),
                format!(
                    "`{}` is not a Rust path for the runtime crate: {e}",
                    self.runtime
                ),
            )]
        })?;
        if let Blocking::Feature(f) = &self.blocking {
            if f.is_empty() || f.contains(['"', '\\']) {
                return Err(vec![Self::problem(
                    Path::new("build.rs"),
                    format!("`{f}` is not a cargo feature name"),
                )]);
            }
        }
        let doc_path = match &self.doc_path {
            Some(d) => Some(syn::parse_str::<syn::Path>(d).map_err(|e| {
                vec![Self::problem(
                    Path::new("build.rs"),
                    format!("`{d}` is not a Rust path for the examples: {e}"),
                )]
            })?),
            None => None,
        };
        Ok(Options {
            runtime,
            blocking: self.blocking.clone(),
            doc_path,
        })
    }

    /// The spec files, folders expanded (default: the folder `specs`).
    pub fn spec_files(&self) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
        let default = [PathBuf::from("specs")];
        let inputs = if self.specs.is_empty() {
            &default[..]
        } else {
            &self.specs[..]
        };
        let mut files = Vec::new();
        for p in inputs {
            if p.is_dir() {
                let found = spec_files(p)
                    .map_err(|e| vec![Self::problem(p, format!("cannot list the specs: {e}"))])?;
                files.extend(found);
            } else if p.exists() {
                files.push(p.clone());
            } else {
                return Err(vec![Self::problem(p, "no such file or folder".to_owned())]);
            }
        }
        Ok(files)
    }

    /// Generates the code, in memory.
    pub fn generate(&self) -> Result<Generated, Vec<Diagnostic>> {
        let opts = self.options()?;
        let mut generated = generate_files(&self.spec_files()?, &opts)?;
        generated.index_file.clone_from(&self.out_file);
        Ok(generated)
    }

    /// What a build script calls: generates into the output folder (`OUT_DIR`
    /// by default), prints `cargo:rerun-if-changed` for every spec and folder,
    /// and on failure prints every diagnostic the way cargo shows them and
    /// returns `Err` (exit with status 1 then; nothing panics).
    pub fn compile(&self) -> Result<(), BuildFailed> {
        let inputs = if self.specs.is_empty() {
            vec![PathBuf::from("specs")]
        } else {
            self.specs.clone()
        };
        for p in &inputs {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        let fail = |diags: Vec<Diagnostic>| {
            for d in &diags {
                // `cargo:warning` makes cargo show a one-line summary even without -vv;
                // stderr carries the full rustc-style rendering.
                println!("cargo:warning={}", d.one_line());
                eprintln!("{}", d.render(false));
            }
            eprintln!(
                "error: {} problem(s) in the provider specs; the clients were not generated",
                diags.len()
            );
            BuildFailed {
                problems: diags.len(),
            }
        };
        let files = self.spec_files().map_err(fail)?;
        for f in &files {
            if !inputs.contains(f) {
                println!("cargo:rerun-if-changed={}", f.display());
            }
        }
        let out = match (&self.out_dir, std::env::var_os("OUT_DIR")) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => PathBuf::from(d),
            (None, None) => {
                eprintln!(
                    "error: OUT_DIR is not set: run from a cargo build script, or set `out_dir`"
                );
                return Err(BuildFailed { problems: 1 });
            }
        };
        let mut config = self.clone();
        if config.doc_path.is_none() {
            // A build script sees its package's name; the library is named after it.
            if let Ok(name) = std::env::var("CARGO_PKG_NAME") {
                config.doc_path = Some(name.replace('-', "_"));
            }
        }
        let generated = config.generate().map_err(fail)?;
        write(&generated, &out).map_err(|e| {
            eprintln!(
                "error: cannot write generated code into {}: {e}",
                out.display()
            );
            BuildFailed { problems: 1 }
        })
    }
}
