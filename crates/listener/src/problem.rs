//! Errors as `application/problem+json` (RFC 9457) with the seeds' `errors: [{field,
//! message}]`. The status tells the client what to do: fix the body (400, 422), sign in
//! (401), ask someone else (403), stop (404, 409), send less (413), wait (429).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use storelink_core::error::{AppError, FieldError, Rule};
use storelink_service::ingest::is_malformed_body;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
    /// The rule broken, as a code (`required`, `one_of`, `sum_mismatch`, `transition`, ...).
    pub rule: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:storelink:problem:<kind>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default)]
    pub errors: Vec<ProblemField>,
    /// For an illegal status change: the states the record may move to next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_next: Option<Vec<String>>,
}

/// An error on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

fn rule_code(rule: &Rule) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "invalid".into())
}

fn fields(errors: &[FieldError]) -> Vec<ProblemField> {
    errors
        .iter()
        .map(|e| ProblemField {
            field: e.field.clone(),
            message: e.message.clone(),
            rule: rule_code(&e.rule),
        })
        .collect()
}

fn kind(e: &AppError) -> String {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "internal".into())
}

/// Builds the problem for an error: status, body, and the headers it needs.
pub fn problem_of(e: &AppError) -> (StatusCode, Problem) {
    let mut errors = Vec::new();
    let mut allowed_next = None;
    let status = match e {
        AppError::Validation { errors: list } => {
            errors = fields(list);
            if let Some(allowed) = list.iter().find_map(|f| match &f.rule {
                Rule::Transition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            }) {
                allowed_next = Some(allowed);
                StatusCode::CONFLICT
            } else if is_malformed_body(e) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Conflict { message, field } => {
            if let Some(field) = field {
                errors.push(ProblemField {
                    field: field.clone(),
                    message: message.clone(),
                    rule: "conflict".into(),
                });
            }
            StatusCode::CONFLICT
        }
        AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
        AppError::Unauthenticated | AppError::BadCredentials | AppError::BadSignature { .. } => {
            StatusCode::UNAUTHORIZED
        }
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Keychain { .. }
        | AppError::DatabaseRefused { .. }
        | AppError::Database { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::External { .. } => StatusCode::BAD_GATEWAY,
        AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let detail = match e {
        // The token was missing or unknown; say how to fix it, not which.
        AppError::Unauthenticated => {
            "a valid API token is required: send `Authorization: Bearer <token>`".to_owned()
        }
        // Internal details go to the log, not to the client.
        AppError::Internal { .. } => "an internal error occurred; see the Storelink log".to_owned(),
        other => other.to_string(),
    };
    let problem = Problem {
        problem_type: format!("urn:storelink:problem:{}", kind(e)),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
        allowed_next,
    };
    (status, problem)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let AppError::Internal { message } = &self.0 {
            tracing::error!(%message, "internal error answering a request");
        }
        let (status, problem) = problem_of(&self.0);
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self.0 {
            AppError::RateLimited { retry_after_secs } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    headers.insert(header::RETRY_AFTER, v);
                }
            }
            AppError::Unauthenticated => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// A handler's early answer: an error already turned into its problem response. Boxed, so
/// `Result<Response, Refusal>` stays small.
pub struct Refusal(Box<Response>);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal(Box::new(ApiError(e).into_response()))
    }
}

impl From<Response> for Refusal {
    fn from(r: Response) -> Self {
        Refusal(Box::new(r))
    }
}

/// A problem from a status and message alone (body too large, bad query string).
pub fn plain(status: StatusCode, field: &str, message: String) -> Response {
    let problem = Problem {
        problem_type: format!(
            "urn:storelink:problem:{}",
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_lowercase()
                .replace(' ', "_")
        ),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: message.clone(),
        errors: vec![ProblemField {
            field: field.to_owned(),
            message,
            rule: "invalid".into(),
        }],
        allowed_next: None,
    };
    let mut response = (status, axum::Json(problem)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}
