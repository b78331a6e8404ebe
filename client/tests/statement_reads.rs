//! The client's statement reads against the emulator over loopback: after a statement
//! fetch, the member's list, each statement read alone, and its PDF's bytes; a statement
//! that does not exist is MX's `404`.

mod common;

use common::{Harness, connected_member, frozen_config, run_premium_job};
use mx_aggregation_client::types::StatementsPage;
use mx_aggregation_client::{DataList, MxError};

#[tokio::test]
async fn statements_read_one_by_one_and_as_pdf_bytes() {
    let h = Harness::start(frozen_config()).await;
    let (_, member) = connected_member(&h).await;
    let before: Vec<StatementsPage> = h
        .client
        .read_all(DataList::Statements(member.clone()), 10)
        .await
        .unwrap();
    assert!(before.iter().all(|p| p.statements.is_empty()));
    run_premium_job(&h, &member, "fetch_statements").await;
    let pages: Vec<StatementsPage> = h
        .client
        .read_all(DataList::Statements(member.clone()), 10)
        .await
        .unwrap();
    assert!(pages.len() > 1, "read page by page");
    let statements: Vec<_> = pages.into_iter().flat_map(|p| p.statements).collect();
    assert_eq!(statements.len(), 6 * 4, "six months of four accounts");
    for statement in statements.iter().take(3) {
        let guid = statement.guid.as_deref().unwrap();
        let one = h.client.read_statement(&member, guid).await.unwrap();
        assert_eq!(&one, statement);
        let pdf = h.client.statement_pdf(&member, guid).await.unwrap();
        assert!(pdf.starts_with(b"%PDF-1."), "a PDF");
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains(guid), "the PDF names its statement");
    }
    let missing = h.client.read_statement(&member, "STA-nope").await;
    assert!(
        matches!(missing, Err(MxError::Api { status: 404, .. })),
        "{missing:?}"
    );
    let missing_pdf = h.client.statement_pdf(&member, "STA-nope").await;
    assert!(
        matches!(missing_pdf, Err(MxError::Api { status: 404, .. })),
        "{missing_pdf:?}"
    );
}
