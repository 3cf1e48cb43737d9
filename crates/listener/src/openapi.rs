//! `GET /openapi.json`, generated from the handlers and types themselves.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API token from `storelink tokens add` or the app"))
                    .build(),
            ),
        );
    }
}

/// Refusals are sent as `application/problem+json` (RFC 9457); the handlers' annotations
/// name only the `Problem` body, which utoipa documents as `application/json`.
struct ProblemJson;

impl Modify for ProblemJson {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for response in operation.responses.responses.values_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    let is_problem = response
                        .content
                        .get("application/json")
                        .and_then(|c| c.schema.as_ref())
                        .is_some_and(
                            |s| matches!(s, RefOr::Ref(r) if r.ref_location.ends_with("/Problem")),
                        );
                    if let Some(content) = is_problem
                        .then(|| response.content.shift_remove("application/json"))
                        .flatten()
                    {
                        response
                            .content
                            .insert("application/problem+json".into(), content);
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Storelink listener", description = "LAN POS API and vendor webhooks (seeds 000, 002, 004)"),
    paths(
        routes::healthz,
        routes::systems::list, routes::systems::create, routes::systems::show,
        routes::systems::update, routes::systems::delete, routes::systems::test,
        routes::ingest::pos_transaction, routes::ingest::supplier_order, routes::ingest::member,
        routes::ingest::reservation, routes::ingest::reservation_status,
        routes::lists::pos_transactions, routes::lists::supplier_orders, routes::lists::members,
        routes::lists::reservations, routes::lists::sync_logs,
        routes::webhooks::receive,
        routes::temu::receive,
        routes::ylh::callback,
    ),
    modifiers(&BearerAuth, &ProblemJson)
)]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
