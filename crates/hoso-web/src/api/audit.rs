//! The audit trail.

use crate::extract::Query;
use axum::Json;
use axum::extract::State;
use hoso_app::security::{AuditEntryView, AuditQuery};
use hoso_app::{App, Page};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Authenticated, Client};

/// Search the audit trail: system administrators all of it, unit administrators the entries
/// about the records of their subtrees.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntryView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn search(
    State(app): State<App>,
    Authenticated(actor): Authenticated,
    Client(client): Client,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Page<AuditEntryView>>> {
    Ok(Json(app.audit_entries(&actor, q, &client).await?))
}
