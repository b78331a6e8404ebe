//! What the premium jobs read, derived like the rest of a member's data from the seed,
//! the member's GUID and the times of its jobs: statements (after a statement fetch),
//! account and routing numbers (after a verification) and account owners (after an
//! identification). Nothing is stored but the time of the job that read them.
//!
//! MX's OpenAPI v20250224 gives the shapes (`StatementResponse`, `AccountNumberResponse`,
//! `AccountOwnerResponse`); MX Bank's values are the emulator's own.

use chrono::{Datelike, NaiveDate};

use super::accounts::{self, Account};
use super::catalog::AccountKind;
use super::ledger::{Ledger, MemberKey, date_of};

/// The whole months of statements a statement fetch reads, before the month it ran in.
pub(crate) const STATEMENT_MONTHS: i64 = 6;

/// One monthly statement of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) guid: String,
    pub(crate) account: Account,
    /// The first day of the month it covers.
    pub(crate) month: NaiveDate,
    /// When the statement fetch that read it ran (Unix seconds).
    pub(crate) fetched_at: i64,
    /// A SHA-256-sized hex digest of the statement (`content_hash`), drawn from the seed.
    pub(crate) content_hash: String,
}

impl Statement {
    /// The last day of the month it covers.
    pub(crate) fn last_day(&self) -> NaiveDate {
        self.month
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(self.month)
    }
}

/// Months since year 0, the draw of a month's statement.
fn month_number(month: NaiveDate) -> u64 {
    u64::try_from(i64::from(month.year()) * 12 + i64::from(month.month0())).unwrap_or(0)
}

/// The member's statements as the statement fetch at `fetched_at` read them: the
/// [`STATEMENT_MONTHS`] whole months before it, of every account, each account's newest
/// first. None before a fetch or before the member has accounts.
pub(crate) fn statements(
    key: MemberKey,
    ledger: &Ledger,
    fetched_at: Option<i64>,
) -> Vec<Statement> {
    let Some(fetched_at) = fetched_at else {
        return Vec::new();
    };
    let fetched_on = date_of(fetched_at);
    let this_month = fetched_on.with_day(1).unwrap_or(fetched_on);
    let mut out = Vec::new();
    for account in accounts::accounts(key, ledger) {
        for back in 1..=STATEMENT_MONTHS {
            let Some(month) = this_month.checked_sub_months(chrono::Months::new(back as u32))
            else {
                continue;
            };
            let n = month_number(month);
            let kind = u64::from(account.kind.index());
            let hash = (0..4)
                .map(|i| format!("{:016x}", key.draw(&[0x5A, kind, n, i])))
                .collect();
            out.push(Statement {
                guid: key.guid("STA", &[0x57, kind, n]),
                account: account.clone(),
                month,
                fetched_at,
                content_hash: hash,
            });
        }
    }
    out
}

/// The statement with `guid`.
pub(crate) fn statement(
    key: MemberKey,
    ledger: &Ledger,
    fetched_at: Option<i64>,
    guid: &str,
) -> Option<Statement> {
    statements(key, ledger, fetched_at)
        .into_iter()
        .find(|s| s.guid == guid)
}

/// A deposit account's full account number and routing number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountNumber {
    pub(crate) guid: String,
    pub(crate) account: Account,
    /// The full number: it ends in the account's masked `account_number`.
    pub(crate) account_number: String,
    /// MX Bank's nine-digit ABA routing number, its check digit valid.
    pub(crate) routing_number: String,
}

/// A routing number drawn from `draw`: eight digits and the ABA check digit
/// (3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 ≡ 0 mod 10).
fn routing_number(draw: u64) -> String {
    let digits: Vec<u64> = format!("{:08}", draw % 100_000_000)
        .bytes()
        .map(|b| u64::from(b - b'0'))
        .collect();
    let weights = [3, 7, 1, 3, 7, 1, 3, 7];
    let sum: u64 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    let check = (10 - sum % 10) % 10;
    let head: String = digits.iter().map(u64::to_string).collect();
    format!("{head}{check}")
}

/// The account numbers a verification read: the checking and savings accounts' (a
/// card has none to move money with). None before a verification succeeded.
pub(crate) fn account_numbers(
    key: MemberKey,
    ledger: &Ledger,
    verified: bool,
) -> Vec<AccountNumber> {
    if !verified {
        return Vec::new();
    }
    let routing = routing_number(key.draw(&[0x52]));
    accounts::accounts(key, ledger)
        .into_iter()
        .filter(|a| matches!(a.kind, AccountKind::Checking | AccountKind::Savings))
        .map(|account| {
            let kind = u64::from(account.kind.index());
            let head = 100_000 + key.draw(&[0x4F, kind]) % 900_000;
            AccountNumber {
                guid: key.guid("ACN", &[0x4E, kind]),
                account_number: format!("{head}{}", account.number),
                routing_number: routing.clone(),
                account,
            }
        })
        .collect()
}

/// An account's owner as an identification read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountOwner {
    pub(crate) guid: String,
    pub(crate) account: Account,
    pub(crate) first_name: &'static str,
    pub(crate) last_name: &'static str,
    pub(crate) address: String,
    pub(crate) city: &'static str,
    pub(crate) state: &'static str,
    pub(crate) postal_code: String,
    pub(crate) phone: String,
}

const FIRST_NAMES: [&str; 8] = [
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery",
];
const LAST_NAMES: [&str; 8] = [
    "Smith", "Johnson", "Lee", "Garcia", "Brown", "Nguyen", "Miller", "Davis",
];
const STREETS: [&str; 4] = ["Main Street", "Oak Avenue", "Center Street", "Maple Drive"];
const CITIES: [(&str, &str); 4] = [
    ("Lehi", "UT"),
    ("Provo", "UT"),
    ("Boise", "ID"),
    ("Denver", "CO"),
];

fn pick<T: Copy, const N: usize>(items: [T; N], draw: u64) -> T {
    items[(draw % N as u64) as usize]
}

/// The account owners an identification read: the member's one person owns every
/// account. None before an identification succeeded.
pub(crate) fn account_owners(
    key: MemberKey,
    ledger: &Ledger,
    identified: bool,
) -> Vec<AccountOwner> {
    if !identified {
        return Vec::new();
    }
    let (city, state) = pick(CITIES, key.draw(&[0x43]));
    let address = format!(
        "{} {}",
        100 + key.draw(&[0x41]) % 9_900,
        pick(STREETS, key.draw(&[0x53]))
    );
    accounts::accounts(key, ledger)
        .into_iter()
        .map(|account| AccountOwner {
            guid: key.guid("ACO", &[0x4F, u64::from(account.kind.index())]),
            account,
            first_name: pick(FIRST_NAMES, key.draw(&[0x46])),
            last_name: pick(LAST_NAMES, key.draw(&[0x4C])),
            address: address.clone(),
            city,
            state,
            postal_code: format!("{:05}", 10_000 + key.draw(&[0x50]) % 89_999),
            phone: format!(
                "555-{:03}-{:04}",
                key.draw(&[0x70]) % 1_000,
                key.draw(&[0x71]) % 10_000
            ),
        })
        .collect()
}

/// A small, valid PDF of `statement`: one page of text, its cross-reference table at
/// the right byte offsets. Generated on each read, never stored.
pub(crate) fn statement_pdf(statement: &Statement, member_guid: &str) -> Vec<u8> {
    let lines = [
        "MX Bank".to_owned(),
        format!(
            "Statement of {} ending {}",
            statement.account.kind.name(),
            statement.account.number
        ),
        format!("Period {} to {}", statement.month, statement.last_day()),
        format!("Member {member_guid}"),
        format!("Statement {}", statement.guid),
    ];
    let mut text = String::from("BT /F1 12 Tf 72 720 Td 16 TL");
    for line in &lines {
        // The lines hold no parenthesis or backslash, which PDF strings would escape.
        text.push_str(&format!(" ({line}) '"));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: i64 = 1_772_442_000; // 2026-03-02T09:00:00Z

    fn ledger() -> Ledger {
        let mut ledger = Ledger::default();
        ledger.record(START);
        ledger
    }

    #[test]
    fn routing_numbers_carry_a_valid_check_digit() {
        for draw in [0, 1, 12_345_678, 99_999_999, u64::MAX] {
            let routing = routing_number(draw);
            assert_eq!(routing.len(), 9);
            let d: Vec<u32> = routing.chars().map(|c| c.to_digit(10).unwrap()).collect();
            let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8];
            assert_eq!(sum % 10, 0, "{routing}");
        }
    }

    #[test]
    fn numbers_and_owners_only_after_their_job() {
        let key = MemberKey::new(7, "MBR-1");
        assert!(account_numbers(key, &ledger(), false).is_empty());
        assert!(account_owners(key, &ledger(), false).is_empty());
        let numbers = account_numbers(key, &ledger(), true);
        assert_eq!(numbers.len(), 2);
        for n in &numbers {
            assert!(n.account_number.ends_with(&n.account.number));
        }
        assert_eq!(account_owners(key, &ledger(), true).len(), 4);
    }

    #[test]
    fn six_months_of_statements_per_account_and_a_pdf_with_a_true_xref() {
        let key = MemberKey::new(7, "MBR-1");
        assert!(statements(key, &ledger(), None).is_empty());
        let all = statements(key, &ledger(), Some(START));
        assert_eq!(all.len(), 24);
        assert_eq!(all[0].month, NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
        assert_eq!(
            all[0].last_day(),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(
            statement(key, &ledger(), Some(START), &all[5].guid),
            Some(all[5].clone())
        );
        let pdf = statement_pdf(&all[0], "MBR-1");
        let text = String::from_utf8(pdf.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[startxref..].starts_with("xref\n"));
        for (i, line) in text[startxref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
                "{line}"
            );
        }
    }
}
