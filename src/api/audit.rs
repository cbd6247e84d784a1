//! `/audit` (admin): who changed what, when, and why.

use axum::extract::OriginalUri;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::output::{Output, OutputParams};
use super::params::{Code, KeyName, PageParams, Timestamp};
use super::{ApiQuery, ListResponse};
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::snapshot::Snapshot;
use crate::{AppState, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum Resource {
    Observation,
    Recognition,
    Target,
    Region,
    Topic,
    Unit,
    Indicator,
    Source,
    /// A bulk import: one entry each, whose `after` is its report.
    Import,
}

impl Resource {
    fn as_str(self) -> &'static str {
        match self {
            Resource::Observation => "observation",
            Resource::Recognition => "recognition",
            Resource::Target => "target",
            Resource::Region => "region",
            Resource::Topic => "topic",
            Resource::Unit => "unit",
            Resource::Indicator => "indicator",
            Resource::Source => "source",
            Resource::Import => "import",
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// Only changes made with the key of this name (`seed` for the migrations).
    #[param(inline)]
    key: Option<KeyName>,
    /// Only changes to this kind of resource.
    #[param(inline)]
    resource: Option<Resource>,
    /// With `resource`, only changes to the one with this id or code.
    #[param(inline)]
    resource_key: Option<Code>,
    /// Only changes at or after this moment.
    #[param(inline)]
    since: Option<Timestamp>,
    /// Only changes before this moment.
    #[param(inline)]
    until: Option<Timestamp>,
}

/// The audit log, oldest first (admin).
#[utoipa::path(
    get,
    path = "/audit",
    tag = "stewardship",
    params(AuditParams, PageParams, OutputParams),
    security(("bearer" = [])),
    responses((status = 200, description = "A page of changes (JSON), or every match (CSV)",
        content((ListResponse<AuditEntry> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, admin, output), fields(key = %admin.0.name))]
async fn list_audit(
    snapshot: Snapshot,
    admin: Admin,
    ApiQuery(params): ApiQuery<AuditParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let filter = AuditFilter {
        key_name: params.key.map(|name| name.0),
        resource: params.resource.map(|resource| resource.as_str().to_owned()),
        resource_key: params.resource_key.map(|code| code.0),
        since: params.since.map(|moment| moment.0),
        until: params.until.map(|moment| moment.0),
    };
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { Ok(audit::list_entries(&mut *db.conn().await?, &filter, page).await?) }
        })
        .await
}
