//! Blocking calls, for programs without an async runtime (feature `blocking`).
//!
//! Every blocking call runs on one shared, lazily started tokio runtime with a
//! single worker thread, so that pooled connections keep being driven between
//! calls. Calling from inside an async runtime is refused with an error (it
//! would otherwise deadlock or panic): use the async API there.

use std::future::Future;
use std::sync::OnceLock;

use crate::error::{Error, OpName};
use crate::op::Operation;

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// Runs `call` to completion and returns its result.
pub fn run<T>(op: &Operation, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let refuse = |reason: String| Error::InvalidRequest {
        op: OpName {
            provider: op.provider,
            endpoint: op.name,
        },
        reason,
    };
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(refuse(
            "a blocking call was made inside an async runtime; `.await` the call instead"
                .to_owned(),
        ));
    }
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("providers-blocking")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    match runtime {
        Ok(rt) => rt.block_on(call),
        Err(e) => Err(refuse(format!("cannot start the blocking runtime: {e}"))),
    }
}
