//! The webhook outbox: what MX would send and when, each delivery's state and every
//! attempt's outcome.
//!
//! Which events MX sends follows MX's webhook pages: CONNECTION_STATUS
//! (<https://docs.mx.com/resources/webhooks/connection-status>) when a member enters an
//! end-user-actionable status; AGGREGATION `member_data_updated`
//! (<https://docs.mx.com/resources/webhooks/aggregation>) after a completed aggregation,
//! background ones included (VERIFICATION for a verification, which shares the action);
//! member webhooks (<https://docs.mx.com/resources/webhooks/member>) when a member is
//! created, updated or deleted; to a client subscribed to them, TRANSACTION
//! (<https://docs.mx.com/resources/webhooks/transactions>) and ACCOUNT
//! (<https://docs.mx.com/resources/webhooks/accounts>) webhooks when a job creates,
//! updates or deletes one. MX retries "no more than 12 total retries after an initial
//! request" over about 24 hours (<https://docs.mx.com/resources/webhooks/>): the
//! emulator's default backoff (20 s, doubling) spans about 23 hours.
//!
//! The outbox keeps typed events (`events`) in an indexed queue ([`Outbox`], `queue`);
//! `wire::webhooks` writes their JSON bodies and the `delivery` task sends them.

mod events;
mod queue;

pub(crate) use events::{
    AccountOwnerIds, Attempt, AttemptOutcome, Delivery, DeliveryFault, Due, MemberAction,
    MemberSnapshot, WebhookEvent,
};
pub(crate) use queue::Outbox;
