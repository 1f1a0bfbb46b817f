//! The claims API's JSON, with the field names of `IOBWS-Claims3.1.yaml`: what we send
//! (create, merge patch) and what we read (status answers, problems, claims,
//! transactions), turned into the client's types. Kept apart from the client so the
//! wire format can be read against the specification in one place.

use super::*;

/// `claimKey`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireClaimKey {
    pub(super) claimant_id: String,
    pub(super) account: String,
    pub(super) due_date: String,
}

impl WireClaimKey {
    pub(super) fn from_key(key: &ClaimKey) -> Self {
        Self { claimant_id: key.claimant().to_owned(), account: key.account(), due_date: iso_date(key.due_date()) }
    }

    /// The `claimId` this key names.
    pub(super) fn claim_id(&self) -> Option<String> {
        let due = parse_date(&self.due_date)?;
        let id = format!("{}{}+{}", self.claimant_id, self.account, iso_date(due).replace('-', ""));
        claim_path(&id).ok().map(|_| id)
    }
}

/// `createClaimDetails`, the parts we send.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateClaimBody<'a> {
    pub(super) claim_key: WireClaimKey,
    pub(super) payor_id: String,
    pub(super) template_code: &'a str,
    pub(super) amount: i64,
    pub(super) final_due_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) bill_number: Option<&'a str>,
}

impl<'a> CreateClaimBody<'a> {
    pub(super) fn from_new(claim: &'a NewClaim) -> Result<Self, ClaimsError> {
        let payor_id = kennitala(&claim.payor, "the payer's")?;
        let amount = whole_kronur(claim.amount)?;
        if claim.final_due_date < claim.key.due_date() {
            return Err(ClaimsError::Invalid("the final due date is before the due date".into()));
        }
        let template = claim.template_code.as_str();
        if template.len() != 3 || !template.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
            return Err(ClaimsError::Invalid("the claim template code is three characters, 0-9 and A-Z".into()));
        }
        let text = |value: &'a str, name: &str, max: usize| -> Result<Option<&'a str>, ClaimsError> {
            let value = value.trim();
            if value.chars().any(char::is_control) {
                Err(ClaimsError::Invalid(format!("the claim's {name} has control characters")))
            } else if value.chars().count() > max {
                Err(ClaimsError::Invalid(format!("the claim's {name} is longer than {max} characters")))
            } else {
                Ok(Some(value).filter(|v| !v.is_empty()))
            }
        };
        Ok(Self {
            claim_key: WireClaimKey::from_key(&claim.key),
            payor_id,
            template_code: template,
            amount,
            final_due_date: iso_date(claim.final_due_date),
            reference: text(&claim.reference, "reference", 16)?,
            bill_number: match &claim.bill_number {
                Some(bill) => text(bill, "bill number", 7)?,
                None => None,
            },
        })
    }
}

/// `mergeClaimDetails`, the parts we change.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MergeClaim {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) claim_status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) amount: Option<i64>,
}

/// `claimStatusSingleResponse`.
#[derive(Debug, Deserialize)]
pub(super) struct WireSingleResponse {
    pub(super) success: Option<WireStatusSuccess>,
    pub(super) error: Option<WireStatusError>,
}

/// `claimStatusSuccess`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireStatusSuccess {
    pub(super) claim_key: Option<WireClaimKey>,
    pub(super) claim_id: Option<String>,
    pub(super) direct_payment_claim: Option<bool>,
}

/// `claimStatusError` (the batch example's `errorCode`/`errorMessage` read too).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireStatusError {
    #[serde(alias = "errorCode")]
    pub(super) result_code: Option<String>,
    pub(super) result_sub_code: Option<String>,
    #[serde(alias = "errorMessage")]
    pub(super) result_message: Option<String>,
}

impl WireStatusError {
    pub(super) fn refusal(self, status: u16, token: &str) -> ClaimsError {
        let code = code_of(self.result_code.as_deref(), token).unwrap_or_else(|| "CLAIM_OTHERS".into());
        let mut message = self.result_message.map(|m| redact(&m, token)).unwrap_or_default();
        if let Some(sub) = code_of(self.result_sub_code.as_deref(), token) {
            message = if message.is_empty() { sub } else { format!("{message} ({sub})") };
        }
        if message.is_empty() {
            message = code.clone();
        }
        ClaimsError::Refused { status, code, message }
    }
}

/// Any of the error bodies: RFC 7807 (`Error400`, `Error401`, …), the IOBWS
/// `{"messages": […]}` (`Error403_NG`, …), or a `claimStatusSingleResponse` error.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireProblem {
    pub(super) code: Option<String>,
    pub(super) title: Option<String>,
    pub(super) detail: Option<String>,
    #[serde(default)]
    pub(super) messages: Vec<WireMessage>,
    pub(super) error: Option<WireStatusError>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireMessage {
    pub(super) code: Option<String>,
    pub(super) text: Option<String>,
}

impl WireProblem {
    pub(super) fn code(&self, token: &str) -> Option<String> {
        code_of(self.code.as_deref(), token)
            .or_else(|| self.messages.iter().find_map(|m| code_of(m.code.as_deref(), token)))
    }

    pub(super) fn message(&self, token: &str, status: u16) -> String {
        let text = match (&self.title, &self.detail) {
            (Some(title), Some(detail)) => format!("{title}: {detail}"),
            (Some(one), None) | (None, Some(one)) => one.clone(),
            (None, None) => self.messages.iter().filter_map(|m| m.text.clone()).collect::<Vec<_>>().join("; "),
        };
        let text = redact(&text, token);
        if text.is_empty() { format!("HTTP status {status}") } else { text }
    }
}

/// `claimDetails`, the parts we read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireClaimDetails {
    pub(super) claim_key: WireClaimKey,
    pub(super) payor_id: String,
    pub(super) claim_status: Option<String>,
    pub(super) amount: serde_json::Number,
    pub(super) total_amount_due: Option<serde_json::Number>,
    pub(super) final_due_date: Option<String>,
    pub(super) reference: Option<String>,
    pub(super) bill_number: Option<String>,
    pub(super) is_partially_paid: Option<bool>,
}

impl WireClaimDetails {
    pub(super) fn into_claim(self) -> Result<Claim, ClaimsError> {
        let unreadable = |what: &str| ClaimsError::Unreadable(format!("the claim's {what} is not as described"));
        let claim_id = self.claim_key.claim_id().ok_or_else(|| unreadable("claimKey"))?;
        let due_date = parse_date(&self.claim_key.due_date).ok_or_else(|| unreadable("dueDate"))?;
        Ok(Claim {
            claim_id,
            payor: self.payor_id,
            status: match self.claim_status.as_deref() {
                Some("Unpaid") => ClaimStatus::Unpaid,
                Some("Paid") => ClaimStatus::Paid,
                Some("Cancelled") => ClaimStatus::Cancelled,
                other => ClaimStatus::Other(other.unwrap_or_default().to_owned()),
            },
            amount: decimal(&self.amount).ok_or_else(|| unreadable("amount"))?,
            total_due: self.total_amount_due.as_ref().and_then(decimal),
            due_date,
            final_due_date: self.final_due_date.as_deref().and_then(parse_date),
            reference: self.reference,
            bill_number: self.bill_number,
            partially_paid: self.is_partially_paid.unwrap_or(false),
        })
    }
}

/// `claimTransaction`, the parts we read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WireTransaction {
    pub(super) claim_key: Option<WireClaimKey>,
    pub(super) payor_id: Option<String>,
    pub(super) amount: Option<serde_json::Number>,
    pub(super) reference: Option<String>,
    pub(super) transaction_bank: Option<String>,
    pub(super) transaction_timestamp: Option<String>,
    pub(super) booking_date: Option<String>,
    pub(super) value_date: Option<String>,
    pub(super) payment_type: Option<String>,
    pub(super) deposited_amount: Option<serde_json::Number>,
    pub(super) total_amount_paid: Option<serde_json::Number>,
    pub(super) transaction_batch_id: Option<String>,
}

impl WireTransaction {
    pub(super) fn into_payment(self) -> Result<ClaimPayment, ClaimsError> {
        let unreadable = |what: &str| ClaimsError::Unreadable(format!("a payment's {what} is missing or malformed"));
        let claim_id =
            self.claim_key.as_ref().and_then(WireClaimKey::claim_id).ok_or_else(|| unreadable("claimKey"))?;
        let principal = self.amount.as_ref().and_then(decimal);
        let total = self.total_amount_paid.as_ref().and_then(decimal);
        let (principal, total_paid) = match (principal, total) {
            (Some(p), Some(t)) => (p, t),
            (Some(one), None) | (None, Some(one)) => (one, one),
            (None, None) => return Err(unreadable("amount")),
        };
        let timestamp = match self.transaction_timestamp.as_deref() {
            Some(text) => Some(
                OffsetDateTime::parse(text, &Rfc3339)
                    .map_err(|_| unreadable("transactionTimestamp"))?
                    .to_offset(UtcOffset::UTC),
            ),
            None => None,
        };
        let booked_on = self.booking_date.as_deref().and_then(parse_date);
        let paid_on = self
            .value_date
            .as_deref()
            .and_then(parse_date)
            .or(booked_on)
            .or(timestamp.map(OffsetDateTime::date))
            .ok_or_else(|| unreadable("date"))?;
        let kind = match self.payment_type.as_deref() {
            Some("Complete") => PaymentKind::Complete,
            Some("Partial") => PaymentKind::Partial,
            Some("Refund") => PaymentKind::Refund,
            other => PaymentKind::Other(other.unwrap_or_default().to_owned()),
        };
        let when = match timestamp {
            Some(ts) => ts.format(&Rfc3339).map_err(|_| unreadable("transactionTimestamp"))?,
            None => format!(
                "{}/{}/{}",
                iso_date(booked_on.unwrap_or(paid_on)),
                self.transaction_bank.as_deref().unwrap_or_default(),
                self.transaction_batch_id.as_deref().unwrap_or_default()
            ),
        };
        let transaction_id = format!("{claim_id}@{when}/{}/{}", kind.as_str(), total_paid.normalize());
        Ok(ClaimPayment {
            transaction_id,
            claim_id,
            principal,
            total_paid,
            deposited: self.deposited_amount.as_ref().and_then(decimal),
            paid_on,
            booked_on,
            timestamp,
            kind,
            payor: self.payor_id,
            reference: self.reference,
        })
    }
}
