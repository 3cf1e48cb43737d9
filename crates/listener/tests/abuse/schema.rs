//! What schemathesis (scripts/schemathesis.sh) found in /openapi.json, kept as regressions:
//! the string enums documented by their variant names instead of the values sent, and
//! refusals documented as `application/json` though sent as `application/problem+json`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::host;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_matches_what_is_sent() {
    let h = host().await;
    let reply = h.send(Method::GET, "/openapi.json", None, &[], None).await;
    reply.expect(200);
    let doc = &reply.body;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["SystemStatus"]["enum"],
        json!(["active", "inactive", "error", "testing"])
    );
    assert!(schemas["SystemType"]["enum"]
        .as_array()
        .is_some_and(|e| e.contains(&json!("pos"))));
    let refused =
        &doc["paths"]["/api/v1/integrations/systems"]["get"]["responses"]["401"]["content"];
    assert!(
        refused.get("application/problem+json").is_some(),
        "{refused}"
    );
    assert!(refused.get("application/json").is_none(), "{refused}");
    // A refusal really is sent that way.
    let unauthenticated = h.send(Method::GET, "systems", None, &[], None).await;
    unauthenticated.problem(401);
    let form = &doc["paths"]["/api/v1/integrations/callbacks/ylh/{system_id}"]["post"]
        ["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_ne!(form, &Value::Null, "the ylh form is documented as fields");
}
