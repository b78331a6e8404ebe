//! The client's account-number reads against the emulator over loopback: none before a
//! verification; after it, the member's list and each account's own (the checking and
//! savings accounts', none for the card or the investment account).

mod common;

use std::time::Duration;

use common::{Harness, connected_member, frozen_config};
use mx_aggregation_client::DataList;
use mx_aggregation_client::types::{AccountNumbersPage, AccountsPage};

#[tokio::test]
async fn numbers_by_member_and_by_account_after_a_verification() {
    let h = Harness::start(frozen_config()).await;
    let (user, member) = connected_member(&h).await;
    let numbers = |list| async { h.client.read_all::<AccountNumbersPage>(list, 10).await };
    let before = numbers(DataList::AccountNumbers(member.clone()))
        .await
        .unwrap();
    assert!(before.iter().all(|p| p.account_numbers.is_empty()));
    h.client.verify(&member).await.unwrap();
    h.advance(Duration::from_secs(5));
    let of_member: Vec<_> = numbers(DataList::AccountNumbers(member.clone()))
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.account_numbers)
        .collect();
    assert_eq!(of_member.len(), 2, "checking and savings");
    let accounts: Vec<AccountsPage> = h
        .client
        .read_all(DataList::Accounts(member.clone()), 10)
        .await
        .unwrap();
    let accounts: Vec<_> = accounts.into_iter().flat_map(|p| p.accounts).collect();
    assert_eq!(accounts.len(), 4);
    for account in &accounts {
        let guid = account.guid.clone().unwrap();
        let mine: Vec<_> = numbers(DataList::AccountNumbersByAccount {
            user: user.clone(),
            account: guid.clone(),
        })
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.account_numbers)
        .collect();
        let expected: Vec<_> = of_member
            .iter()
            .filter(|n| n.account_guid.as_deref() == Some(guid.as_str()))
            .cloned()
            .collect();
        assert_eq!(mine, expected, "{:?}", account.account_type);
        let deposit = matches!(
            account.account_type.as_deref(),
            Some("CHECKING" | "SAVINGS")
        );
        assert_eq!(
            mine.len(),
            usize::from(deposit),
            "{:?}",
            account.account_type
        );
    }
}
