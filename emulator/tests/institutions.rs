//! `GET /institutions` and `GET /institutions/{code}` over loopback: every institution
//! the emulator has, found by a case-insensitive piece of its name and by the products it
//! supports, paged by the list's own rule (10 to 100 a page, 25 above 100).

mod common;

use common::Mx;
use serde_json::Value;

async fn codes(mx: &Mx, query: &str) -> Vec<String> {
    let answer = mx.send("GET", &format!("/institutions{query}"), None).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    answer.body["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_holds_both_mx_banks_and_filters_by_name() {
    let mx = Mx::frozen().await;
    assert_eq!(codes(&mx, "").await, ["mx_bank_oauth", "mxbank"]);
    assert_eq!(codes(&mx, "?name=BANK").await, ["mx_bank_oauth", "mxbank"]);
    assert_eq!(codes(&mx, "?name=oauth").await, ["mx_bank_oauth"]);
    assert_eq!(codes(&mx, "?name=mx%20bank%20(o").await, ["mx_bank_oauth"]);
    // MX's own example, `name=mxbank`, finds MX Bank.
    assert!(
        codes(&mx, "?name=mxbank")
            .await
            .contains(&"mxbank".to_owned())
    );
    assert!(codes(&mx, "?name=credit%20union").await.is_empty());
}

#[tokio::test]
async fn supported_products_keeps_the_institutions_supporting_all_of_them() {
    let mx = Mx::frozen().await;
    for query in [
        "?supported_products=statements",
        "?supported_products[]=statements&supported_products[]=account_verification",
        "?supported_products=transaction_history,identity_verification",
    ] {
        assert_eq!(
            codes(&mx, query).await,
            ["mx_bank_oauth", "mxbank"],
            "{query}"
        );
    }
    assert!(codes(&mx, "?supported_products=rewards").await.is_empty());
    let unknown = mx
        .send("GET", "/institutions?supported_products=loans", None)
        .await;
    assert_eq!(unknown.status, 400);
    let message = unknown.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("\"loans\""), "{message}");
}

#[tokio::test]
async fn pages_hold_10_to_100_institutions_and_25_above() {
    let mx = Mx::frozen().await;
    for (asked, shown) in [
        ("1", 10),
        ("10", 10),
        ("50", 50),
        ("100", 100),
        ("101", 25),
        ("1000", 25),
    ] {
        let answer = mx
            .send(
                "GET",
                &format!("/institutions?records_per_page={asked}"),
                None,
            )
            .await;
        assert_eq!(answer.status, 200);
        let pagination = &answer.body["pagination"];
        assert_eq!(pagination["per_page"], shown, "records_per_page={asked}");
        assert_eq!(pagination["total_entries"], 2);
        assert_eq!(pagination["total_pages"], 1);
    }
    let second = mx.send("GET", "/institutions?page=2", None).await;
    assert_eq!(second.body["institutions"].as_array().unwrap().len(), 0);
    assert_eq!(second.body["pagination"]["current_page"], 2);
}

#[tokio::test]
async fn each_institution_reads_with_the_specs_fields() {
    let mx = Mx::frozen().await;
    let listed = mx.send("GET", "/institutions", None).await;
    for institution in listed.body["institutions"].as_array().unwrap() {
        let code = institution["code"].as_str().unwrap();
        let read = mx.send("GET", &format!("/institutions/{code}"), None).await;
        assert_eq!(read.status, 200);
        assert_eq!(&read.body["institution"], institution);
        assert!(institution["guid"].as_str().unwrap().starts_with("INS-"));
        assert!(institution["supported_products"].is_array());
        assert_eq!(institution["iso_country_code"], "US");
    }
    let oauth = mx.send("GET", "/institutions/mx_bank_oauth", None).await;
    assert_eq!(oauth.body["institution"]["supports_oauth"], true);
    assert_eq!(oauth.body["institution"]["name"], "MX Bank (Oauth)");
    let bank: &Value = &mx.send("GET", "/institutions/mxbank", None).await.body;
    assert_eq!(bank["institution"]["supports_oauth"], false);
    let missing = mx.send("GET", "/institutions/nope", None).await;
    assert_eq!(missing.status, 404);
}
