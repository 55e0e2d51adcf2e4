//! What every generated request type implements, so that what is the same for
//! every endpoint (sending, awaiting, blocking, the JSON interface) is written
//! once here rather than once per endpoint.

use std::future::Future;
use std::pin::Pin;

use crate::codec::Codec;
use crate::error::Error;
use crate::op::Operation;
use crate::params::Params;

/// A generated request type: its endpoint, its payload type, and how its
/// fields become wire values.
pub trait Request: Send + Sized + 'static {
    /// What the call returns when it succeeds.
    type Output: Send + 'static;
    /// How the payload is decoded.
    type Codec: Codec<Self::Output>;
    /// The endpoint.
    const OP: &'static Operation;

    /// Checks the values (list lengths, parameters that need others) and
    /// lists them with their wire names and places; nothing is sent.
    fn params(&self) -> Result<Params, Error>;
}

/// The future of a call: what `.await` on a generated call gives.
pub type CallFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

impl crate::Core {
    /// Sends a generated request and decodes its payload.
    pub async fn send<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        let params = request.params()?;
        self.execute::<R::Output, R::Codec>(R::OP, params).await
    }

    /// [`Self::send`] as a boxed future, for `IntoFuture` implementations.
    pub fn send_boxed<R: Request>(&self, request: R) -> CallFuture<'_, R::Output> {
        Box::pin(self.send(request))
    }

    /// [`Self::send`], waiting for the answer without async (feature `blocking`).
    #[cfg(feature = "blocking")]
    pub fn send_blocking<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        crate::blocking::run(R::OP, self.send(request))
    }
}
