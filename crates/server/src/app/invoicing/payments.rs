//! Payments recorded by hand (bank transfer, cash, card, other). Overpayment is
//! refused (the user records what is due; a real overpayment is refunded outside
//! FastFaktura), so an invoice's balance never goes below zero.

use fastfaktura_domain::{Currency, Decimal, lifecycle};
use serde::Deserialize;
use time::{Date, format_description::well_known::Iso8601};
use uuid::Uuid;

use super::refused;
use crate::{
    app::{
        Caller, Error,
        fields::{FieldErrors, number, optional},
    },
    db::{self, invoices::Payment},
    i18n::Tr,
    state::AppState,
};

/// The methods a payment can be recorded with.
pub const PAYMENT_METHODS: [&str; 4] = ["bank_transfer", "cash", "card", "other"];

/// A payment as typed in the form or sent to the API.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentInput {
    /// YYYY-MM-DD.
    pub paid_on: String,
    pub amount: String,
    /// One of [`PAYMENT_METHODS`]; empty means a bank transfer.
    pub method: String,
    pub reference: String,
}

/// The input judged: the payment, or every field's mistake.
fn judge(t: &Tr, input: &PaymentInput, currency: Currency, today: Date) -> Result<Payment, FieldErrors> {
    let mut errors = FieldErrors::new(t);
    let paid_on = errors.check(
        "paid_on",
        &t.t("label-date"),
        Date::parse(input.paid_on.trim(), &Iso8601::DATE).map_err(|_| t.t("form-date")),
        today,
    );
    let amount = errors.check(
        "amount",
        &t.t("label-amount"),
        number(t, &input.amount, currency.minor_units())
            .and_then(|a| if a > Decimal::ZERO { Ok(a) } else { Err(t.t("payment-amount-positive")) }),
        Decimal::ZERO,
    );
    let method = if input.method.is_empty() { "bank_transfer" } else { input.method.as_str() };
    let method = errors.check(
        "method",
        &t.t("label-method"),
        PAYMENT_METHODS.contains(&method).then(|| method.to_owned()).ok_or_else(|| t.t("payment-method-error")),
        String::new(),
    );
    let reference =
        errors.check("reference", &t.t("label-reference"), optional(t, &input.reference, 200), String::new());
    if errors.is_empty() { Ok(Payment { paid_on, amount, method, reference }) } else { Err(errors) }
}

/// Records a payment on an issued invoice, with its audit event. Mistakes in the
/// fields come first (worded in `t`'s language); a payment the invoice cannot take
/// (too many decimals, more than is open) is a mistake at `amount`.
pub async fn record_payment(
    state: &AppState,
    caller: &Caller,
    t: &Tr,
    meta: &crate::audit::RequestMeta,
    invoice_id: Uuid,
    input: &PaymentInput,
) -> Result<(), Error> {
    let business_id = caller.business_id;
    let now = state.clock.now();
    let invoice = db::invoices::find(&state.db, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let currency = invoice.currency;
    let payment = judge(t, input, currency, now.date())?;
    let mut tx = state.db.begin().await?;
    let invoice = db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let open = db::invoices::open_amount(&mut tx, business_id, invoice_id, invoice.payable.unwrap_or_default()).await?;
    lifecycle::check_payment(invoice.kind, invoice.status, invoice.voided, currency, payment.amount, open)
        .map_err(|r| refused(r, "amount"))?;
    db::invoices::record_payment(&mut tx, business_id, invoice_id, &payment, now).await?;
    crate::app::bank_claims::follow_invoice(&mut tx, business_id, invoice_id, now).await?;
    let told = serde_json::json!({
        "amount": payment.amount.to_string(), "paid_on": payment.paid_on, "method": payment.method, "source": "manual",
    });
    crate::webhooks::record_payment(&mut tx, business_id, invoice_id, told, now).await?;
    // Who recorded it and from where: a payment marks an invoice paid.
    let event = crate::audit::AuditEvent::new(now, crate::audit::Category::Payment, "payment.recorded")
        .actor(caller.actor.clone())
        .request(meta)
        .business(business_id)
        .target(invoice_id.to_string())
        .details(serde_json::json!({
            "amount": payment.amount.to_string(),
            "currency": currency.code(),
            "method": payment.method,
            "paid_on": payment.paid_on.to_string(),
        }));
    crate::audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, "payment recorded");
    Ok(())
}

/// Removes a payment recorded by mistake (owner only; audited with what it was). Card
/// payments are refunded through Stripe instead and cannot be removed here.
pub async fn remove_payment(
    state: &AppState,
    caller: &Caller,
    invoice_id: Uuid,
    payment_id: Uuid,
) -> Result<(), Error> {
    caller.require_owner()?;
    let business_id = caller.business_id;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let invoice = db::invoices::find_for_update(&mut tx, business_id, invoice_id).await?.ok_or(Error::NotFound)?;
    let Some((removed, bank_entry)) = db::payments::delete_manual(&mut tx, business_id, invoice_id, payment_id).await?
    else {
        return Err(Error::NotFound);
    };
    // A payment from a bank file goes back to the payments waiting to be matched.
    if let Some(entry_id) = bank_entry {
        db::bank_entries::unmatch_entry(&mut tx, business_id, entry_id).await?;
    }
    crate::app::bank_claims::follow_invoice(&mut tx, business_id, invoice_id, now).await?;
    let event = crate::audit::AuditEvent::new(now, crate::audit::Category::Payment, "payment.removed")
        .actor(caller.actor.clone())
        .business(business_id)
        .target(invoice_id.to_string())
        .details(serde_json::json!({
            "payment": payment_id,
            "amount": removed.amount.to_string(),
            "currency": invoice.currency.code(),
            "method": removed.method,
            "paid_on": removed.paid_on.to_string(),
            "bank_entry": bank_entry,
        }));
    crate::audit::record(&mut *tx, &event).await?;
    tx.commit().await?;
    tracing::info!(%business_id, %invoice_id, %payment_id, "payment removed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input(paid_on: &str, amount: &str, method: &str) -> PaymentInput {
        PaymentInput { paid_on: paid_on.into(), amount: amount.into(), method: method.into(), reference: String::new() }
    }

    #[test]
    fn a_payment_is_judged_once_for_the_form_and_the_api() {
        let today = date!(2026 - 11 - 24);
        let t = Tr::default();
        let payment = judge(&t, &input("2026-11-20", "12.50", ""), Currency::EUR, today).unwrap();
        assert_eq!((payment.paid_on, payment.amount), (date!(2026 - 11 - 20), Decimal::new(1250, 2)));
        assert_eq!(payment.method, "bank_transfer", "no method means a bank transfer");
        let errors = judge(&t, &input("20.11.2026", "0", "cheque"), Currency::EUR, today).unwrap_err();
        let fields: Vec<&str> = errors.fields().collect();
        assert_eq!(fields, ["paid_on", "amount", "method"]);
        assert!(judge(&t, &input("2026-11-20", "1.5", "cash"), Currency::ISK, today).is_err(), "ISK has no decimals");
    }
}
