//! The dates and references a draft carries: issue date and due date (empty: today
//! and from the payment terms, decided at issue), delivery date or period, the
//! buyer's reference and purchase order number. Judged here for the web editor and
//! the API alike; the rule that keeps a series in date order is applied at issue.

use time::{Date, format_description::well_known::Iso8601};

use super::drafts::DraftInput;
use crate::{
    app::fields::{FieldErrors, optional},
    db::invoices::{Invoice, References},
    i18n::Tr,
};

/// The judged dates and references of a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftDates {
    pub issue_date: Option<Date>,
    pub due_date: Option<Date>,
    pub references: References,
}

impl DraftDates {
    pub fn of(invoice: &Invoice) -> Self {
        DraftDates {
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            references: invoice.references.clone(),
        }
    }
}

fn date(t: &Tr, typed: &str) -> Result<Option<Date>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    Date::parse(typed, &Iso8601::DATE).map(Some).map_err(|_| t.t("form-date"))
}

/// Judges what was typed over the draft's stored values (`existing`); mistakes are
/// keyed by the field's name.
pub fn judge_dates(t: &Tr, input: &DraftInput, existing: &DraftDates, errors: &mut FieldErrors) -> DraftDates {
    let mut judge_date = |field: &str, label: &str, typed: &Option<String>, kept: Option<Date>| match typed {
        None => kept,
        Some(typed) => errors.check(field, &t.t(label), date(t, typed), kept),
    };
    let issue_date = judge_date("issue_date", "label-issue-date", &input.issue_date, existing.issue_date);
    let due_date = judge_date("due_date", "label-due-date", &input.due_date, existing.due_date);
    let delivery_date =
        judge_date("delivery_date", "label-delivery-date", &input.delivery_date, existing.references.delivery_date);
    let kept_period = existing.references.period;
    let start = judge_date("period_start", "label-period-start", &input.period_start, kept_period.map(|p| p.0));
    let end = judge_date("period_end", "label-period-end", &input.period_end, kept_period.map(|p| p.1));
    let period = match (start, end) {
        (Some(start), Some(end)) if end < start => {
            errors.add("period_end", t.t("invoice-period-order"));
            None
        }
        (Some(start), Some(end)) => Some((start, end)),
        (None, None) => None,
        (Some(_), None) => {
            errors.add("period_end", t.t("invoice-period-incomplete"));
            None
        }
        (None, Some(_)) => {
            errors.add("period_start", t.t("invoice-period-incomplete"));
            None
        }
    };
    if let (Some(issue), Some(due)) = (issue_date, due_date)
        && due < issue
    {
        errors.add("due_date", t.t("invoice-due-before-issue"));
    }
    let mut text = |field: &str, label: &str, typed: &Option<String>, kept: &str| match typed {
        None => kept.to_owned(),
        Some(typed) => errors.check(field, &t.t(label), optional(t, typed, 200), kept.to_owned()),
    };
    let buyer_reference =
        text("buyer_reference", "label-buyer-reference", &input.buyer_reference, &existing.references.buyer_reference);
    let order_reference =
        text("order_reference", "label-order-reference", &input.order_reference, &existing.references.order_reference);
    DraftDates {
        issue_date,
        due_date,
        references: References { delivery_date, period, buyer_reference, order_reference },
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> DraftInput {
        let get = |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned());
        DraftInput {
            issue_date: get("issue_date"),
            due_date: get("due_date"),
            delivery_date: get("delivery_date"),
            period_start: get("period_start"),
            period_end: get("period_end"),
            buyer_reference: get("buyer_reference"),
            order_reference: get("order_reference"),
            ..DraftInput::default()
        }
    }

    fn judged(pairs: &[(&str, &str)], existing: &DraftDates) -> (DraftDates, Vec<String>) {
        let t = Tr::default();
        let mut errors = FieldErrors::new(&t);
        let dates = judge_dates(&t, &typed(pairs), existing, &mut errors);
        (dates, errors.fields().map(str::to_owned).collect())
    }

    #[test]
    fn dates_and_references_are_read_and_kept_when_left_out() {
        let (dates, errors) = judged(
            &[
                ("issue_date", "2026-12-01"),
                ("period_start", "2026-11-01"),
                ("period_end", "2026-11-30"),
                ("order_reference", " PO-4711 "),
            ],
            &DraftDates::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(dates.issue_date, Some(date!(2026 - 12 - 01)));
        assert_eq!(dates.references.period, Some((date!(2026 - 11 - 01), date!(2026 - 11 - 30))));
        assert_eq!(dates.references.order_reference, "PO-4711");
        let (kept, _) = judged(&[("buyer_reference", "")], &dates);
        assert_eq!(kept.issue_date, dates.issue_date, "a field left out keeps its value");
        let (cleared, _) = judged(&[("issue_date", "")], &dates);
        assert_eq!(cleared.issue_date, None, "an empty field clears it");
    }

    #[test]
    fn wrong_dates_are_refused_at_their_field() {
        let (_, errors) = judged(&[("issue_date", "5.12.2026")], &DraftDates::default());
        assert_eq!(errors, ["issue_date"]);
        let (_, errors) =
            judged(&[("period_start", "2026-11-30"), ("period_end", "2026-11-01")], &DraftDates::default());
        assert_eq!(errors, ["period_end"]);
        let (_, errors) = judged(&[("period_start", "2026-11-30")], &DraftDates::default());
        assert_eq!(errors, ["period_end"]);
        let (_, errors) = judged(&[("issue_date", "2026-12-05"), ("due_date", "2026-12-04")], &DraftDates::default());
        assert_eq!(errors, ["due_date"]);
    }
}
