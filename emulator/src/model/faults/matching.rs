//! A loaded plan at work: which rule a request meets, the answer its sequence or its
//! probability gives, and the seeded draws both use.

use crate::model::faults::calls::{CallName, CallRequest};
use crate::model::faults::plan::{FaultPlan, FaultRule, WebhookFaults};
use crate::model::ids::splitmix;

fn path_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_matches('/').split('/');
    let mut have = path.trim_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w == "*" || w == h => {}
            _ => return false,
        }
    }
}

impl FaultRule {
    /// True when the rule applies to `call`.
    fn matches(&self, call: &CallRequest<'_>) -> bool {
        self.path
            .as_deref()
            .is_none_or(|p| path_matches(p, call.path))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(call.method))
            && self
                .call
                .as_deref()
                .is_none_or(|name| CallName::from_name(name) == Some(call.name))
            && self
                .member
                .as_deref()
                .is_none_or(|m| call.member == Some(m))
            && self.user.as_deref().is_none_or(|u| call.user == Some(u))
    }

    /// The rule's name for headers: its `name`, else its position.
    fn label(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("rule {index}"))
    }
}

/// A fault the gate answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<u64>,
    pub(crate) message: String,
    /// For `X-Emulator-Rule`.
    pub(crate) explanation: String,
}

/// A loaded plan and how far each rule got.
#[derive(Debug, Clone)]
pub(crate) struct Faults {
    pub(crate) plan: FaultPlan,
    /// Matching requests seen per rule.
    pub(crate) matched: Vec<u64>,
    /// Faults answered per rule.
    pub(crate) fired: Vec<u64>,
    pub(crate) webhooks: WebhookFaults,
    rng: u64,
}

impl Faults {
    pub(crate) fn new(seed: u64, webhooks: WebhookFaults) -> Self {
        Self {
            plan: FaultPlan::default(),
            matched: Vec::new(),
            fired: Vec::new(),
            webhooks,
            rng: splitmix(seed ^ 0x6661_756c_7473),
        }
    }

    /// Replaces the plan (counts start again).
    pub(crate) fn load(&mut self, plan: FaultPlan) {
        if let Some(webhooks) = &plan.webhooks {
            self.webhooks = webhooks.clone();
        }
        self.matched = vec![0; plan.rules.len()];
        self.fired = vec![0; plan.rules.len()];
        self.plan = plan;
    }

    /// A draw in `[0, 1)` from the seeded generator.
    pub(crate) fn draw(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let bits = splitmix(self.rng) >> 11;
        #[allow(clippy::cast_precision_loss)]
        let value = bits as f64 / (1_u64 << 53) as f64;
        value
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.draw() < p
    }

    /// The fault for `call`, if the first matching rule gives one.
    pub(crate) fn decide(&mut self, call: &CallRequest<'_>) -> Option<Fault> {
        let index = self.plan.rules.iter().position(|r| r.matches(call))?;
        let seen = self.matched.get(index).copied().unwrap_or(0);
        if let Some(count) = self.matched.get_mut(index) {
            *count += 1;
        }
        let rule = self.plan.rules.get(index)?.clone();
        let label = rule.label(index);
        let (step, why) = match (rule.probability, &rule.answer) {
            (Some(p), Some(answer)) => {
                if !self.chance(p) {
                    return None;
                }
                (answer.clone(), format!("probability {p}"))
            }
            _ => {
                let len = u64::try_from(rule.sequence.len()).ok()?;
                let position = if rule.repeat && len > 0 {
                    seen % len
                } else {
                    seen
                };
                let step = rule.sequence.get(usize::try_from(position).ok()?)?;
                (step.clone(), format!("step {} of {len}", position + 1))
            }
        };
        let status = step.status()?;
        if let Some(count) = self.fired.get_mut(index) {
            *count += 1;
        }
        let retry_after = (status == 429).then(|| step.retry_after());
        Some(Fault {
            status,
            retry_after,
            message: step.message().map_or_else(
                || format!("fault plan rule \"{label}\" answers {status}"),
                str::to_owned,
            ),
            explanation: format!("{status}: fault plan rule \"{label}\" ({why})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::faults::plan::PlanError;

    #[test]
    fn a_sequence_is_played_in_order_then_normal() {
        let plan = FaultPlan::from_json(
            r#"{"rules":[{"call":"aggregate","sequence":[429,{"status":503},"normal",409]}]}"#,
        )
        .unwrap();
        let mut faults = Faults::new(1, WebhookFaults::default());
        faults.load(plan);
        let call = CallRequest::of("POST", "/users/U/members/M/aggregate");
        let got: Vec<Option<u16>> = (0..6)
            .map(|_| faults.decide(&call).map(|f| f.status))
            .collect();
        assert_eq!(got, [Some(429), Some(503), None, Some(409), None, None]);
        let other = CallRequest::of("GET", "/users/U/members/M");
        assert_eq!(faults.decide(&other), None);
    }

    #[test]
    fn bad_plans_are_refused() {
        assert_eq!(
            FaultPlan::from_json(r#"{"rules":[{"sequence":[404]}]}"#),
            Err(PlanError::Status {
                rule: 0,
                status: 404
            })
        );
        assert_eq!(
            FaultPlan::from_json(r#"{"rules":[{"probability":0.5}]}"#),
            Err(PlanError::Shape { rule: 0 })
        );
        assert!(matches!(
            FaultPlan::from_json(r#"{"rules":[{"probability":1.5,"answer":500}]}"#),
            Err(PlanError::Probability { rule: 0, .. })
        ));
    }
}
