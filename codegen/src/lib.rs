//! Reads provider YAML specs, validates them and emits typed Rust clients.
//!
//! The pipeline, top to bottom:
//!
//! 1. [`load`]: YAML -> [`spec::Spec`] (serde model), with the position of every key and value.
//! 2. [`ir::lower`]: names and types resolved, with every problem collected as a [`Diagnostic`].
//! 3. [`validate::check`]: examples against types and envelope, recursion.
//! 4. [`emit`]: `quote!` -> `syn::File` -> prettyplease text, deterministic.
//!
//! [`Config`] runs it over spec files and folders; a build script calls [`Config::compile`].
//! [`openapi`] (an OpenAPI 3.1 document) and [`diff`] (what a spec edit changes in
//! the generated API) read the same IR.
#![deny(missing_docs)]

mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
#[cfg(feature = "mock")]
pub mod mock;
pub mod names;
pub mod openapi;
pub mod reserved;
#[cfg(feature = "schema")]
pub mod schema;
pub mod spec;
pub mod types;
pub mod validate;

use std::path::{Path, PathBuf};

pub use config::Config;
pub use diag::Diagnostic;
pub use emit::Blocking;

/// The generated sources of one provider.
#[derive(Debug, Clone)]
pub struct GeneratedProvider {
    /// Module name (the spec's file stem).
    pub module: String,
    /// The spec file.
    pub spec_file: PathBuf,
    /// Formatted Rust source of the module body.
    pub source: String,
}

/// Everything generated from a folder of specs.
#[derive(Debug, Clone)]
pub struct Generated {
    /// One entry per spec, sorted by module name.
    pub providers: Vec<GeneratedProvider>,
    /// The index module that includes them.
    pub index: String,
    /// The index module's file name (`providers.rs`).
    pub index_file: String,
}

/// The spec files in `dir` (`*.yaml` and `*.yml`), sorted.
pub fn spec_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads, resolves and checks one spec.
pub fn analyze_file(file: &Path) -> Result<(load::Loaded, ir::Provider), Vec<Diagnostic>> {
    analyze(load::load_file(file)?)
}

/// Resolves and checks a loaded spec.
pub fn analyze(loaded: load::Loaded) -> Result<(load::Loaded, ir::Provider), Vec<Diagnostic>> {
    let provider = ir::lower(&loaded)?;
    let problems = validate::check(&loaded, &provider);
    if problems.is_empty() {
        Ok((loaded, provider))
    } else {
        Err(problems)
    }
}

/// Generates one provider module from spec text, with the default
/// [`emit::Options`] (for tests, benchmarks and fuzzing).
pub fn generate_str(file: &Path, source: &str) -> Result<String, Vec<Diagnostic>> {
    let (_, p) = analyze(load::load_str(file, source.to_owned())?)?;
    emit::provider_source(&p, &emit::Options::default()).map_err(|e| vec![internal(file, e)])
}

fn internal(file: &Path, message: String) -> Diagnostic {
    Diagnostic::new(
        file,
        "",
        diag::Pos {
            line: 1,
            column: 1,
            len: 1,
        },
        format!("internal error: {message}"),
    )
    .with_hint("this is a bug in the code generator; please report it with the spec")
}

/// Generates every spec in `files`; collects the diagnostics of all of them.
/// [`Config::generate`] is the usual way in.
pub fn generate_files(
    files: &[PathBuf],
    opts: &emit::Options,
) -> Result<Generated, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut ok = Vec::new();
    for f in files {
        match analyze_file(f) {
            Ok((l, p)) => ok.push((l, p)),
            Err(d) => diags.extend(d),
        }
    }
    let mut seen = std::collections::BTreeMap::new();
    for (l, p) in &ok {
        if let Some(prev) = seen.insert(p.module.clone(), l.file.clone()) {
            diags.push(internal_at(
                &l.file,
                format!(
                    "`{}` and `{}` give the same module name `{}`",
                    prev.display(),
                    l.file.display(),
                    p.module
                ),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut providers = Vec::new();
    for (l, p) in &ok {
        let source = emit::provider_source(p, opts).map_err(|e| vec![internal(&l.file, e)])?;
        providers.push(GeneratedProvider {
            module: p.module.clone(),
            spec_file: l.file.clone(),
            source,
        });
    }
    let irs: Vec<ir::Provider> = ok.into_iter().map(|(_, p)| p).collect();
    let index =
        emit::index_source(&irs, opts).map_err(|e| vec![internal(Path::new("specs"), e)])?;
    Ok(Generated {
        providers,
        index,
        index_file: "providers.rs".to_owned(),
    })
}

fn internal_at(file: &Path, message: String) -> Diagnostic {
    Diagnostic::new(
        file,
        "",
        diag::Pos {
            line: 1,
            column: 1,
            len: 1,
        },
        message,
    )
    .with_hint("rename one of the spec files")
}

/// Writes generated sources into `out`: the index file and one file per provider.
/// Files whose content did not change are left untouched.
pub fn write(generated: &Generated, out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let mut files = vec![(out.join(&generated.index_file), &generated.index)];
    for p in &generated.providers {
        files.push((out.join(format!("{}.rs", p.module)), &p.source));
    }
    for (path, text) in files {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text)?;
        }
    }
    Ok(())
}

/// Why [`Config::compile`] failed; the details were already printed for cargo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFailed {
    /// Number of problems reported.
    pub problems: usize,
}

impl std::fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} problem(s) while generating the provider clients",
            self.problems
        )
    }
}

impl std::error::Error for BuildFailed {}
