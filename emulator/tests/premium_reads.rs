//! What the premium jobs read, over loopback: account numbers after a verification,
//! account owners after an identification, statements and their PDFs after a statement
//! fetch; empty lists before.

mod common;

use common::Mx;
use serde_json::Value;

async fn run_job(mx: &Mx, user: &str, member: &str, job: &str) {
    let started = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/{job}"),
            None,
        )
        .await;
    assert!(
        matches!(started.status, 200 | 202),
        "{job}: {}",
        started.body
    );
    mx.advance(1).await;
    let read = mx.read(user, member).await;
    assert_eq!(read["is_being_aggregated"], false, "{job}");
    assert_eq!(read["connection_status"], "CONNECTED", "{job}");
}

async fn list(mx: &Mx, user: &str, member: &str, name: &str) -> Vec<Value> {
    mx.all(&format!("/users/{user}/members/{member}/{name}"), name)
        .await
}

#[tokio::test]
async fn account_numbers_after_a_verification() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    assert!(
        list(&mx, &user, &member, "account_numbers")
            .await
            .is_empty()
    );
    run_job(&mx, &user, &member, "verify").await;
    let numbers = list(&mx, &user, &member, "account_numbers").await;
    let accounts = list(&mx, &user, &member, "accounts").await;
    let deposit: Vec<&Value> = accounts
        .iter()
        .filter(|a| a["type"] == "CHECKING" || a["type"] == "SAVINGS")
        .collect();
    assert_eq!(numbers.len(), deposit.len());
    assert_eq!(numbers.len(), 2);
    for (number, account) in numbers.iter().zip(deposit) {
        assert_eq!(number["account_guid"], account["guid"]);
        assert_eq!(number["member_guid"], member.as_str());
        assert_eq!(number["user_guid"], user.as_str());
        let full = number["account_number"].as_str().unwrap();
        assert!(full.ends_with(account["account_number"].as_str().unwrap()));
        let routing = number["routing_number"].as_str().unwrap();
        assert_eq!(routing.len(), 9);
        assert!(routing.bytes().all(|b| b.is_ascii_digit()));
        assert!(number["guid"].as_str().unwrap().starts_with("ACN-"));
    }
    // Another member of the user has none until it is verified.
    let other = mx.member_guid(&user, "another password").await;
    mx.advance(1).await;
    assert!(list(&mx, &user, &other, "account_numbers").await.is_empty());
}

#[tokio::test]
async fn account_owners_after_an_identification() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    assert!(list(&mx, &user, &member, "account_owners").await.is_empty());
    run_job(&mx, &user, &member, "identify").await;
    let owners = list(&mx, &user, &member, "account_owners").await;
    let accounts = list(&mx, &user, &member, "accounts").await;
    assert_eq!(owners.len(), accounts.len());
    for (owner, account) in owners.iter().zip(&accounts) {
        assert_eq!(owner["account_guid"], account["guid"]);
        let name = format!(
            "{} {}",
            owner["first_name"].as_str().unwrap(),
            owner["last_name"].as_str().unwrap()
        );
        assert_eq!(owner["owner_name"], name.as_str());
        assert!(owner["guid"].as_str().unwrap().starts_with("ACO-"));
    }
}

#[tokio::test]
async fn statements_and_their_pdfs_after_a_statement_fetch() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    assert!(list(&mx, &user, &member, "statements").await.is_empty());
    run_job(&mx, &user, &member, "fetch_statements").await;
    let statements = list(&mx, &user, &member, "statements").await;
    let accounts = list(&mx, &user, &member, "accounts").await;
    assert_eq!(statements.len(), 6 * accounts.len());
    for statement in &statements {
        let guid = statement["guid"].as_str().unwrap();
        assert!(guid.starts_with("STA-"));
        let path = format!("/users/{user}/members/{member}/statements/{guid}");
        let read = mx.send("GET", &path, None).await;
        assert_eq!(read.status, 200);
        assert_eq!(&read.body["statement"], statement);
        assert_eq!(statement["uri"], format!("{path}.pdf").as_str());
    }
    let guid = statements[0]["guid"].as_str().unwrap();
    let url = format!(
        "{}/users/{user}/members/{member}/statements/{guid}.pdf",
        mx.base
    );
    let pdf = mx
        .http
        .get(&url)
        .basic_auth(&mx.client_id, Some(&mx.api_key))
        .header("accept-version", "v20250224")
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1."));
    assert!(bytes.ends_with(b"%%EOF\n"));
    assert!(bytes.len() < 4_096, "a small PDF: {} bytes", bytes.len());
    let missing = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/statements/STA-nope"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
}
