//! The generic `Call` type: one request being built, sent async or blocking.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Blocking, Options};

/// The one call type of a provider module: generic over the request, so that
/// awaiting, blocking and inspecting are written once, not per endpoint.
pub(super) fn call_type(opts: &Options) -> TokenStream {
    let blocking = match &opts.blocking {
        Blocking::Never => TokenStream::new(),
        Blocking::Always => quote! {
            /// Sends the request and waits for the answer, without async.
            pub fn send_blocking(self) -> Result<R::Output, rt::Error> {
                self.client.core.send_blocking(self.request)
            }
        },
        Blocking::Feature(feature) => {
            let doc = format!(
                " Sends the request and waits for the answer, without async (feature `{feature}`)."
            );
            quote! {
                #[cfg(feature = #feature)]
                #[doc = #doc]
                pub fn send_blocking(self) -> Result<R::Output, rt::Error> {
                    self.client.core.send_blocking(self.request)
                }
            }
        }
    };
    quote! {
        /// A prepared call of one endpoint: set its optional parameters, then
        /// `.await` it.
        #[derive(Debug)]
        #[must_use = "a call does nothing until it is awaited"]
        pub struct Call<'a, R> {
            client: &'a Client,
            request: R,
        }

        impl<'a, R: rt::Request> Call<'a, R> {
            fn new(client: &'a Client, request: R) -> Self {
                Call { client, request }
            }

            /// The request as it stands.
            pub fn request(&self) -> &R {
                &self.request
            }

            /// Sends the request.
            pub async fn send(self) -> Result<R::Output, rt::Error> {
                self.client.core.send(self.request).await
            }

            #blocking
        }

        impl<'a, R: rt::Request> std::future::IntoFuture for Call<'a, R> {
            type Output = Result<R::Output, rt::Error>;
            type IntoFuture = rt::CallFuture<'a, R::Output>;

            fn into_future(self) -> Self::IntoFuture {
                self.client.core.send_boxed(self.request)
            }
        }
    }
}
