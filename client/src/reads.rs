//! The single reads beside the lists ([`crate::data`]): one statement and its PDF, one
//! investment holding, and the institutions (a page filtered by name, or one by code).
//! Each is one call, made once: nothing here folds into a member's state.

use crate::client::MxClient;
use crate::endpoint::{Endpoint, MemberRef};
use crate::error::MxError;
use crate::types::{Holding, Institution, InstitutionsPage, Statement};

/// The fewest institutions a page holds (SPEC25 `listInstitutions`: `records_per_page`
/// "The valid range is from `10` to `100`").
pub const MIN_INSTITUTIONS_PER_PAGE: u32 = 10;
/// The most institutions a page holds; above it MX answers its default, 25.
pub const MAX_INSTITUTIONS_PER_PAGE: u32 = 100;

impl MxClient {
    /// `GET /users/{user}/members/{member}/statements/{statement}`: one statement.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`404`: no such statement), or a body that is not
    /// `{"statement": …}`.
    pub async fn read_statement(
        &self,
        member: &MemberRef,
        statement: &str,
    ) -> Result<Statement, MxError> {
        let endpoint = Endpoint::ReadStatement {
            member: member.clone(),
            statement: statement.to_owned(),
        };
        self.send::<()>(&endpoint, None)
            .await?
            .success()?
            .envelope("statement")
    }

    /// `GET /users/{user}/members/{member}/statements/{statement}.pdf`: the statement's
    /// PDF, its bytes as MX sent them.
    ///
    /// # Errors
    /// Transport, or a non-2xx answer (`404`: no such statement).
    pub async fn statement_pdf(
        &self,
        member: &MemberRef,
        statement: &str,
    ) -> Result<Vec<u8>, MxError> {
        let endpoint = Endpoint::StatementPdf {
            member: member.clone(),
            statement: statement.to_owned(),
        };
        let (reply, bytes) = self.send_for_bytes(&endpoint).await?;
        reply.success()?;
        Ok(bytes)
    }

    /// `GET /users/{user}/investment_holdings/{holding}`: one investment holding.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`404`: no such holding), or a body that is not
    /// `{"investment_holding": …}`.
    pub async fn read_holding(&self, user: &str, holding: &str) -> Result<Holding, MxError> {
        let endpoint = Endpoint::ReadHolding {
            user: user.to_owned(),
            holding: holding.to_owned(),
        };
        self.send::<()>(&endpoint, None)
            .await?
            .success()?
            .envelope("investment_holding")
    }

    /// `GET /institutions?name=…`: one page of the institutions whose name contains
    /// `name` (any institution when `None`), `per_page` a page, clamped to MX's 10 to 100.
    ///
    /// # Errors
    /// Transport, a non-2xx answer, or a body that is not `{"institutions": […]}`.
    pub async fn list_institutions(
        &self,
        name: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<InstitutionsPage, MxError> {
        let endpoint = Endpoint::ListInstitutions {
            name: name.map(str::to_owned),
            page: page.max(1),
            per_page: per_page.clamp(MIN_INSTITUTIONS_PER_PAGE, MAX_INSTITUTIONS_PER_PAGE),
        };
        self.send::<()>(&endpoint, None)
            .await?
            .success()?
            .json("{\"institutions\": […]}")
    }

    /// `GET /institutions/{code}`: one institution.
    ///
    /// # Errors
    /// Transport, a non-2xx answer (`404`: no such institution), or a body that is not
    /// `{"institution": …}`.
    pub async fn read_institution(&self, code: &str) -> Result<Institution, MxError> {
        let endpoint = Endpoint::ReadInstitution {
            institution: code.to_owned(),
        };
        self.send::<()>(&endpoint, None)
            .await?
            .success()?
            .envelope("institution")
    }
}
