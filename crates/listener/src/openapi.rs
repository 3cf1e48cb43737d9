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
    modifiers(&BearerAuth)
)]
struct ApiDoc;

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
