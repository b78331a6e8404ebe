//! The client's investment-holding reads against the emulator over loopback: the
//! member's, the user's and the investment account's lists agree, each holding reads
//! alone as listed, and an unknown holding is MX's `404`.

mod common;

use common::{Harness, connected_member, frozen_config};
use mx_aggregation_client::types::{AccountsPage, Holding, HoldingsPage};
use mx_aggregation_client::{DataList, MxError};

#[tokio::test]
async fn holdings_by_member_user_account_and_one_by_one() {
    let h = Harness::start(frozen_config()).await;
    let (user, member) = connected_member(&h).await;
    let read = |list| async {
        h.client
            .read_all::<HoldingsPage>(list, 10)
            .await
            .unwrap()
            .into_iter()
            .flat_map(|p| p.investment_holdings)
            .collect::<Vec<Holding>>()
    };
    let by_member = read(DataList::Holdings(member.clone())).await;
    assert_eq!(by_member.len(), 4);
    assert_eq!(read(DataList::UserHoldings(user.clone())).await, by_member);
    let accounts: Vec<AccountsPage> = h
        .client
        .read_all(DataList::Accounts(member.clone()), 10)
        .await
        .unwrap();
    let investment = accounts
        .into_iter()
        .flat_map(|p| p.accounts)
        .find(|a| a.account_type.as_deref() == Some("INVESTMENT"))
        .expect("an investment account");
    let account = investment.guid.clone().unwrap();
    let by_account = read(DataList::AccountHoldings {
        user: user.clone(),
        account: account.clone(),
    })
    .await;
    assert_eq!(by_account, by_member);
    let mut worth = 0.0;
    for holding in &by_member {
        assert_eq!(holding.account_guid.as_deref(), Some(account.as_str()));
        assert!(holding.symbol.is_some() && holding.holding_type.is_some());
        let guid = holding.guid.as_deref().unwrap();
        let one = h.client.read_holding(&user, guid).await.unwrap();
        assert_eq!(&one, holding);
        worth += holding.market_value.unwrap();
    }
    let balance = investment.balance.unwrap();
    assert!((balance - worth).abs() < 0.005, "{balance} vs {worth}");
    let missing = h.client.read_holding(&user, "HOL-nope").await;
    assert!(
        matches!(missing, Err(MxError::Api { status: 404, .. })),
        "{missing:?}"
    );
}
