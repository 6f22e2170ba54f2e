//! Extractors whose rejections answer in our error shape, not axum's text.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::Error;

/// Like [`axum::Json`], but a body that is too large, not JSON, or JSON of
/// the wrong shape is answered with `{"error":{"code","message"}}`: 413,
/// 400 (syntax, content type) or 422 (a field of the wrong type or value).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejected(&rejection)),
        }
    }
}

/// Our error for one of axum's JSON rejections. The message is axum's, which
/// names the position or field at fault and may quote a bad value back to
/// the client that sent it; error answers are not logged.
fn json_rejected(rejection: &JsonRejection) -> Error {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge,
        StatusCode::UNPROCESSABLE_ENTITY => Error::Invalid(rejection.body_text()),
        _ => Error::BadRequest(rejection.body_text()),
    }
}

/// Like [`axum::extract::Query`], with a 400 in our shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|rejection: QueryRejection| Error::BadRequest(rejection.body_text()))
    }
}

/// Like [`axum::extract::Path`], with a 400 in our shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|rejection: PathRejection| Error::BadRequest(rejection.body_text()))
    }
}
