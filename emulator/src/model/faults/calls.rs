//! The call a request is, in one vocabulary: the library's [`Call`] table (its names,
//! methods and paths); a request outside it (the control plane, the OAuth window, an
//! unknown route) is `other`.

use mx_aggregation::Call;

/// The older spellings fault plans accept for the library's calls.
const ALIASES: [(&str, Call); 3] = [
    ("create_member", Call::Create),
    ("read_member", Call::Read),
    ("update_member", Call::Update),
];

/// The call a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallName {
    /// One of the library's calls.
    Mx(Call),
    /// No call of the table (the control plane, the OAuth window, an unknown route).
    Other,
}

impl CallName {
    /// The call `method` on `path` makes.
    pub(crate) fn of(method: &str, path: &str) -> Self {
        Call::ALL
            .into_iter()
            .find(|call| request_matches(call.request(), method, path))
            .map_or(Self::Other, Self::Mx)
    }

    /// The call a fault rule's `call` names: a [`Call::name`], an older spelling, or
    /// `other`.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        if let Some(call) = Call::from_name(name) {
            return Some(Self::Mx(call));
        }
        if let Some((_, call)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
            return Some(Self::Mx(*call));
        }
        (name == "other").then_some(Self::Other)
    }

    /// Its name: the library's for its calls.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Mx(call) => call.name(),
            Self::Other => "other",
        }
    }
}

/// True when `method` and `path` fit `request` (`"GET /users/{user}/members"`), a `{…}`
/// segment standing for any one segment.
fn request_matches(request: &str, method: &str, path: &str) -> bool {
    let Some((want_method, pattern)) = request.split_once(' ') else {
        return false;
    };
    if !want_method.eq_ignore_ascii_case(method) {
        return false;
    }
    let mut want = pattern.trim_matches('/').split('/');
    let mut have = path.trim_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if segment_matches(w, h) => {}
            _ => return false,
        }
    }
}

/// True when the path segment `have` fits the pattern segment `want`: equal, or a hole
/// `{…}` standing for a non-empty segment, followed by whatever suffix the pattern gives
/// (`{statement}.pdf`).
fn segment_matches(want: &str, have: &str) -> bool {
    match want.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
        Some((_, suffix)) => have.len() > suffix.len() && have.ends_with(suffix),
        None => want == have,
    }
}

/// What a request looks like to the rules.
#[derive(Debug, Clone)]
pub(crate) struct CallRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) name: CallName,
    pub(crate) user: Option<&'a str>,
    pub(crate) member: Option<&'a str>,
}

impl<'a> CallRequest<'a> {
    pub(crate) fn of(method: &'a str, path: &'a str) -> Self {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let user = (segments.first() == Some(&"users")).then(|| segments.get(1).copied());
        let member = (segments.first() == Some(&"users") && segments.get(2) == Some(&"members"))
            .then(|| segments.get(3).copied());
        Self {
            method,
            path,
            name: CallName::of(method, path),
            user: user.flatten(),
            member: member.flatten(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_names_itself_and_its_aliases_name_the_library_call() {
        for call in Call::ALL {
            assert_eq!(CallName::from_name(call.name()), Some(CallName::Mx(call)));
        }
        assert_eq!(
            CallName::from_name("create_member"),
            Some(CallName::Mx(Call::Create))
        );
        assert_eq!(CallName::from_name("nonsense"), None);
    }

    #[test]
    fn requests_are_named_by_method_and_path() {
        let of = |method, path| CallName::of(method, path).name();
        assert_eq!(of("POST", "/users/U/members"), "create");
        assert_eq!(of("GET", "/users/U/members"), "list_members");
        assert_eq!(of("GET", "/users/U/members/M"), "read");
        assert_eq!(of("PUT", "/users/U/members/M"), "update");
        assert_eq!(of("DELETE", "/users/U/members/M"), "delete_member");
        assert_eq!(of("post", "/users/U/members/M/aggregate/"), "aggregate");
        assert_eq!(of("GET", "/users/U/accounts/A"), "read_account");
        assert_eq!(
            of("GET", "/users/U/members/M/accounts/A"),
            "read_member_account"
        );
        assert_eq!(of("GET", "/users//members"), "other");
        assert_eq!(of("GET", "/emulator/webhooks"), "other");
    }
}
