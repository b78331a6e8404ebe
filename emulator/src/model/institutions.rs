//! The institutions the emulator knows, the products each one supports and the
//! credential fields each one asks for.

/// A product an institution supports (`SupportedProducts` of MX's OpenAPI v20250224, the
/// values of `GET /institutions?supported_products=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    /// `account_verification`: `POST …/verify` and the account numbers.
    AccountVerification,
    /// `identity_verification`: `POST …/identify` and the account owners.
    IdentityVerification,
    /// `transactions`: standard aggregation.
    Transactions,
    /// `transaction_history`: `POST …/extend_history`.
    TransactionHistory,
    /// `statements`: `POST …/fetch_statements` and the statements.
    Statements,
    /// `investments`: investment holdings.
    Investments,
    /// `rewards`: `POST …/fetch_rewards`.
    Rewards,
}

impl Product {
    /// Every product, in the spec's order.
    pub const ALL: [Self; 7] = [
        Self::AccountVerification,
        Self::IdentityVerification,
        Self::Transactions,
        Self::TransactionHistory,
        Self::Statements,
        Self::Investments,
        Self::Rewards,
    ];

    /// MX's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AccountVerification => "account_verification",
            Self::IdentityVerification => "identity_verification",
            Self::Transactions => "transactions",
            Self::TransactionHistory => "transaction_history",
            Self::Statements => "statements",
            Self::Investments => "investments",
            Self::Rewards => "rewards",
        }
    }

    /// The product MX names `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// What the emulator serves of MX Bank's products: every product but rewards (whose job
/// it does not run).
const EMULATED_PRODUCTS: &[Product] = &[
    Product::AccountVerification,
    Product::IdentityVerification,
    Product::Transactions,
    Product::TransactionHistory,
    Product::Statements,
];

/// One credential field of an institution (`GET /institutions/{code}/credentials`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialField {
    /// The field's `CRD-` GUID, used when creating a member.
    pub guid: &'static str,
    /// MX's `field_name`.
    pub field_name: &'static str,
    /// What the end user sees.
    pub label: &'static str,
    /// MX's `type` (`TEXT`, `PASSWORD`).
    pub field_type: &'static str,
    /// The order in which a form shows the fields, from 1.
    pub display_order: u32,
}

/// An institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Institution {
    /// MX's `institution_code`.
    pub code: &'static str,
    /// MX's `institution_guid`.
    pub guid: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its website (`url`).
    pub url: &'static str,
    /// The products it supports (`supported_products`).
    pub products: &'static [Product],
    /// True when members connect through OAuth (no credentials).
    pub supports_oauth: bool,
    /// True when MX's integration environment does not throttle it.
    pub unthrottled_in_integration: bool,
    /// The credential fields its login form asks for.
    pub credentials: &'static [CredentialField],
}

/// The user-name field of MX Bank.
pub const MXBANK_USERNAME: CredentialField = CredentialField {
    guid: "CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1",
    field_name: "LOGIN",
    label: "Username",
    field_type: "TEXT",
    display_order: 1,
};

/// The password field of MX Bank.
pub const MXBANK_PASSWORD: CredentialField = CredentialField {
    guid: "CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d",
    field_name: "PASSWORD",
    label: "Password",
    field_type: "PASSWORD",
    display_order: 2,
};

/// Every institution: MX's test institutions `mxbank` (credentials) and `mx_bank_oauth`
/// (OAuth), as in MX's integration environment
/// (<https://docs.mx.com/resources/test-platform/mxbank/>).
pub const INSTITUTIONS: &[Institution] = &[
    Institution {
        code: "mxbank",
        guid: "INS-1572a04c-912b-59bf-5841-332c7dfafaef",
        name: "MX Bank",
        url: "https://www.mx.com",
        products: EMULATED_PRODUCTS,
        supports_oauth: false,
        unthrottled_in_integration: true,
        credentials: &[MXBANK_USERNAME, MXBANK_PASSWORD],
    },
    Institution {
        code: "mx_bank_oauth",
        guid: "INS-68e96dd6-eabd-42d3-9f05-416897f0746d",
        name: "MX Bank (Oauth)",
        url: "https://www.mx.com",
        products: EMULATED_PRODUCTS,
        supports_oauth: true,
        unthrottled_in_integration: true,
        credentials: &[],
    },
];

/// The institutions whose name holds `name` (case-insensitive; also with the name's spaces
/// left out, so MX's own example `name=mxbank` finds MX Bank) and that support every
/// product of `products`, in code order.
pub fn search(name: Option<&str>, products: &[Product]) -> Vec<&'static Institution> {
    let wanted = name.map(str::to_lowercase);
    let mut found: Vec<&'static Institution> = INSTITUTIONS
        .iter()
        .filter(|i| {
            wanted.as_deref().is_none_or(|w| {
                let name = i.name.to_lowercase();
                name.contains(w) || name.replace(' ', "").contains(w)
            })
        })
        .filter(|i| products.iter().all(|p| i.products.contains(p)))
        .collect();
    found.sort_by_key(|i| i.code);
    found
}

/// The institution with `code`.
pub fn find(code: &str) -> Option<&'static Institution> {
    INSTITUTIONS.iter().find(|i| i.code == code)
}
