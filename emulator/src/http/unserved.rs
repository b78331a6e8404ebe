//! The operations of MX's Platform API v20250224, in the scope of the emulator's coverage
//! table (`docs/emulator-coverage.md`: every operation under `/users/{u}/members`,
//! `/users/{u}/accounts`, `/users/{u}/transactions` and `/institutions`), that the
//! emulator does not serve, each with why. This table is the one source of that reason:
//! the coverage table prints it, and a request for such an operation is answered `501 Not
//! Implemented` with it in `error.message`, so that a client sees why rather than a bare
//! `404` or `405`.

use axum::http::{Method, StatusCode, Uri};

use crate::http::error::ApiError;

/// An operation the emulator does not serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unserved {
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The spec's path template, holes in braces.
    pub path: &'static str,
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// Why the emulator does not serve it.
    pub reason: &'static str,
}

const fn unserved(
    method: &'static str,
    path: &'static str,
    operation_id: &'static str,
    reason: &'static str,
) -> Unserved {
    Unserved {
        method,
        path,
        operation_id,
        reason,
    }
}

/// Every operation in the coverage table's scope the emulator does not serve.
pub const UNSERVED: &[Unserved] = &[
    unserved(
        "GET",
        "/institutions/favorites",
        "listFavoriteInstitutions",
        "a client's favorites are set up with MX; the emulator has no client configuration",
    ),
    unserved(
        "POST",
        "/users/{user_identifier}/accounts",
        "createManualAccount",
        "manual accounts are entered by the end user, not aggregated",
    ),
    unserved(
        "DELETE",
        "/users/{user_guid}/accounts/{account_guid}",
        "deleteManualAccount",
        "manual accounts are entered by the end user, not aggregated",
    ),
    unserved(
        "GET",
        "/users/{user_guid}/accounts/{account_guid}/insights",
        "listInsightsByAccount",
        "insights are MX's analytics product, outside aggregation",
    ),
    unserved(
        "POST",
        "/users/{user_guid}/accounts/merge",
        "mergeAccounts",
        "merging accounts edits MX's data; the emulator derives it from the seed",
    ),
    unserved(
        "POST",
        "/users/{user_guid}/accounts/{account_guid}/transactions",
        "createManualTransaction",
        "manual transactions are entered by the end user, not aggregated",
    ),
    unserved(
        "PUT",
        "/users/{user_identifier}/members/{member_identifier}/accounts/{account_identifier}",
        "updateAccountByMember",
        "account edits are not emulated: the accounts are derived from the seed",
    ),
    unserved(
        "PUT",
        "/users/{user_guid}/transactions/{transaction_guid}",
        "updateTransaction",
        "transaction edits are not emulated: the transactions are derived from the seed",
    ),
    unserved(
        "DELETE",
        "/users/{user_guid}/transactions/{transaction_guid}",
        "deleteManualTransactions",
        "manual transactions are entered by the end user, not aggregated",
    ),
    unserved(
        "PUT",
        "/users/{user_identifier}/members/{member_identifier}/accounts/{account_identifier}/transactions/{transaction_identifier}",
        "updateTransactionByAccount",
        "transaction edits are not emulated: the transactions are derived from the seed",
    ),
    unserved(
        "GET",
        "/users/{user_guid}/transactions/{transaction_guid}/insights",
        "listInsightsByTransaction",
        "insights are MX's analytics product, outside aggregation",
    ),
    unserved(
        "DELETE",
        "/users/{user_guid}/transactions/{transaction_guid}/split",
        "deleteSplitTransactions",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    unserved(
        "POST",
        "/users/{user_guid}/transactions/{transaction_guid}/split",
        "createSplitTransactions",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    unserved(
        "DELETE",
        "/users/{user_identifier}/members/{member_identifier}/accounts/{account_identifier}/transactions/{transaction_identifier}/split",
        "deleteSplitTransactionByAccount",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    unserved(
        "POST",
        "/users/{user_identifier}/members/{member_identifier}/accounts/{account_identifier}/transactions/{transaction_identifier}/split",
        "createSplitTransactionsByAccount",
        "splitting transactions edits MX's data; the emulator derives it from the seed",
    ),
    unserved(
        "POST",
        "/users/{user_identifier}/members/{member_identifier}/fetch_rewards",
        "fetchRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
    unserved(
        "GET",
        "/users/{user_guid}/members/{member_guid}/rewards",
        "listRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
    unserved(
        "GET",
        "/users/{user_guid}/members/{member_guid}/rewards/{reward_guid}",
        "readRewards",
        "rewards are not emulated (MX Bank's rewards product)",
    ),
];

/// True when the concrete `path` fills the template `template` (a hole matches any one
/// non-empty segment).
fn fills(template: &str, path: &str) -> bool {
    let (mut parts, mut segments) = (template.split('/'), path.split('/'));
    loop {
        match (parts.next(), segments.next()) {
            (None, None) => return true,
            (Some(part), Some(segment)) => {
                let hole = part.starts_with('{') && part.ends_with('}') && !segment.is_empty();
                if !hole && part != segment {
                    return false;
                }
            }
            (Some(_), None) | (None, Some(_)) => return false,
        }
    }
}

/// The unserved operation a request for `method` on `path` names, if any.
pub fn find(method: &str, path: &str) -> Option<&'static Unserved> {
    UNSERVED
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && fills(op.path, path))
}

/// `501 Not Implemented` naming the operation and why it is not served.
pub(crate) fn refusal(op: &Unserved) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!(
            "{} is not served by the emulator: {}",
            op.operation_id, op.reason
        ),
    )
}

/// The answer to a request no route serves: the unserved operation's reason, or `404 no
/// such route`.
pub(crate) async fn no_route(method: Method, uri: Uri) -> ApiError {
    find(method.as_str(), uri.path()).map_or_else(|| ApiError::not_found("no such route"), refusal)
}

/// The answer to a method a route does not serve: the unserved operation's reason, or
/// `405`.
pub(crate) async fn no_method(method: Method, uri: Uri) -> ApiError {
    find(method.as_str(), uri.path()).map_or_else(
        || {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed on this route",
            )
        },
        refusal,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_matches_its_paths_only() {
        assert!(fills(
            "/users/{u}/accounts/{a}/insights",
            "/users/U/accounts/A/insights"
        ));
        assert!(!fills(
            "/users/{u}/accounts/{a}/insights",
            "/users/U/accounts//insights"
        ));
        assert!(!fills(
            "/users/{u}/accounts/{a}/insights",
            "/users/U/accounts/A"
        ));
        assert!(!fills("/users/{u}/accounts", "/users/U/accounts/A"));
        let op = find("get", "/users/U/members/M/rewards").unwrap();
        assert_eq!(op.operation_id, "listRewards");
        assert!(find("GET", "/users/U/members/M").is_none());
        assert!(refusal(op).message.ends_with(op.reason));
    }
}
