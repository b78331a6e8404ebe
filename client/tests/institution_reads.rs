//! The client's institution reads against the emulator over loopback: the list filtered
//! by name (case-insensitive, percent-encoded), paged by MX's 10–100 rule, and one
//! institution by code; an unknown code is MX's `404`.

mod common;

use common::{Harness, frozen_config};
use mx_aggregation_client::MxError;

#[tokio::test]
async fn institutions_listed_by_name_and_read_by_code() {
    let h = Harness::start(frozen_config()).await;
    let all = h.client.list_institutions(None, 1, 1).await.unwrap();
    assert_eq!(all.pagination.per_page, 10, "clamped to MX's smallest page");
    let codes: Vec<_> = all
        .institutions
        .iter()
        .filter_map(|i| i.code.as_deref())
        .collect();
    assert!(
        codes.contains(&"mxbank") && codes.contains(&"mx_bank_oauth"),
        "{codes:?}"
    );
    let oauth = h
        .client
        .list_institutions(Some("bank (OAUTH"), 1, 500)
        .await
        .unwrap();
    let named: Vec<_> = oauth
        .institutions
        .iter()
        .filter_map(|i| i.code.as_deref())
        .collect();
    assert_eq!(named, ["mx_bank_oauth"]);
    assert_eq!(
        oauth.pagination.per_page, 100,
        "clamped to MX's largest page"
    );
    let none = h
        .client
        .list_institutions(Some("no such bank"), 1, 25)
        .await
        .unwrap();
    assert!(none.institutions.is_empty());
    let mxbank = h.client.read_institution("mxbank").await.unwrap();
    assert_eq!(mxbank.code.as_deref(), Some("mxbank"));
    assert_eq!(
        Some(&mxbank),
        all.institutions
            .iter()
            .find(|i| i.code.as_deref() == Some("mxbank"))
    );
    let missing = h.client.read_institution("no_such_bank").await;
    assert!(
        matches!(missing, Err(MxError::Api { status: 404, .. })),
        "{missing:?}"
    );
}
