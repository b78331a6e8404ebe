//! The institution-down personas' faults, loaded into a tenant.

use mx_emulator::{FaultPlan, TenantHandle};
use serde_json::json;

use crate::persona::Persona;

/// The institution-down personas' fault plan: each member's next four calls answer
/// 503, as MX does while an institution's connection is down. Loaded through the
/// tenant's handle (in process): a fleet's plan outgrows the HTTP route's body limit.
pub fn load_institution_faults<'a>(
    tenant: &TenantHandle,
    members: impl Iterator<Item = (Persona, &'a String)>,
    account_webhooks: bool,
) -> Result<(), String> {
    let rules: Vec<serde_json::Value> = members
        .filter(|(persona, guid)| *persona == Persona::InstitutionDown && !guid.is_empty())
        .map(|(_, guid)| {
            json!({"name": format!("institution down {guid}"), "member": guid,
                   "sequence": [503, 503, 503, 503]})
        })
        .collect();
    if rules.is_empty() {
        return Ok(());
    }
    // A plan replaces the tenant's webhook settings too: the service's tenant keeps
    // its ACCOUNT webhooks.
    let webhooks = json!({ "accounts": account_webhooks });
    let plan = FaultPlan::from_json(&json!({ "rules": rules, "webhooks": webhooks }).to_string())
        .map_err(|e| format!("the institution fault plan: {e}"))?;
    tenant.load_faults(plan);
    Ok(())
}
