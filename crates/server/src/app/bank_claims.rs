//! Icelandic bank claims as operations: connecting the business to its bank's claims
//! API (Settings → Payments: the address, the claim template and the access token,
//! write-only), opening an invoice's claim when it is issued, and keeping the claim's
//! amount in step when the invoice is paid another way or credited. The bank is told
//! by the worker (`payments::claims`), never inside a user's request.

use fastfaktura_domain::{ClaimKey, ClaimNumber, Currency, Decimal, IcelandicIban, InvoiceKind, national_ids};

pub(crate) use crate::payments::claims::follow_invoice;
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    Caller, Error,
    error::Result,
    money_routing::{MoneyChange, NONE, mask, record_money_change, require_owner_for_money},
};
use crate::{
    audit::RequestMeta,
    db::{self, bank_claims::NewClaimRow, businesses::BusinessProfile},
    i18n::Text,
    integrations::iobws_claims::ClaimsClient,
    jobs::{self, Job},
    payments::claims::TOKEN,
    secrets,
    state::AppState,
};

/// What Settings → Payments shows of the claims connection.
pub struct ClaimsSettings {
    pub api_url: String,
    pub template_code: String,
    pub token_last4: Option<String>,
}

pub async fn claims_settings(state: &AppState, caller: &Caller) -> Result<ClaimsSettings> {
    let (api_url, template_code) = db::bank_claims::settings(&state.db, caller.business_id).await?;
    let token = db::business_secrets::find(&state.db, caller.business_id, TOKEN).await?;
    Ok(ClaimsSettings { api_url, template_code, token_last4: token.map(|t| t.last4) })
}

/// The claims connection as typed; an empty token keeps the saved one.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ClaimsSettingsInput {
    pub claims_api_url: String,
    pub claims_template_code: String,
    pub iobws_token: String,
}

/// Saves the connection (owner only: it decides where claims are created, audited as
/// a money change and told to every owner).
pub async fn save_claims_settings(
    state: &AppState,
    caller: &Caller,
    meta: &RequestMeta,
    input: &ClaimsSettingsInput,
) -> Result<()> {
    require_owner_for_money(caller)?;
    let business_id = caller.business_id;
    let url = input.claims_api_url.trim();
    let template = input.claims_template_code.trim().to_ascii_uppercase();
    let token = input.iobws_token.trim();
    if !url.is_empty() && ClaimsClient::new(url, "checked-shape-only").is_err() {
        return Err(Error::field("claims_api_url", Text::key("claims-url-invalid")));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::field("iobws_token", Text::key("claims-token-invalid")));
    }
    let well_formed = template.len() == 3 && template.bytes().all(|b| b.is_ascii_alphanumeric());
    if !template.is_empty() && !well_formed {
        return Err(Error::field("claims_template_code", Text::key("claims-template-shape")));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (old_url, old_template) = db::bank_claims::settings(&mut *tx, business_id).await?;
    let old_token = db::business_secrets::find(&mut *tx, business_id, TOKEN).await?;
    db::bank_claims::save_settings(&mut *tx, business_id, url, &template).await?;
    let mut changes = Vec::new();
    if old_url != url {
        changes.push(MoneyChange { what: "Bank claims API", old: or_none(&old_url), new: or_none(url) });
    }
    if old_template != template {
        changes.push(MoneyChange { what: "Claim template", old: or_none(&old_template), new: or_none(&template) });
    }
    if !token.is_empty() {
        let envelope = secrets::seal(&mut tx, &state.keys.kek, crate::payments::slot(business_id, TOKEN), token, now)
            .await
            .map_err(|e| Error::Unexpected(e.into()))?;
        db::business_secrets::put(&mut *tx, business_id, TOKEN, &envelope, &secrets::last4(token), now, None).await?;
        let old = old_token.map_or(NONE.to_owned(), |s| format!("…{}", s.last4));
        changes.push(MoneyChange { what: "Bank claims access token", old, new: mask(token, true) });
    }
    record_money_change(&mut tx, state, caller, meta, "config.bank_claims.changed", &changes).await?;
    tx.commit().await?;
    Ok(())
}

fn or_none(value: &str) -> String {
    if value.is_empty() { NONE.to_owned() } else { value.to_owned() }
}

/// What an issued invoice is, for its claim.
pub(crate) struct IssuedForClaim<'a> {
    pub invoice_id: Uuid,
    pub kind: InvoiceKind,
    pub currency: Currency,
    pub sequence: i64,
    pub due_date: Date,
    pub payable: Decimal,
    pub payor: &'a str,
}

/// Opens the invoice's claim inside the issuing transaction, when the business is
/// connected to its bank's claims API, the invoice is in krónur and the customer has a
/// kennitala (the claim appears in their online bank). The bank is told by the job.
pub(crate) async fn open_at_issue(
    tx: &mut sqlx::PgConnection,
    business_id: Uuid,
    profile: &BusinessProfile,
    invoice: &IssuedForClaim<'_>,
    now: OffsetDateTime,
) -> Result<()> {
    if invoice.kind != InvoiceKind::Invoice || invoice.currency.code() != "ISK" || invoice.payable <= Decimal::ZERO {
        return Ok(());
    }
    let (url, template) = db::bank_claims::settings(&mut *tx, business_id).await?;
    if url.is_empty()
        || template.is_empty()
        || db::business_secrets::find(&mut *tx, business_id, TOKEN).await?.is_none()
    {
        return Ok(());
    }
    let Some(payor) = kennitala(invoice.payor) else { return Ok(()) };
    let Ok(iban) = IcelandicIban::parse(&profile.iban) else { return Ok(()) };
    let account = iban.account();
    let number = u64::try_from(invoice.sequence).ok().and_then(|s| ClaimNumber::for_invoice(s).ok());
    let Some(number) = number else { return Ok(()) };
    let Ok(key) = ClaimKey::new(&profile.registration_id, account.bank(), number, invoice.due_date) else {
        return Ok(());
    };
    let row = NewClaimRow {
        invoice_id: invoice.invoice_id,
        claimant: key.claimant(),
        bank: key.bank(),
        claim_number: key.number().as_str(),
        due_date: invoice.due_date,
        payor: &payor,
        amount: invoice.payable,
    };
    db::bank_claims::insert(&mut *tx, business_id, &row, now).await?;
    jobs::enqueue(&mut *tx, &Job::SyncClaim { business_id, invoice_id: invoice.invoice_id }).await?;
    Ok(())
}

/// A kennitala as typed (`010130-2989`), as the ten digits the claims API takes, if it
/// is one. Leading zeros matter: a person born on the 1st to the 9th has one.
fn kennitala(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let values: Vec<u32> = digits.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    (values.len() == 10 && national_ids::kennitala(&values)).then_some(digits)
}

/// The claim an invoice page shows: its key as printed and its state.
pub struct ClaimView {
    pub account: String,
    pub state: String,
    pub last_error: Option<String>,
}

pub async fn claim_of(state: &AppState, caller: &Caller, invoice_id: Uuid) -> Result<Option<ClaimView>> {
    Ok(db::bank_claims::find(&state.db, caller.business_id, invoice_id).await?.map(|c| ClaimView {
        account: format!("{}-66-{}", c.bank, c.claim_number),
        state: c.state,
        last_error: c.last_error,
    }))
}

#[cfg(test)]
mod tests {
    use super::kennitala;

    #[test]
    fn a_payers_kennitala_keeps_its_leading_zero() {
        assert_eq!(kennitala("010130-2989").as_deref(), Some("0101302989"));
        assert_eq!(kennitala("551073-0339").as_deref(), Some("5510730339"));
        assert_eq!(kennitala("551073-0349"), None, "wrong check digit (the ninth)");
        assert_eq!(kennitala("SE556012345601"), None);
        assert_eq!(kennitala(""), None);
    }
}
