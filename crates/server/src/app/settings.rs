//! The business's settings: the profile printed on every document (with its one input
//! type, judged here), the numbering of each series, and the reminder schedule.

use fastfaktura_domain::{
    Bankgiro, EmailAddress, FikError, FikPaymentLine, InvoiceKind, ReferenceError, ReferenceScheme, identifiers,
};
use serde::Deserialize;

use super::{
    Caller, Error,
    error::Result,
    fields::{
        AddressFields, FieldErrors, currency_code, email_message, identifier, judge_address, language, optional_parsed,
        or_default, reference_error, required,
    },
    money_routing::{MoneyChange, NONE, mask, record_money_change, require_owner_for_money},
};
pub use crate::db::{businesses::BusinessProfile, numbering::Series, reminders::Rule};
use crate::{
    audit::{self, AuditEvent, Category, RequestMeta},
    db,
    i18n::Tr,
    integrations::sms_accounts,
    state::AppState,
};

/// The business profile as typed (all text).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ProfileInput {
    pub name: String,
    pub address_line: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_number: String,
    pub registration_id: String,
    pub iban: String,
    pub bic: String,
    pub default_currency: String,
    pub payment_terms_days: String,
    pub invoice_language: String,
    /// A `ReferenceScheme` code; empty keeps the automatic choice.
    pub payment_reference_scheme: String,
    pub bankgiro: String,
    pub fik_creditor: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// Judges the profile as typed: what to store (or, for a wrong field, what was typed)
/// and the errors, in the caller's language.
pub fn judge_profile(t: &Tr, input: &ProfileInput) -> (BusinessProfile, FieldErrors) {
    let mut errors = FieldErrors::new(t);
    let address = judge_address(
        &mut errors,
        t,
        AddressFields {
            address_line: &input.address_line,
            postal_code: &input.postal_code,
            city: &input.city,
            country: &input.country,
        },
    );
    let country = address.country;
    let profile = BusinessProfile {
        name: errors.check("name", &t.t("label-legal-name"), required(t, &input.name, 200), input.name.clone()),
        address_line: address.address_line,
        postal_code: address.postal_code,
        city: address.city,
        vat_number: errors.check(
            "vat_number",
            &t.t("label-vat-number"),
            identifier(t, identifiers::vat_id(&input.vat_number, &country)),
            input.vat_number.clone(),
        ),
        registration_id: errors.check(
            "registration_id",
            &t.t("label-registration-id"),
            identifier(t, identifiers::registration_id(&input.registration_id, &country)),
            input.registration_id.clone(),
        ),
        iban: errors.check(
            "iban",
            &t.t("label-iban"),
            identifier(t, identifiers::iban(&input.iban)),
            input.iban.clone(),
        ),
        bic: errors.check("bic", &t.t("label-bic"), identifier(t, identifiers::bic(&input.bic)), input.bic.clone()),
        default_currency: errors.check(
            "default_currency",
            &t.t("label-currency"),
            currency_code(or_default(&input.default_currency, identifiers::default_currency(&country))),
            input.default_currency.clone(),
        ),
        payment_terms_days: errors.check(
            "payment_terms_days",
            &t.t("label-payment-terms"),
            input
                .payment_terms_days
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|d| (0..=365).contains(d))
                .ok_or_else(|| t.t("settings-payment-terms-range")),
            14,
        ),
        invoice_language: errors.check(
            "invoice_language",
            &t.t("label-invoice-language"),
            language(t, or_default(&input.invoice_language, identifiers::default_language(&country))),
            "en".into(),
        ),
        payment_reference_scheme: errors.check(
            "payment_reference_scheme",
            &t.t("label-reference-scheme"),
            ReferenceScheme::parse(or_default(&input.payment_reference_scheme, "automatic"))
                .map(|s| s.code().to_owned())
                .map_err(|_| t.t("reference-scheme-unknown")),
            "automatic".into(),
        ),
        bankgiro: errors.check(
            "bankgiro",
            &t.t("label-bankgiro"),
            optional_parsed(&input.bankgiro, |v| Bankgiro::parse(v).map(|b| b.as_str().to_owned()))
                .map_err(|e| reference_error(t, e)),
            input.bankgiro.clone(),
        ),
        fik_creditor: errors.check(
            "fik_creditor",
            &t.t("label-fik-creditor"),
            optional_parsed(&input.fik_creditor, |v| {
                FikPaymentLine::card_73(v).map(|l| l.creditor().to_owned()).map_err(|e| match e {
                    FikError::Creditor(e) | FikError::PaymentId(e) => e,
                    _ => ReferenceError::Shape { example: "85799665" },
                })
            })
            .map_err(|e| reference_error(t, e)),
            input.fik_creditor.clone(),
        ),
        contact_name: errors.check(
            "contact_name",
            &t.t("label-contact-name"),
            optional_text(t, &input.contact_name, 100),
            input.contact_name.clone(),
        ),
        contact_email: errors.check(
            "contact_email",
            &t.t("label-contact-email"),
            match input.contact_email.trim() {
                "" => Ok(String::new()),
                typed => EmailAddress::parse(typed).map(|e| e.as_str().to_owned()).map_err(|e| email_message(t, &e)),
            },
            input.contact_email.clone(),
        ),
        contact_phone: errors.check(
            "contact_phone",
            &t.t("label-contact-phone"),
            contact_phone(t, &input.contact_phone),
            input.contact_phone.clone(),
        ),
        peppol_id: String::new(),
        country,
    };
    (profile, errors)
}

/// Optional free text of at most `max` characters, without control characters.
fn optional_text(t: &Tr, typed: &str, max: usize) -> std::result::Result<String, String> {
    let typed = typed.trim();
    if typed.chars().count() > max {
        return Err(t.t1("form-max-chars", "max", max));
    }
    Ok(super::fields::search_text(typed))
}

/// A phone number as people write it on invoices (`+354 555 1234`, `030 / 123 45-6`):
/// digits with spaces, `+ - / ( ) .`, at least three digits (XRechnung's BR-DE-27).
fn contact_phone(t: &Tr, typed: &str) -> std::result::Result<String, String> {
    let typed = typed.trim();
    let allowed = typed.chars().all(|c| c.is_ascii_digit() || " +-/().".contains(c));
    let digits = typed.chars().filter(char::is_ascii_digit).count();
    match typed {
        "" => Ok(String::new()),
        _ if allowed && digits >= 3 && typed.len() <= 40 => Ok(typed.to_owned()),
        _ => Err(t.t("contact-phone-shape")),
    }
}

pub async fn business_profile(state: &AppState, caller: &Caller) -> Result<BusinessProfile> {
    Ok(db::businesses::profile(&state.db, caller.business_id).await?)
}

/// Saves the business profile. The bank account (IBAN, BIC, Bankgiro, FI creditor
/// number) is where customers pay:
/// only an owner may change it, and a change is audited and told to every owner
/// (`money_routing`). Every other profile change is audited with the fields named.
pub async fn update_profile(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &RequestMeta,
    input: &ProfileInput,
) -> Result<()> {
    let (profile, errors) = judge_profile(t, input);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = state.db.begin().await?;
    let before = db::businesses::profile(&mut *tx, caller.business_id).await?;
    let mut money = Vec::new();
    for (what, old, new) in [
        ("IBAN", &before.iban, &profile.iban),
        ("BIC", &before.bic, &profile.bic),
        ("Bankgiro", &before.bankgiro, &profile.bankgiro),
        ("FI creditor number", &before.fik_creditor, &profile.fik_creditor),
    ] {
        if old != new {
            money.push(MoneyChange { what, old: mask(old, false), new: mask(new, false) });
        }
    }
    if !money.is_empty() {
        require_owner_for_money(caller)?;
    }
    db::businesses::update_profile(&mut *tx, caller.business_id, &profile).await?;
    let changed = changed_fields(&before, &profile);
    if !changed.is_empty() {
        let event = AuditEvent::new(state.clock.now(), Category::Security, "config.profile.updated")
            .actor(caller.actor.clone())
            .business(caller.business_id)
            .request(meta)
            .details(serde_json::json!({ "fields": changed }));
        audit::record(&mut *tx, &event).await?;
    }
    record_money_change(&mut tx, state, caller, meta, "config.payment_details.changed", &money).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, "business profile updated");
    Ok(())
}

/// The names of the profile fields that differ (values stay out of the audit log;
/// the bank account's masked values are recorded by `money_routing`).
fn changed_fields(a: &BusinessProfile, b: &BusinessProfile) -> Vec<&'static str> {
    let pairs: [(&'static str, bool); 18] = [
        ("name", a.name != b.name),
        ("address_line", a.address_line != b.address_line),
        ("postal_code", a.postal_code != b.postal_code),
        ("city", a.city != b.city),
        ("country", a.country != b.country),
        ("vat_number", a.vat_number != b.vat_number),
        ("registration_id", a.registration_id != b.registration_id),
        ("iban", a.iban != b.iban),
        ("bic", a.bic != b.bic),
        ("default_currency", a.default_currency != b.default_currency),
        ("payment_terms_days", a.payment_terms_days != b.payment_terms_days),
        ("invoice_language", a.invoice_language != b.invoice_language),
        ("payment_reference_scheme", a.payment_reference_scheme != b.payment_reference_scheme),
        ("bankgiro", a.bankgiro != b.bankgiro),
        ("fik_creditor", a.fik_creditor != b.fik_creditor),
        ("contact_name", a.contact_name != b.contact_name),
        ("contact_email", a.contact_email != b.contact_email),
        ("contact_phone", a.contact_phone != b.contact_phone),
    ];
    pairs.into_iter().filter(|(_, differs)| *differs).map(|(name, _)| name).collect()
}

/// Each numbering series with the number it would give next this year.
pub async fn numbering_series(state: &AppState, caller: &Caller) -> Result<Vec<(Series, String)>> {
    let year = state.clock.now().year();
    Ok(db::numbering::list(&state.db, caller.business_id)
        .await?
        .into_iter()
        .map(|s| {
            let next = db::numbering::preview(&s, year);
            (s, next)
        })
        .collect())
}

/// A series' settings as typed.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SeriesInput {
    pub kind: String,
    pub prefix: String,
    pub padding: String,
    pub yearly_reset: Option<String>,
}

/// The owner saves a series' prefix, digits and yearly reset; a mistake is an error
/// at `series` with the sentence to show.
/// Audited (`config.numbering.updated`, with the series as saved): numbering is what
/// the tax authority reads gaps and repeats in.
pub async fn save_numbering(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &RequestMeta,
    input: &SeriesInput,
) -> Result<()> {
    caller.require_owner()?;
    let (kind, prefix, padding) = judge_series(t, input).map_err(|message| Error::field("series", message))?;
    let now = state.clock.now();
    let yearly_reset = input.yearly_reset.is_some();
    let mut tx = state.db.begin().await?;
    db::numbering::save(&mut *tx, caller.business_id, kind, prefix, padding, yearly_reset, now.year()).await?;
    let event = AuditEvent::new(now, Category::Security, "config.numbering.updated")
        .actor(caller.actor.clone())
        .business(caller.business_id)
        .request(meta)
        .details(serde_json::json!({
            "kind": kind.as_str(), "prefix": prefix, "padding": padding, "yearly_reset": yearly_reset,
        }));
    audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The series' kind, trimmed prefix and digits, or the first mistake's sentence
/// (an unknown series, then the prefix, then the digits).
fn judge_series<'a>(t: &Tr, input: &'a SeriesInput) -> std::result::Result<(InvoiceKind, &'a str, i32), String> {
    let kind = InvoiceKind::parse(&input.kind).map_err(|_| t.t("numbering-error-series"))?;
    let prefix = input.prefix.trim();
    if prefix.chars().count() > 20
        || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '.'))
    {
        return Err(t.t("numbering-error-prefix"));
    }
    let padding = input
        .padding
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| (1..=10).contains(p))
        .ok_or_else(|| t.t("numbering-error-digits"))?;
    Ok((kind, prefix, padding))
}

/// The saved reminder rules (empty: reminders are off) and whether SMS can be sent.
pub async fn reminder_schedule(state: &AppState, caller: &Caller) -> Result<(Vec<Rule>, bool)> {
    let rules = db::reminders::rules(&state.db, caller.business_id).await?;
    let mut conn = state.db.acquire().await?;
    let sms_available = sms_accounts::available(&mut conn, caller.business_id).await?;
    Ok((rules, sms_available))
}

/// Replaces the reminder schedule (no rules turns reminders off). Each rule is at one
/// of the offered offsets, at most once, with a channel (the page offers only those;
/// the API is told which rule is wrong, at `rules[i]`).
pub async fn save_reminder_schedule(state: &AppState, caller: &Caller, rules: &[Rule]) -> Result<()> {
    let offered = crate::invoicing::reminders::OFFERED_OFFSETS;
    for (i, rule) in rules.iter().enumerate() {
        let mistake = if !offered.contains(&rule.offset_days) {
            Some(format!("offset_days must be one of {offered:?} (days after the due date; negative: before)"))
        } else if rules[..i].iter().any(|earlier| earlier.offset_days == rule.offset_days) {
            Some(format!("offset_days {} appears twice", rule.offset_days))
        } else if !rule.by_email && !rule.by_sms {
            Some("a rule needs by_email or by_sms".to_owned())
        } else {
            None
        };
        if let Some(message) = mistake {
            return Err(Error::field(&format!("rules[{i}]"), message));
        }
    }
    let mut tx = state.db.begin().await?;
    db::reminders::replace_rules(&mut tx, caller.business_id, rules).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, rules = rules.len(), "reminder schedule saved");
    Ok(())
}

/// The business's own SMS account (never its secret, only the last four characters)
/// and whether the platform's account would send otherwise.
pub async fn sms_account(state: &AppState, caller: &Caller) -> Result<(Option<StoredSmsAccount>, bool)> {
    let own = db::sms_providers::business(&state.db, caller.business_id).await?;
    let platform_available = db::sms_providers::platform(&state.db).await?.is_some();
    Ok((own, platform_available))
}

pub use crate::db::sms_providers::StoredProvider as StoredSmsAccount;

/// An SMS account as typed.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SmsAccountInput {
    pub provider: String,
    pub account: String,
    pub secret: String,
    pub sender: String,
}

/// Saves the business's own SMS account, its secret sealed; a mistake is an error at
/// `secret` with the sentence to show.
pub async fn save_sms_account(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &RequestMeta,
    input: &SmsAccountInput,
) -> Result<()> {
    require_owner_for_money(caller)?;
    let credentials = sms_accounts::parse_form(&input.provider, &input.account, &input.secret, &input.sender)
        .map_err(|message| Error::field("secret", t.t(message)))?;
    let mut tx = state.db.begin().await?;
    let before = db::sms_providers::business(&mut *tx, caller.business_id).await?;
    sms_accounts::save(&mut tx, &state.keys.kek, Some(caller.business_id), &credentials, state.clock.now())
        .await
        .map_err(|e| Error::Unexpected(e.into()))?;
    let change = MoneyChange {
        what: "SMS account",
        old: before
            .map(|b| format!("{} {} (secret …{})", b.provider, b.account, b.secret_last4))
            .unwrap_or_else(|| NONE.into()),
        new: format!("{} {} (secret {})", credentials.provider.code(), input.account.trim(), mask(&input.secret, true)),
    };
    record_money_change(&mut tx, state, caller, meta, "config.sms_account.saved", &[change]).await?;
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, provider = credentials.provider.code(), "business SMS account saved");
    Ok(())
}

/// Removes the business's own SMS account (the platform's is used again).
pub async fn remove_sms_account(state: &AppState, caller: &Caller, meta: &RequestMeta) -> Result<()> {
    require_owner_for_money(caller)?;
    let mut tx = state.db.begin().await?;
    let before = db::sms_providers::business(&mut *tx, caller.business_id).await?;
    db::sms_providers::remove_business(&mut *tx, caller.business_id).await?;
    if let Some(before) = before {
        let change = MoneyChange {
            what: "SMS account",
            old: format!("{} {}", before.provider, before.account),
            new: NONE.into(),
        };
        record_money_change(&mut tx, state, caller, meta, "config.sms_account.removed", &[change]).await?;
    }
    tx.commit().await?;
    tracing::info!(business_id = %caller.business_id, "business SMS account removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(kind: &str, prefix: &str, padding: &str) -> SeriesInput {
        SeriesInput { kind: kind.into(), prefix: prefix.into(), padding: padding.into(), yearly_reset: None }
    }

    #[test]
    fn a_series_is_judged_kind_then_prefix_then_digits() {
        let t = Tr::default();
        assert_eq!(judge_series(&t, &series("credit_note", " CN/ ", "6")), Ok((InvoiceKind::CreditNote, "CN/", 6)));
        assert_eq!(judge_series(&t, &series("bill", "bad prefix", "0")), Err(t.t("numbering-error-series")));
        assert_eq!(judge_series(&t, &series("quote", "bad prefix", "0")), Err(t.t("numbering-error-prefix")));
        assert_eq!(judge_series(&t, &series("quote", &"Q".repeat(21), "4")), Err(t.t("numbering-error-prefix")));
        for digits in ["0", "11", "four", ""] {
            assert_eq!(
                judge_series(&t, &series("invoice", "F-", digits)),
                Err(t.t("numbering-error-digits")),
                "{digits}"
            );
        }
    }
}
