//! Reading a member's data: MX's list endpoints for accounts, transactions, account
//! numbers, account owners, holdings and statements, one page at a time or read to the
//! last page ([`Pages`]).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::client::MxClient;
use crate::endpoint::{DataList, Endpoint};
use crate::error::MxError;
use crate::query::PageQuery;
use crate::types::{
    AccountNumbersPage, AccountOwnersPage, AccountsPage, HoldingsPage, Pagination, StatementsPage,
    TransactionsPage,
};

/// A page of one of MX's lists: its rows and where it sits (`PaginationResponse`).
pub trait ListPage: DeserializeOwned {
    /// The envelope's key, e.g. `accounts`, for error messages.
    const KEY: &'static str;
    /// Where the page sits in the list.
    fn pagination(&self) -> &Pagination;
}

macro_rules! list_pages {
    ($($page:ty, $key:literal;)+) => {$(
        impl ListPage for $page {
            const KEY: &'static str = $key;
            fn pagination(&self) -> &Pagination {
                &self.pagination
            }
        }
    )+};
}

list_pages! {
    AccountsPage, "{\"accounts\": […]}";
    TransactionsPage, "{\"transactions\": […]}";
    AccountNumbersPage, "{\"account_numbers\": […]}";
    AccountOwnersPage, "{\"account_owners\": […]}";
    HoldingsPage, "{\"investment_holdings\": […]}";
    StatementsPage, "{\"statements\": […]}";
}

impl MxClient {
    /// One page of `list`, typed as `P` (the page type of that list: [`AccountsPage`]
    /// for accounts, [`TransactionsPage`] for transactions, …).
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not that page.
    pub async fn list_page<P: ListPage>(
        &self,
        list: &DataList,
        page: PageQuery,
    ) -> Result<P, MxError> {
        let endpoint = Endpoint::Data {
            list: list.clone(),
            page,
        };
        self.send::<()>(&endpoint, None)
            .await?
            .success()?
            .json(P::KEY)
    }

    /// Every page of `list`, `records_per_page` at a time (clamped to MX's 10 to 1000),
    /// read on demand from page 1 to the last.
    pub fn pages<P: ListPage>(&self, list: DataList, records_per_page: u32) -> Pages<P> {
        Pages {
            client: self.clone(),
            list,
            next: Some(PageQuery::new(1, records_per_page)),
            _page: PhantomData,
        }
    }

    /// Every row of `list`, all pages read.
    ///
    /// # Errors
    /// The first page that fails, as [`list_page`](Self::list_page).
    pub async fn read_all<P: ListPage>(
        &self,
        list: DataList,
        records_per_page: u32,
    ) -> Result<Vec<P>, MxError> {
        let mut pages = self.pages(list, records_per_page);
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            all.push(page?);
        }
        Ok(all)
    }
}

/// The pages of one list, read one at a time: an async iterator that ends after the page
/// whose `current_page` reaches `total_pages`, or after the first error.
#[derive(Debug, Clone)]
pub struct Pages<P> {
    client: MxClient,
    list: DataList,
    next: Option<PageQuery>,
    _page: PhantomData<fn() -> P>,
}

impl<P: ListPage> Pages<P> {
    /// The next page; `None` once the last was read (or an error ended the list).
    pub async fn next(&mut self) -> Option<Result<P, MxError>> {
        let query = self.next.take()?;
        let page = self.client.list_page::<P>(&self.list, query).await;
        if let Ok(read) = &page {
            let pagination = read.pagination();
            if query.page < pagination.total_pages {
                self.next = Some(PageQuery::new(
                    query.page.saturating_add(1),
                    query.records_per_page,
                ));
            }
        }
        Some(page)
    }

    /// The page [`next`](Self::next) reads, if any.
    pub const fn upcoming(&self) -> Option<PageQuery> {
        self.next
    }
}
