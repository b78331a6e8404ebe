//! The route table: MX's endpoints and the control plane, behind the gate.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put};

use crate::http::extract::AllTenants;
use crate::http::gate::gate;
use crate::http::routes;
use crate::http::unserved;
use crate::model::config::Config;
use crate::tenant::tenants::Tenants;

/// The emulator's routes behind its gate, for `config`, answering as if served at
/// `base_url` (which appears in OAuth window URIs).
///
/// Use it to drive the emulator in-process (e.g. with `tower::ServiceExt::oneshot`). It
/// runs no background task: MX's moves happen when a request looks, and no webhook is
/// delivered; `Emulator::start` adds the delivery task.
pub fn router(config: &Config, base_url: &str) -> Router {
    build(
        Arc::new(Tenants::new(config, base_url)),
        config.max_body_bytes,
    )
}

/// The routes for `tenants`, taking bodies up to `max_body_bytes`.
pub(crate) fn build(tenants: AllTenants, max_body_bytes: usize) -> Router {
    let member = "/users/{user}/members/{member}";
    Router::new()
        .route("/users", post(routes::users::create))
        .route(
            "/users/{user}",
            get(routes::users::read).delete(routes::users::delete),
        )
        .route(
            "/users/{user}/members",
            get(routes::members::list).post(routes::members::create),
        )
        .route(
            member,
            get(routes::members::read)
                .put(routes::members::update)
                .delete(routes::members::delete),
        )
        .route(&format!("{member}/status"), get(routes::members::status))
        .route(
            &format!("{member}/challenges"),
            get(routes::mfa::challenges),
        )
        .route(&format!("{member}/resume"), put(routes::mfa::resume))
        .route(
            &format!("{member}/aggregate"),
            post(routes::jobs::aggregate),
        )
        .route(&format!("{member}/verify"), post(routes::jobs::verify))
        .route(&format!("{member}/identify"), post(routes::jobs::identify))
        .route(
            &format!("{member}/check_balance"),
            post(routes::jobs::check_balance),
        )
        .route(
            &format!("{member}/extend_history"),
            post(routes::jobs::extend_history),
        )
        .route(
            &format!("{member}/fetch_statements"),
            post(routes::jobs::fetch_statements),
        )
        .route(
            &format!("{member}/oauth_window_uri"),
            get(routes::oauth::window_uri),
        )
        .route(
            &format!("{member}/accounts"),
            get(routes::data::member_accounts),
        )
        .route(
            &format!("{member}/accounts/{{account}}"),
            get(routes::data::member_account),
        )
        .route(
            &format!("{member}/accounts/{{account}}/transactions"),
            get(routes::data::member_account_transactions),
        )
        .route(
            &format!("{member}/accounts/{{account}}/transactions/{{transaction}}"),
            get(routes::data::member_account_transaction),
        )
        .route(
            &format!("{member}/transactions"),
            get(routes::data::member_transactions),
        )
        .route(
            &format!("{member}/credentials"),
            get(routes::institutions::member_credentials),
        )
        .route(
            &format!("{member}/statements"),
            get(routes::premium::statements),
        )
        .route(
            &format!("{member}/statements/{{statement}}"),
            get(routes::premium::statement),
        )
        .route(
            &format!("{member}/account_numbers"),
            get(routes::premium::account_numbers),
        )
        .route(
            &format!("{member}/account_owners"),
            get(routes::premium::account_owners),
        )
        .route(
            &format!("{member}/investment_holdings"),
            get(routes::holdings::by_member),
        )
        .route(
            "/users/{user}/investment_holdings",
            get(routes::holdings::by_user),
        )
        .route(
            "/users/{user}/investment_holdings/{holding}",
            get(routes::holdings::read),
        )
        .route(
            "/users/{user}/accounts/{account}/account_numbers",
            get(routes::premium::account_numbers_by_account),
        )
        .route(
            "/users/{user}/accounts/{account}/investment_holdings",
            get(routes::holdings::by_account),
        )
        .route("/users/{user}/accounts", get(routes::data::user_accounts))
        .route(
            "/users/{user}/accounts/{account}",
            get(routes::data::user_account),
        )
        .route(
            "/users/{user}/accounts/{account}/transactions",
            get(routes::data::account_transactions),
        )
        .route(
            "/users/{user}/transactions",
            get(routes::data::user_transactions),
        )
        .route(
            "/users/{user}/transactions/{transaction}",
            get(routes::data::user_transaction),
        )
        .route(
            "/users/{user}/widget_urls",
            post(routes::widget::create_url),
        )
        .route("/connect/{token}", get(routes::widget::page))
        .route(
            "/widget/{session}/institutions",
            get(routes::widget::institutions),
        )
        .route(
            "/widget/{session}/institutions/{code}/credentials",
            get(routes::widget::credentials),
        )
        .route(
            "/widget/{session}/members",
            post(routes::widget::create_member),
        )
        .route(
            "/widget/{session}/members/{member}",
            get(routes::widget::read_member).put(routes::widget::update_member),
        )
        .route(
            "/widget/{session}/members/{member}/resume",
            put(routes::widget::resume),
        )
        .route(
            "/widget/{session}/members/{member}/oauth_window",
            post(routes::widget::oauth_window),
        )
        .route("/institutions", get(routes::institutions::list))
        .route("/institutions/{code}", get(routes::institutions::read))
        .route(
            "/institutions/{code}/credentials",
            get(routes::institutions::credentials),
        )
        .route("/oauth/authorize/{token}", get(routes::oauth::authorize))
        .route(
            "/emulator/clock",
            get(routes::control::read_clock).post(routes::control::clock),
        )
        .route("/emulator/requests", get(routes::control::requests))
        .route("/emulator/ui", get(routes::dashboard::ui))
        .route("/emulator/members", get(routes::dashboard::members))
        .route(
            "/emulator/members/{member}/connection_status",
            post(routes::forced::set),
        )
        .route("/emulator/reset", post(routes::control::reset))
        .route(
            "/emulator/faults",
            get(routes::control::faults)
                .post(routes::control::load_faults)
                .put(routes::control::load_faults)
                .delete(routes::control::clear_faults),
        )
        .route("/emulator/webhooks", get(routes::control::webhooks))
        .route(
            "/emulator/webhooks/{id}/redeliver",
            post(routes::control::redeliver),
        )
        .route(
            "/emulator/members/{member}/trace",
            get(routes::control::trace),
        )
        .route("/institutions/favorites", get(unserved::no_route))
        .fallback(unserved::no_route)
        .method_not_allowed_fallback(unserved::no_method)
        .layer(middleware::from_fn_with_state(tenants.clone(), gate))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(tenants)
}
