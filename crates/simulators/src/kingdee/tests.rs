use serde_json::{json, Value};

use super::routes::sign;
use super::*;

fn url(sim: &KingdeeSim, service: &str) -> String {
    format!(
        "{}/k3cloud/Kingdee.BOS.WebApi.ServicesStub.{service}.common.kdsvc",
        sim.base_url()
    )
}

async fn post(
    sim: &KingdeeSim,
    service: &str,
    body: Value,
    session: Option<&str>,
) -> (reqwest::header::HeaderMap, Value) {
    let mut r = reqwest::Client::new().post(url(sim, service)).json(&body);
    if let Some(s) = session {
        r = r.header("Cookie", format!("kdservice-sessionid={s}"));
    }
    let resp = r.send().await.expect("send");
    let headers = resp.headers().clone();
    (headers, resp.json().await.expect("json"))
}

async fn login(sim: &KingdeeSim) -> String {
    let c = sim.config().clone();
    let (headers, body) = post(
        sim,
        "AuthService.LoginByAppSecret",
        json!({"parameters": [c.acct_id, c.username, c.app_id, c.app_secret, 2052]}),
        None,
    )
    .await;
    assert_eq!(body["LoginResultType"], 1, "{body}");
    let cookie = headers["set-cookie"].to_str().expect("cookie");
    assert!(cookie.starts_with("kdservice-sessionid="));
    body["KDSVCSessionId"].as_str().expect("session").to_owned()
}

async fn query(sim: &KingdeeSim, session: &str, data: Value) -> Value {
    post(
        sim,
        "DynamicFormService.ExecuteBillQuery",
        json!({"parameters": [data]}),
        Some(session),
    )
    .await
    .1
}

#[tokio::test]
async fn sign_is_checked() {
    let sim = KingdeeSim::start(KingdeeSimConfig {
        records: 10,
        ..Default::default()
    })
    .await
    .expect("sim");
    let c = sim.config().clone();
    let ts = chrono::Utc::now().timestamp();
    let good = sign(&c.acct_id, &c.username, &c.app_id, &c.app_secret, ts);
    // Named keys are accepted as well as `parameters`.
    let body = |s: &str| json!({"acctID": c.acct_id, "username": c.username, "appId": c.app_id, "timestamp": ts, "sign": s, "lcid": 2052});
    let (_, ok) = post(&sim, "AuthService.LoginBySign", body(&good), None).await;
    assert_eq!(ok["LoginResultType"], 1, "{ok}");
    let wrong = sign(&c.acct_id, &c.username, &c.app_id, "not-the-secret", ts);
    let (_, refused) = post(&sim, "AuthService.LoginBySign", body(&wrong), None).await;
    assert_eq!(refused["LoginResultType"], 0);
    assert!(refused["Message"]
        .as_str()
        .is_some_and(|m| m.contains("签名")));
    let stats = sim.stats();
    assert_eq!((stats.logins, stats.failed_logins), (1, 1));
    // The recorded algorithm: the five strings sorted ordinally, joined, SHA-256 hex.
    assert_eq!(
        sign(
            "5f1a2b3c4d",
            "storelink",
            "241234_abcDEF",
            "s3cr3t-App",
            1_700_000_000
        ),
        "1d63775151fa20714a829dc54a227627027498d995cfa6e404bc71b186be4909"
    );
}

#[tokio::test]
async fn queries_page_in_change_order_and_sessions_expire() {
    let sim = KingdeeSim::start(KingdeeSimConfig {
        records: 40,
        ..Default::default()
    })
    .await
    .expect("sim");
    let session = login(&sim).await;
    let keys = "FCUSTID,FNumber,FModifyDate";
    let mut all = Vec::new();
    let mut start = 0;
    loop {
        let rows = query(
            &sim,
            &session,
            json!({"FormId": "BD_Customer", "FieldKeys": keys,
            "OrderString": "FModifyDate ASC,FCUSTID ASC", "StartRow": start, "Limit": 7}),
        )
        .await;
        let rows = rows.as_array().expect("rows").clone();
        if rows.is_empty() {
            break;
        }
        start += rows.len();
        all.extend(rows);
    }
    assert_eq!(all.len(), 40);
    let times: Vec<String> = all
        .iter()
        .map(|r| r[2].as_str().expect("time").to_owned())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "ordered by FModifyDate"
    );
    // Incremental: from the 31st change time on.
    let since = times[30].replace('T', " ");
    let rows = query(
        &sim,
        &session,
        json!({"FormId": "BD_Customer", "FieldKeys": keys,
        "FilterString": format!("FModifyDate>='{since}'"), "StartRow": 0, "Limit": 100}),
    )
    .await;
    assert_eq!(rows.as_array().map(Vec::len), Some(10));
    let number = all[0][1].as_str().expect("number").to_owned();
    assert_eq!(sim.touch("customers", std::slice::from_ref(&number)), 1);
    let rows = query(
        &sim,
        &session,
        json!({"FormId": "BD_Customer", "FieldKeys": keys,
        "FilterString": format!("FModifyDate>'{}'", times[39]), "Limit": 0}),
    )
    .await;
    assert_eq!(rows[0][1], number.as_str(), "{rows}");
    let one = query(
        &sim,
        &session,
        json!({"FormId": "BD_Customer", "FieldKeys": "FNumber,FName",
        "FilterString": format!("FNumber='{number}'")}),
    )
    .await;
    assert_eq!(one.as_array().map(Vec::len), Some(1));
    let lines = query(&sim, &session, json!({"FormId": "SAL_SaleOrder",
        "FieldKeys": "FID,FMaterialId.FNumber,FQty,FAllAmount", "FilterString": "FID IN (100001,100002)"})).await;
    assert!(lines.as_array().is_some_and(|l| l.len() >= 2), "{lines}");
    let unknown = query(
        &sim,
        &session,
        json!({"FormId": "BD_Customer", "FieldKeys": "FNope"}),
    )
    .await;
    assert_eq!(
        unknown[0][0]["Result"]["ResponseStatus"]["IsSuccess"],
        false
    );

    sim.expire_sessions();
    let lost = query(
        &sim,
        &session,
        json!({"FormId": "BD_Customer", "FieldKeys": keys}),
    )
    .await;
    let status = &lost[0][0]["Result"]["ResponseStatus"];
    assert_eq!(status["MsgCode"], 1);
    assert_eq!(status["Errors"][0]["Message"], "会话信息已丢失，请重新登录");
    assert_eq!(sim.stats().sessions_lost, 1);
}

#[tokio::test]
async fn saves_create_records_and_orders_move_through_submit_and_audit() {
    let sim = KingdeeSim::start(KingdeeSimConfig {
        records: 8,
        ..Default::default()
    })
    .await
    .expect("sim");
    let session = login(&sim).await;
    let save = |form: &str, model: Value| json!({"formid": form, "data": {"Model": model}});
    let (_, created) = post(
        &sim,
        "DynamicFormService.Save",
        save(
            "BD_Customer",
            json!({"FCUSTID": 0, "FNumber": "CUST-9", "FName": "新客户"}),
        ),
        Some(&session),
    )
    .await;
    assert_eq!(
        created["Result"]["ResponseStatus"]["IsSuccess"], true,
        "{created}"
    );
    assert_eq!(created["Result"]["Number"], "CUST-9");
    let (_, dup) = post(
        &sim,
        "DynamicFormService.Save",
        save(
            "BD_Customer",
            json!({"FNumber": "CUST-9", "FName": "又一个"}),
        ),
        Some(&session),
    )
    .await;
    assert_eq!(dup["Result"]["ResponseStatus"]["IsSuccess"], false);
    let order = json!({"FBillNo": "SO-1", "FCustId": {"FNumber": "CUST-9"},
        "FSaleOrderEntry": [{"FMaterialId": {"FNumber": "P000001"}, "FQty": "2", "FTaxPrice": "10.50"}]});
    let (_, saved) = post(
        &sim,
        "DynamicFormService.Save",
        save("SAL_SaleOrder", order),
        Some(&session),
    )
    .await;
    let id = saved["Result"]["Id"].clone();
    assert!(id.is_i64(), "{saved}");
    let ids = json!({"formid": "SAL_SaleOrder", "data": {"Ids": id.to_string()}});
    let (_, audit_early) = post(
        &sim,
        "DynamicFormService.Audit",
        ids.clone(),
        Some(&session),
    )
    .await;
    assert_eq!(audit_early["Result"]["ResponseStatus"]["IsSuccess"], false);
    post(
        &sim,
        "DynamicFormService.Submit",
        ids.clone(),
        Some(&session),
    )
    .await;
    let (_, audited) = post(&sim, "DynamicFormService.Audit", ids, Some(&session)).await;
    assert_eq!(
        audited["Result"]["ResponseStatus"]["IsSuccess"], true,
        "{audited}"
    );
    let (_, view) = post(
        &sim,
        "DynamicFormService.View",
        json!({"parameters": ["SAL_SaleOrder", {"Number": "SO-1"}]}),
        Some(&session),
    )
    .await;
    assert_eq!(view["Result"]["Result"]["FDocumentStatus"], "C");
    assert_eq!(view["Result"]["Result"]["FBillAllAmount"], "21.00");
    assert_eq!(view["Result"]["Result"]["FCustId.FNumber"], "CUST-9");
    let stats = sim.stats();
    assert_eq!(
        (
            stats.customers_created,
            stats.orders_created,
            stats.submits,
            stats.audits
        ),
        (1, 1, 1, 1)
    );
}
