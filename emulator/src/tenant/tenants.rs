//! Every tenant of an emulator; the first is `--client-id`/`--api-key`.

use std::sync::Arc;

use crate::model::config::Config;
use crate::tenant::state::TenantState;

/// Every tenant.
#[derive(Debug)]
pub(crate) struct Tenants {
    pub(crate) all: Vec<Arc<TenantState>>,
}

impl Tenants {
    pub(crate) fn new(config: &Config, base_url: &str) -> Self {
        let mut pairs = vec![(config.client_id.clone(), config.api_key.clone())];
        pairs.extend(config.tenants.iter().cloned());
        let all = pairs
            .into_iter()
            .zip(0_u64..)
            .map(|((client_id, api_key), n)| {
                let mut own = config.clone();
                own.client_id = client_id;
                own.api_key = api_key;
                own.tenants = Vec::new();
                // Each tenant its own GUIDs: a GUID names one member in the whole emulator.
                own.seed = config
                    .seed
                    .wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                Arc::new(TenantState::new(own, base_url.to_owned()))
            })
            .collect();
        Self { all }
    }

    /// The tenant whose client id and API key these are (checked in constant time against
    /// each tenant).
    pub(crate) fn with_credentials(&self, id: &[u8], key: &[u8]) -> Option<&Arc<TenantState>> {
        self.all.iter().find(|t| t.accepts(id, key))
    }

    /// The tenant holding the OAuth window `token` (the end user's browser carries no
    /// credentials).
    pub(crate) fn with_token(&self, token: &str) -> Option<&Arc<TenantState>> {
        self.all
            .iter()
            .find(|t| t.lock().oauth_tokens.contains_key(token))
    }

    /// The tenant that issued the widget URL or opened the widget session `key` (the end
    /// user's browser carries no credentials).
    pub(crate) fn with_widget(&self, key: &str) -> Option<&Arc<TenantState>> {
        self.all.iter().find(|t| t.lock().widgets.knows(key))
    }

    /// The tenant with `client_id`.
    pub(crate) fn with_client_id(&self, client_id: &str) -> Option<&Arc<TenantState>> {
        self.all.iter().find(|t| t.client_id == client_id)
    }

    /// The first tenant (`Config::client_id`).
    pub(crate) fn first(&self) -> &Arc<TenantState> {
        // `Tenants::new` always makes the first tenant.
        &self.all[0]
    }
}
