//! The client's account-owner read against the emulator over loopback: none before an
//! identification, then one owner for each of the member's accounts.

mod common;

use common::{Harness, connected_member, frozen_config, run_premium_job};
use mx_aggregation_client::DataList;
use mx_aggregation_client::types::{AccountOwnersPage, AccountsPage};

#[tokio::test]
async fn owners_after_an_identification() {
    let h = Harness::start(frozen_config()).await;
    let (_, member) = connected_member(&h).await;
    let owners = || async {
        h.client
            .read_all::<AccountOwnersPage>(DataList::AccountOwners(member.clone()), 10)
            .await
            .unwrap()
            .into_iter()
            .flat_map(|p| p.account_owners)
            .collect::<Vec<_>>()
    };
    assert!(owners().await.is_empty());
    run_premium_job(&h, &member, "identify").await;
    let owners = owners().await;
    let accounts: Vec<AccountsPage> = h
        .client
        .read_all(DataList::Accounts(member.clone()), 10)
        .await
        .unwrap();
    let accounts: Vec<_> = accounts.into_iter().flat_map(|p| p.accounts).collect();
    assert_eq!(owners.len(), accounts.len());
    for (owner, account) in owners.iter().zip(&accounts) {
        assert_eq!(owner.account_guid, account.guid);
        assert!(owner.guid.as_deref().unwrap().starts_with("ACO-"));
        let name = format!(
            "{} {}",
            owner.first_name.as_deref().unwrap(),
            owner.last_name.as_deref().unwrap()
        );
        assert_eq!(owner.owner_name.as_deref(), Some(name.as_str()));
    }
}
