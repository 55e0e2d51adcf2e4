//! `codegen mock [PATH...]`: serves the specs' examples on 127.0.0.1 (see
//! `providers_codegen::mock`). The first line on stdout is the URL served;
//! the rest (a summary, then one line per request) goes to stderr.

use std::ffi::OsStr;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use providers_codegen::mock::{
    default_credential, ArgError, CredentialArg, ExampleArg, FaultArg, Mock, Settings,
};

use super::{expand, print, Term};

/// Serves the specs' examples over HTTP on 127.0.0.1, checking every request
/// as the provider would (path, fixed values, parameters, auth, signatures).
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Spec files or folders of specs (default: `specs`).
    paths: Vec<PathBuf>,
    /// The port on 127.0.0.1; 0 picks a free one. The first line on stdout is
    /// the URL served, e.g. `http://127.0.0.1:4010`.
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// A credential the requests must carry (repeatable); `MODULE.NAME=VALUE`
    /// for one spec only. A credential not given is `mock-NAME`.
    #[arg(long = "credential", value_name = "[MODULE.]NAME=VALUE", value_parser = CredentialParser)]
    credentials: Vec<CredentialArg>,
    /// A fault in one endpoint's answers (repeatable): `delay:2s`, `reset`,
    /// `reset-mid-body`, `status:503`, `html` or `truncate`; a delay combines
    /// with one other fault.
    #[arg(long = "fault", value_name = "[MODULE.]ENDPOINT=FAULT")]
    faults: Vec<FaultArg>,
    /// The example one endpoint always answers with (repeatable): its name, or
    /// its position (0 is the first) when it has none.
    #[arg(long = "example", value_name = "[MODULE.]ENDPOINT=EXAMPLE")]
    examples: Vec<ExampleArg>,
}

/// Parses `--credential` without ever echoing the value in an error.
#[derive(Clone)]
struct CredentialParser;

impl TypedValueParser for CredentialParser {
    type Value = CredentialArg;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<CredentialArg, clap::Error> {
        let invalid = |why: String| {
            clap::Error::raw(ErrorKind::InvalidValue, format!("--credential: {why}\n"))
                .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| invalid("the value is not UTF-8".into()))?;
        text.parse().map_err(|e: ArgError| invalid(e.0))
    }
}

pub(crate) fn run(args: Args, term: &mut Term) -> ExitCode {
    let files = match expand(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            term.err(&format!("error: {e}\n"));
            return ExitCode::FAILURE;
        }
    };
    let mut specs = Vec::new();
    let mut diags = Vec::new();
    for f in &files {
        match providers_codegen::analyze_file(f) {
            Ok(s) => specs.push(s),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        print(term, &diags, false);
        return ExitCode::FAILURE;
    }
    if specs.is_empty() {
        term.err("error: no spec files to serve\n");
        return ExitCode::FAILURE;
    }
    let settings = Settings {
        credentials: args.credentials,
        faults: args.faults,
        examples: args.examples,
    };
    let mock = match Mock::new(specs, &settings) {
        Ok(m) => m,
        Err(e) => {
            term.err(&format!("error: {e}\n"));
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            term.err(&format!("error: cannot start the async runtime: {e}\n"));
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    runtime.block_on(serve(mock, &settings, addr, term))
}

/// Serves until the process is stopped; returns only when it cannot start.
async fn serve(mock: Mock, settings: &Settings, addr: SocketAddr, term: &mut Term) -> ExitCode {
    let log = |answer: &providers_codegen::mock::Answer| {
        // A log nobody reads (a closed stderr) does not stop the mock.
        let _ = writeln!(std::io::stderr().lock(), "{}", answer.log);
    };
    let server = match mock.clone().serve(addr, log).await {
        Ok(s) => s,
        Err(e) => {
            term.err(&format!("error: cannot listen on {addr}: {e}\n"));
            return ExitCode::FAILURE;
        }
    };
    // A long run keeps nothing per request.
    server.set_recording(false);
    term.out(&format!("{}\n", server.url()));
    term.err(&summary(&mock, settings, &server.url()));
    std::future::pending::<ExitCode>().await
}

/// What is served, with which credentials (values never shown) and faults.
fn summary(mock: &Mock, settings: &Settings, url: &str) -> String {
    let mut out = format!(
        "mock: {} endpoint(s) of {} on {url} (Ctrl-C stops it)\n",
        mock.endpoint_count(),
        mock.modules().join(", ")
    );
    let creds: Vec<String> = mock
        .credentials()
        .into_iter()
        .map(|(module, name, given)| {
            if given {
                format!("{module}.{name} (given)")
            } else {
                format!("{module}.{name} = {}", default_credential(name))
            }
        })
        .collect();
    if !creds.is_empty() {
        out.push_str(&format!("mock: credentials: {}\n", creds.join(", ")));
    }
    for f in &settings.faults {
        out.push_str(&format!("mock: fault: {} {}\n", f.endpoint, f.fault));
    }
    for x in &settings.examples {
        out.push_str(&format!(
            "mock: example: {} answers {:?}\n",
            x.endpoint, x.example
        ));
    }
    out
}
