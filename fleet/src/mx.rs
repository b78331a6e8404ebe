//! Plain HTTP to the emulator as one tenant: MX's API with Basic auth and the v20250224
//! headers, and the emulator's control plane (request journal, member traces, fault
//! plans). No decisions: the caller gets MX's status code and JSON body as they came.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::metrics::copy::AccountFigures;
use crate::metrics::journal::JournalEntry;

/// A failed request: the method, path and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{method} {path}: {message}")]
pub struct HttpError {
    /// The HTTP method.
    pub method: String,
    /// The path asked for.
    pub path: String,
    /// What failed: the transport error or the unexpected answer.
    pub message: String,
}

/// One tenant of the emulator.
#[derive(Debug, Clone)]
pub struct Mx {
    http: reqwest::Client,
    base: String,
    client_id: String,
    api_key: String,
}

/// MX's answer: its status and JSON body (`Null` when empty or not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Mx {
    /// A tenant at `base` (the emulator's base URL).
    ///
    /// # Errors
    ///
    /// When the HTTP client cannot be built.
    pub fn new(base: &str, client_id: &str, api_key: &str) -> Result<Self, HttpError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|error| HttpError {
                method: "CLIENT".to_owned(),
                path: base.to_owned(),
                message: error.to_string(),
            })?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            api_key: api_key.to_owned(),
        })
    }

    /// Sends one request; any HTTP status is an [`Answer`].
    ///
    /// # Errors
    ///
    /// When no answer came (connection refused, timeout).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<Answer, HttpError> {
        let url = format!("{}{path_and_query}", self.base);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .basic_auth(&self.client_id, Some(&self.api_key))
            .header("Accept", "application/json")
            .header("Accept-Version", "v20250224");
        if let Some(body) = body {
            request = request.json(body);
        }
        let error = |message: String| HttpError {
            method: method.to_string(),
            path: path_and_query.to_owned(),
            message,
        };
        let response = request.send().await.map_err(|e| error(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| error(e.to_string()))?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// `GET` a path; any status is an answer.
    ///
    /// # Errors
    ///
    /// When no answer came.
    pub async fn get(&self, path_and_query: &str) -> Result<Answer, HttpError> {
        self.send(reqwest::Method::GET, path_and_query, None).await
    }

    /// `GET` a path that must answer 200.
    async fn get_ok(&self, path_and_query: &str) -> Result<Value, HttpError> {
        let answer = self.get(path_and_query).await?;
        if answer.status == 200 {
            Ok(answer.body)
        } else {
            Err(HttpError {
                method: "GET".to_owned(),
                path: path_and_query.to_owned(),
                message: format!("answered {}: {}", answer.status, answer.body),
            })
        }
    }

    /// The journal entries after `since`, to the newest (read in pages).
    ///
    /// # Errors
    ///
    /// When a read fails or an entry cannot be read.
    pub async fn journal_since(&self, since: u64) -> Result<Vec<JournalEntry>, HttpError> {
        let mut entries: Vec<JournalEntry> = Vec::new();
        let mut since = since;
        loop {
            let path = format!("/emulator/requests?since={since}");
            let body = self.get_ok(&path).await?;
            let page: Vec<JournalEntry> =
                serde_json::from_value(body.get("requests").cloned().unwrap_or(Value::Null))
                    .map_err(|error| HttpError {
                        method: "GET".to_owned(),
                        path: path.clone(),
                        message: format!("requests: {error}"),
                    })?;
            let more = body.get("more").and_then(Value::as_bool).unwrap_or(false);
            if let Some(last) = page.last() {
                since = last.seq;
            }
            let empty = page.is_empty();
            entries.extend(page);
            if !more || empty {
                return Ok(entries);
            }
        }
    }

    /// The virtual times of a member's successful aggregations (`job_succeeded` in its
    /// trace): the moments MX had new data for it.
    ///
    /// # Errors
    ///
    /// When the trace cannot be read.
    pub async fn successes(&self, member: &str) -> Result<Vec<DateTime<Utc>>, HttpError> {
        let body = self
            .get_ok(&format!("/emulator/members/{member}/trace"))
            .await?;
        let entries = body
            .get("trace")
            .or_else(|| body.get("transitions"))
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| body.as_array().cloned())
            .unwrap_or_default();
        let mut times: Vec<DateTime<Utc>> = entries
            .iter()
            .filter(|entry| entry.get("event").and_then(Value::as_str) == Some("job_succeeded"))
            .filter_map(|entry| entry.get("at").and_then(Value::as_str))
            .filter_map(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| at.with_timezone(&Utc))
            .collect();
        times.sort_unstable();
        Ok(times)
    }

    /// Every transaction guid MX holds for a member (all pages, a window wide enough
    /// for the whole history).
    ///
    /// # Errors
    ///
    /// When a page cannot be read.
    pub async fn transaction_guids(
        &self,
        user: &str,
        member: &str,
        from_date: &str,
        to_date: &str,
    ) -> Result<Vec<String>, HttpError> {
        let mut guids = Vec::new();
        let mut page = 1;
        loop {
            let body = self
                .get_ok(&format!(
                    "/users/{user}/members/{member}/transactions?from_date={from_date}&to_date={to_date}&records_per_page=1000&page={page}"
                ))
                .await?;
            guids.extend(guids_of(&body, "transactions"));
            if page >= total_pages(&body) {
                return Ok(guids);
            }
            page += 1;
        }
    }

    /// MX's accounts of a member, as [`compare_accounts`] reads them.
    ///
    /// [`compare_accounts`]: crate::metrics::copy::compare_accounts
    ///
    /// # Errors
    ///
    /// When the list cannot be read.
    pub async fn accounts(
        &self,
        user: &str,
        member: &str,
    ) -> Result<Vec<AccountFigures>, HttpError> {
        let body = self
            .get_ok(&format!(
                "/users/{user}/members/{member}/accounts?records_per_page=1000"
            ))
            .await?;
        Ok(account_figures(&body))
    }

    /// Loads a fault plan (`POST /emulator/faults`).
    ///
    /// # Errors
    ///
    /// When the emulator refuses the plan.
    pub async fn load_faults(&self, plan: &Value) -> Result<(), HttpError> {
        let answer = self
            .send(reqwest::Method::POST, "/emulator/faults", Some(plan))
            .await?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(HttpError {
                method: "POST".to_owned(),
                path: "/emulator/faults".to_owned(),
                message: format!("answered {}: {}", answer.status, answer.body),
            })
        }
    }
}

impl Mx {
    /// Clears the fault plan (`DELETE /emulator/faults`), so that the truth is read
    /// unfaulted.
    ///
    /// # Errors
    ///
    /// When the emulator does not answer 2xx.
    pub async fn clear_faults(&self) -> Result<(), HttpError> {
        let answer = self
            .send(reqwest::Method::DELETE, "/emulator/faults", None)
            .await?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(HttpError {
                method: "DELETE".to_owned(),
                path: "/emulator/faults".to_owned(),
                message: format!("answered {}: {}", answer.status, answer.body),
            })
        }
    }
}

/// The end user at MX's OAuth window: loads `uri`, which authorizes, or with
/// `outcome=deny` refuses (as the emulator's window takes it). False when the page could
/// not be reached.
pub async fn open_oauth_window(uri: &str, refuse: bool) -> bool {
    let uri = if refuse {
        let joiner = if uri.contains('?') { '&' } else { '?' };
        format!("{uri}{joiner}outcome=deny")
    } else {
        uri.to_owned()
    };
    reqwest::get(&uri).await.is_ok()
}

/// The `guid` of every object of a list envelope (`{"transactions": [...]}`).
pub fn guids_of(body: &Value, key: &str) -> Vec<String> {
    body.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.get("guid").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `pagination.total_pages` of a list envelope (1 when absent).
pub fn total_pages(body: &Value) -> u64 {
    body.pointer("/pagination/total_pages")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1)
}

/// The accounts of a list body (`{"accounts": […]}`): guid, balance and available
/// balance, the numbers as JSON text.
pub fn account_figures(body: &Value) -> Vec<AccountFigures> {
    body.get("accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            let text = |key: &str| a.get(key).unwrap_or(&Value::Null).to_string();
            (
                a.get("guid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                text("balance"),
                text("available_balance"),
            )
        })
        .collect()
}
