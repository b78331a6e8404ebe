//! The institutions the emulator knows, and the credential fields each one asks for.

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
        supports_oauth: false,
        unthrottled_in_integration: true,
        credentials: &[MXBANK_USERNAME, MXBANK_PASSWORD],
    },
    Institution {
        code: "mx_bank_oauth",
        guid: "INS-68e96dd6-eabd-42d3-9f05-416897f0746d",
        name: "MX Bank (Oauth)",
        supports_oauth: true,
        unthrottled_in_integration: true,
        credentials: &[],
    },
];

/// The institution with `code`.
pub fn find(code: &str) -> Option<&'static Institution> {
    INSTITUTIONS.iter().find(|i| i.code == code)
}
