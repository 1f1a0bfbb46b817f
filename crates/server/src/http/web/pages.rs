//! Page templates (askama: checked at compile time, HTML auto-escaped).

use askama::Template;
use askama_web::WebTemplate;

use super::invoice_views::{EditorLine, ListRow, TotalsView};
use crate::{
    app::{
        customers::{Customer, CustomerFields},
        fields::FieldErrors,
        invoicing::BusinessProfile,
    },
    i18n::{Tr, key},
};

/// Figures for one currency on the dashboard.
pub struct SummaryRow {
    pub currency: String,
    pub outstanding: String,
    pub overdue: String,
    pub paid_this_month: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: Tr,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login_code.html")]
pub struct CodePage {
    pub t: Tr,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "start_again.html")]
pub struct StartAgainPage {
    pub t: Tr,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub t: Tr,
    pub email: String,
    pub business_name: String,
    pub role: String,
    pub summary: Vec<SummaryRow>,
    pub profile_incomplete: bool,
    /// Open invitations waiting for the user's answer.
    pub invitations: usize,
    /// Other businesses this user belongs to, for switching.
    pub other_businesses: Vec<crate::app::business::Membership>,
    pub attention: crate::app::business::Attention,
    pub month_charts: Vec<MonthChart>,
    pub aging_charts: Vec<AgingChart>,
    pub recent: Vec<super::invoice_views::ListRow>,
}

/// One bar of a dashboard chart, in the SVG's coordinates (110 is the baseline).
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub label: String,
    pub amount: String,
}

/// Received per month in one currency.
pub struct MonthChart {
    pub currency: String,
    pub bars: Vec<Bar>,
}

/// What is owed in one currency, by age.
pub struct AgingChart {
    pub currency: String,
    pub bars: Vec<Bar>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub t: Tr,
    pub p: BusinessProfile,
    pub errors: FieldErrors,
    pub saved: bool,
    pub currencies: Vec<(&'static str, &'static str)>,
    /// Each reference scheme's code and its name in the reader's language.
    pub schemes: Vec<(&'static str, String)>,
}

impl SettingsPage {
    pub fn new(t: Tr, p: BusinessProfile, errors: FieldErrors, saved: bool) -> Self {
        let currencies = fastfaktura_domain::Currency::all().map(|(c, name)| (c.code(), name)).collect();
        let schemes =
            fastfaktura_domain::ReferenceScheme::ALL.into_iter().map(|s| (s.code(), t.t(scheme_name(s)))).collect();
        Self { t, p, errors, saved, currencies, schemes }
    }
}

/// The catalogue key naming a payment reference scheme.
fn scheme_name(scheme: fastfaktura_domain::ReferenceScheme) -> &'static str {
    use fastfaktura_domain::ReferenceScheme as S;
    match scheme {
        S::Automatic => key("reference-scheme-automatic"),
        S::Rf => key("reference-scheme-rf"),
        S::KidMod10 => key("reference-scheme-kid_mod10"),
        S::KidMod11 => key("reference-scheme-kid_mod11"),
        S::SwedishOcr => key("reference-scheme-se_ocr"),
        S::Finnish => key("reference-scheme-fi_reference"),
        S::Fik71 => key("reference-scheme-dk_fik71"),
        S::InvoiceNumber => key("reference-scheme-invoice_number"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "customers.html")]
pub struct CustomersPage {
    pub t: Tr,
    pub customers: Vec<Customer>,
    pub q: String,
    pub page: i64,
    pub has_next: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "customer_form.html")]
pub struct CustomerFormPage {
    pub t: Tr,
    pub id: Option<uuid::Uuid>,
    pub fields: CustomerFields,
    pub errors: FieldErrors,
    /// An existing customer's balance, documents and payments.
    pub overview: Option<CustomerOverviewView>,
    /// What the Peppol network last said about an existing customer.
    pub peppol: Option<super::customers::PeppolCard>,
}

/// A customer's documents, payments and balance, written for the page.
pub struct CustomerOverviewView {
    pub balances: Vec<String>,
    pub documents: Vec<CustomerDocumentRow>,
    pub payments: Vec<CustomerPaymentRow>,
}

pub struct CustomerDocumentRow {
    pub id: String,
    pub number: Option<String>,
    pub kind: &'static str,
    pub issue_date: String,
    pub total: String,
    pub open: String,
}

pub struct CustomerPaymentRow {
    pub invoice_id: String,
    pub number: String,
    pub paid_on: String,
    pub amount: String,
    pub method: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "invoices.html")]
pub struct InvoicesPage {
    pub t: Tr,
    pub invoices: Vec<ListRow>,
    pub q: String,
    /// The status filter in force ("" for all).
    pub status: &'static str,
    pub page: i64,
    pub has_next: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice_new.html")]
pub struct NewInvoicePage {
    pub t: Tr,
    pub customers: Vec<Customer>,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice_edit.html")]
pub struct InvoiceEditPage {
    pub t: Tr,
    pub id: String,
    pub is_credit_note: bool,
    /// invoice, credit_note or quote.
    pub kind: String,
    pub version: i32,
    pub customer_id: String,
    pub customers: Vec<Customer>,
    pub currency: String,
    pub price_entry: String,
    pub discount_percent: String,
    pub note: String,
    /// Issue, due and delivery dates, period and references.
    pub date_fields: Vec<DateField>,
    /// The dates section starts open when something is set in it or wrong.
    pub dates_open: bool,
    pub lines: Vec<EditorLine>,
    pub totals: Option<TotalsView>,
    /// The VAT picker's choices (category and rate together).
    pub vat_choices: Vec<super::invoice_views::VatChoice>,
    /// Some line is exempt or outside VAT, so the reason column is shown.
    pub show_exemption: bool,
    pub errors: FieldErrors,
    /// The catalogue, to add a line from.
    pub products: Vec<crate::app::invoicing::Product>,
}

/// One date or reference input of the editor.
pub struct DateField {
    pub name: &'static str,
    pub label: &'static str,
    /// `date` or `text`.
    pub input_type: &'static str,
    pub value: String,
    /// A catalogue key, or empty.
    pub hint: &'static str,
}

pub struct PaymentRow {
    pub paid_on: String,
    pub amount: String,
    /// The catalogue key of the payment method.
    pub method: &'static str,
    pub reference: String,
    /// What was refunded of it (card payments refunded through Stripe), if anything.
    pub refunded: Option<String>,
    /// The payment's id, when the owner may remove it (recorded by hand).
    pub removable: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "invoice_view.html")]
pub struct InvoiceViewPage {
    pub t: Tr,
    pub id: String,
    /// The catalogue key of the document's name.
    pub title: &'static str,
    /// Only invoices take payments and repeat.
    pub is_invoice: bool,
    pub number: String,
    pub status: &'static str,
    pub customer_name: String,
    pub issue_date: String,
    pub due_date: String,
    pub note: String,
    pub lines: Vec<EditorLine>,
    pub totals: TotalsView,
    pub payments: Vec<PaymentRow>,
    pub open: String,
    /// What the customer paid beyond the invoice once credit notes are counted (a credit
    /// note after payment): theirs to get back, not "open".
    pub owed_to_customer: Option<String>,
    pub can_pay: bool,
    pub can_credit: bool,
    /// (id, number) of the invoice a credit note corrects.
    pub credited: Option<(String, String)>,
    /// A quote can be turned into an invoice (once).
    pub can_convert: bool,
    /// Invoices and quotes can be copied as a new draft.
    pub can_duplicate: bool,
    /// (id, number) of the invoice a quote became.
    pub converted_to: Option<(String, String)>,
    /// A quote's answer: (catalogue key, date).
    pub quote_decision: Option<(&'static str, String)>,
    /// (id, number) of an invoice's issued credit notes.
    pub credit_notes: Vec<(String, String)>,
    /// Delivery date or period and references: (catalogue key, value).
    pub references: Vec<(&'static str, String)>,
    /// `view-due` or, for a quote, `view-valid-until`.
    pub due_label: &'static str,
    pub today: String,
    /// The payment form's mistakes, each at its field, and what was typed.
    pub payment_errors: crate::app::fields::FieldErrors,
    pub payment_typed: crate::app::invoicing::PaymentInput,
    /// A mistake in the Send form, shown in its section.
    pub send_error: Option<String>,
    /// Issued documents can be shared with the customer through a link.
    pub can_share: bool,
    /// Issued documents have a PDF; invoices and credit notes also UBL and CII files.
    pub can_download: bool,
    pub has_e_invoice: bool,
    pub customer_link: Option<super::invoice_views::CustomerLinkView>,
    pub deliveries: Vec<super::invoice_views::DeliveryRow>,
    /// The customer's email, proposed as the recipient.
    pub send_to: String,
    /// The customer's mobile number, proposed for SMS.
    pub send_phone: String,
    /// Whether an SMS provider is configured (the business's or the platform's).
    pub sms_available: bool,
    /// The invoice's Icelandic bank claim, said in a line.
    pub claim: Option<String>,
    /// The buyer's participant id when the document can go over Peppol now.
    pub peppol_ready: Option<String>,
    /// Why it cannot, when the business is connected to an access point.
    pub peppol_note: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "api_tokens.html")]
pub struct ApiTokensPage {
    pub t: Tr,
    pub tokens: Vec<crate::app::api_tokens::ApiToken>,
    /// A token just created: shown this once.
    pub new_token: Option<String>,
    pub error: Option<String>,
    /// The owner may revoke any token; others only their own.
    pub is_owner: bool,
    pub user_id: uuid::Uuid,
    /// An accountant is offered read-only tokens only.
    pub read_only: bool,
    pub lifetimes: [u16; 3],
}

#[derive(Template, WebTemplate)]
#[template(path = "invitations.html")]
pub struct InvitationsPage {
    pub t: Tr,
    pub invitations: Vec<InvitationView>,
    /// The session acts for a business (else it may start its own).
    pub has_business: bool,
}

/// One open invitation, worded for its invitee.
pub struct InvitationView {
    pub join_action: String,
    pub decline_action: String,
    pub offer: String,
    pub invited_by: String,
    pub join_label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "members.html")]
pub struct MembersPage {
    pub t: Tr,
    pub members: Vec<crate::app::members::Member>,
    pub invitations: Vec<crate::app::members::Invitation>,
    pub is_owner: bool,
    pub me: uuid::Uuid,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "products.html")]
pub struct ProductsPage {
    pub t: Tr,
    pub products: Vec<crate::app::invoicing::Product>,
    pub q: String,
    pub page: i64,
    pub has_next: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "product_form.html")]
pub struct ProductFormPage {
    pub t: Tr,
    pub id: Option<uuid::Uuid>,
    pub form: crate::app::catalogue::ProductInput,
    pub errors: FieldErrors,
    pub vat_categories: Vec<(&'static str, &'static str)>,
}

impl ProductFormPage {
    pub fn new(t: Tr, id: Option<uuid::Uuid>, form: crate::app::catalogue::ProductInput, errors: FieldErrors) -> Self {
        Self { t, id, form, errors, vat_categories: super::invoice_views::vat_categories() }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "recurring.html")]
pub struct RecurringPage {
    pub t: Tr,
    pub templates: Vec<crate::app::invoicing::Recurring>,
}

pub struct SeriesRow {
    /// The catalogue key of the series' name.
    pub label: &'static str,
    /// How the next number will look.
    pub next: String,
    pub series: crate::app::settings::Series,
}

#[derive(Template, WebTemplate)]
#[template(path = "numbering.html")]
pub struct NumberingPage {
    pub t: Tr,
    pub series: Vec<SeriesRow>,
    pub error: Option<String>,
}
