//! `RequireAccessTokenLayer`: a tower layer that lets a request through only with a valid
//! Cognito access token, and hands the verified claims to the inner service as a request
//! extension (`AccessClaims`, which `AuthUser` also picks up).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use crate::extract::bearer_token;
use crate::rejection::AuthRejection;
use crate::verifier::Verifier;

#[derive(Clone)]
pub struct RequireAccessTokenLayer {
    verifier: Arc<Verifier>,
}

impl RequireAccessTokenLayer {
    pub fn new(verifier: Arc<Verifier>) -> Self {
        RequireAccessTokenLayer { verifier }
    }
}

impl<S> Layer<S> for RequireAccessTokenLayer {
    type Service = RequireAccessToken<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireAccessToken {
            inner,
            verifier: self.verifier.clone(),
        }
    }
}

#[derive(Clone)]
pub struct RequireAccessToken<S> {
    inner: S,
    verifier: Arc<Verifier>,
}

impl<S> Service<Request> for RequireAccessToken<S>
where
    S: Service<Request, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let verifier = self.verifier.clone();
        // The clone that was driven to readiness serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let token = match bearer_token(request.headers()) {
                Some(token) => token.to_owned(),
                None => return Ok(AuthRejection::MissingToken.into_response()),
            };
            match verifier.verify_access(&token).await {
                Ok(claims) => {
                    request.extensions_mut().insert(claims);
                    inner.call(request).await
                }
                Err(_) => Ok(AuthRejection::InvalidToken.into_response()),
            }
        })
    }
}
