//! Deciding on one member: the rules in precedence order ([`rules`]), MX's aggregation
//! window and background schedule ([`window`]) and the decision in words ([`explain`]).
//! Imports [`read`](crate::read), [`model`](crate::model) and [`time`](crate::time);
//! never [`http`](crate::http), its sibling.

pub(crate) mod explain;
pub(crate) mod rules;
pub(crate) mod window;
