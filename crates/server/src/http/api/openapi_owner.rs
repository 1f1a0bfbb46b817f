//! The OpenAPI entries of what the owner does on the web and issue 23 put in the API
//! (those marked "owner scope" need a token with it):
//! sending and deliveries, the customer link, drafts' deletion and copies, recurring
//! invoices, archiving, the business profile, logo, numbering and reminder settings,
//! customers' statements and Peppol reach, and bills' files and exports.
//! Kept apart from `openapi.rs`'s table (which `openapi::operations` chains them to) so
//! each area's rows and schemas stay together.

use serde_json::{Value, json};

use super::openapi::{Operation, op};

/// The owner's operations, documented like `openapi::OPERATIONS`.
pub const OWNER_OPERATIONS: &[Operation] = &[
    op(
        "post",
        "/api/v1/invoices/{id}/send",
        "Send an issued document by email, SMS and/or Peppol (as the Send form): answers with the deliveries queued",
        Some("SendInput"),
        202,
        "DeliveryList",
    ),
    op(
        "get",
        "/api/v1/invoices/{id}/deliveries",
        "The document's deliveries (sends, reminders), newest first, with status and error",
        None,
        200,
        "DeliveryList",
    ),
    op("post", "/api/v1/deliveries/{id}/retry", "Queue a failed delivery again", None, 204, ""),
    op(
        "get",
        "/api/v1/invoices/{id}/link",
        "The document's live customer link (404 when off)",
        None,
        200,
        "CustomerLink",
    ),
    op(
        "post",
        "/api/v1/invoices/{id}/link",
        "Turn the customer link on (an issued document), or give the live one again",
        None,
        200,
        "CustomerLink",
    ),
    op(
        "post",
        "/api/v1/invoices/{id}/link/rotate",
        "Replace the customer link: the old one stops working at once",
        None,
        200,
        "CustomerLink",
    ),
    op("post", "/api/v1/invoices/{id}/link/revoke", "Turn the customer link off", None, 204, ""),
    op("delete", "/api/v1/invoices/{id}", "Delete a draft (an issued document is never deleted)", None, 204, ""),
    op(
        "post",
        "/api/v1/invoices/{id}/duplicate",
        "A new draft with the same customer, prices and lines as an invoice or quote",
        None,
        201,
        "Invoice",
    ),
    op("post", "/api/v1/customers/{id}/archive", "Hide a customer from lists and new invoices", None, 204, ""),
    op("post", "/api/v1/products/{id}/archive", "Take an item out of the catalogue", None, 204, ""),
    op("post", "/api/v1/bank-entries/{id}/dismiss", "Set a waiting payment aside as not for an invoice", None, 204, ""),
    op(
        "post",
        "/api/v1/invoices/{id}/recurring",
        "Repeat an issued invoice every 1 to 24 months from its issue date",
        Some("RecurringInput"),
        201,
        "RecurringInvoice",
    ),
    op("get", "/api/v1/recurring-invoices", "The active recurring invoices", None, 200, "RecurringInvoiceList"),
    op("post", "/api/v1/recurring-invoices/{id}/stop", "Stop repeating (the invoices made stay)", None, 204, ""),
    op("get", "/api/v1/business", "The business profile printed on every document", None, 200, "BusinessProfile"),
    op("get", "/api/v1/business/logo", "The logo printed on documents (404 when none)", None, 200, "file:image/png"),
    op(
        "post",
        "/api/v1/business/logo",
        "Replace the logo: the body is a PNG or JPEG of at most 512 KiB (a refused file keeps the old one)",
        Some("file:image/png"),
        204,
        "",
    ),
    op("delete", "/api/v1/business/logo", "Remove the logo", None, 204, ""),
    op(
        "get",
        "/api/v1/customers/{id}/statement",
        "The customer's account statement: documents, payments and the balance",
        None,
        200,
        "file:application/pdf",
    ),
    op(
        "get",
        "/api/v1/customers/{id}/peppol",
        "Whether the customer receives e-invoices over Peppol, as last checked (no network call)",
        None,
        200,
        "PeppolReachability",
    ),
    op(
        "post",
        "/api/v1/customers/{id}/peppol/check",
        "Ask the Peppol network now (SML, then the customer's SMP; an answer under a minute old is reused)",
        None,
        200,
        "PeppolReachability",
    ),
    op(
        "get",
        "/api/v1/bills/{id}/original",
        "The received file, byte for byte (XML or PDF)",
        None,
        200,
        "file:application/octet-stream",
    ),
    op("get", "/api/v1/bills/{id}/pdf", "The bill drawn as a readable PDF", None, 200, "file:application/pdf"),
    op(
        "get",
        "/api/v1/bills/export.csv",
        "The bookkeeper's CSV of the bills issued in a period",
        None,
        200,
        "file:text/csv",
    ),
    op(
        "get",
        "/api/v1/bills/export.zip",
        "The original files of a period's bills with the CSV, in one ZIP",
        None,
        200,
        "file:application/zip",
    ),
    op(
        "put",
        "/api/v1/business",
        "Replace the business profile (a field left out is empty); changing the bank account is the owner's (403)",
        Some("ProfileInput"),
        200,
        "BusinessProfile",
    ),
    op("get", "/api/v1/numbering", "The numbering series with the next number of each", None, 200, "NumberingList"),
    op(
        "put",
        "/api/v1/numbering",
        "Change one series' prefix, digits and yearly reset (owner scope); answers with every series",
        Some("SeriesInput"),
        200,
        "NumberingList",
    ),
    op(
        "post",
        "/api/v1/bank-entries/{id}/undo",
        "Undo a match (owner scope): the payment leaves the invoice and waits again",
        None,
        204,
        "",
    ),
    op(
        "delete",
        "/api/v1/invoices/{id}/payments/{payment_id}",
        "Remove a payment recorded by mistake (owner scope; card payments are refunded instead)",
        None,
        204,
        "",
    ),
    op(
        "get",
        "/api/v1/audit-events",
        "The business's activity log, newest first (owner scope)",
        None,
        200,
        "AuditEventList",
    ),
    op(
        "get",
        "/api/v1/reminder-schedule",
        "When customers are reminded of unpaid invoices",
        None,
        200,
        "ReminderSchedule",
    ),
    op(
        "put",
        "/api/v1/reminder-schedule",
        "Replace the reminder schedule (no rules: reminders off)",
        Some("ReminderScheduleInput"),
        200,
        "ReminderSchedule",
    ),
];

/// Their schemas, merged into the document's by `openapi::build`.
pub fn owner_schemas() -> Value {
    let string = json!({"type": "string"});
    let text = |description: &str| json!({"type": "string", "description": description});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let profile_fields = json!({
        "name": text("Legal name"), "address_line": string, "postal_code": string, "city": string,
        "country": text("ISO 3166-1 alpha-2"), "vat_number": string,
        "registration_id": text("National registration id; check digits verified for IS, SE, NO, DK, FI"),
        "iban": text("Changing it is the owner's: a token gets 403"), "bic": string,
        "default_currency": text("ISO 4217; empty: the country's"),
        "invoice_language": {"type": "string", "enum": ["en", "is", ""]},
        "payment_reference_scheme": text("A reference scheme code; empty: automatic"),
        "bankgiro": string, "fik_creditor": string, "contact_name": string, "contact_email": string, "contact_phone": string
    });
    let mut input_fields = profile_fields.clone();
    input_fields["payment_terms_days"] = json!({"type": "string", "pattern": "^[0-9]{1,3}$", "description": "Days to pay, 0 to 365, as text (the form's field)"});
    let mut profile = profile_fields;
    profile["payment_terms_days"] = json!({"type": "integer"});
    profile["peppol_id"] = text("As typed in Settings → E-invoicing; empty: derived");
    let rule = json!({"type": "object", "required": ["offset_days"], "additionalProperties": false, "properties": {
        "offset_days": {"type": "integer", "enum": [-3, 0, 7, 14], "description": "Days after the due date; negative: before"},
        "by_email": {"type": "boolean"}, "by_sms": {"type": "boolean"}}});
    json!({
        "SendInput": {"type": "object", "required": ["channels"], "additionalProperties": false, "properties": {
            "channels": {"type": "array", "items": {"type": "string", "enum": ["email", "sms", "peppol"]}},
            "recipient": text("The email address (channel email)"),
            "phone": text("E.164 phone number (channel sms)"),
            "attach_xml": {"type": "boolean", "description": "Attach the UBL and CII e-invoices to the email"}}},
        "Delivery": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "invoice_id": {"type": "string", "format": "uuid"},
            "channel": {"type": "string", "enum": ["email", "sms", "peppol"]},
            "kind": {"type": "string", "enum": ["send", "reminder", "recurring"]},
            "recipient": string, "attach_xml": {"type": "boolean"},
            "status": {"type": "string", "enum": ["queued", "sending", "sent", "delivered", "failed", "cancelled"]},
            "attempts": {"type": "integer"}, "error": {"type": ["string", "null"], "description": "Why the last attempt failed"},
            "created_at": {"type": "string", "format": "date-time"}, "sent_at": time, "delivered_at": time}},
        "DeliveryList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}}}},
        "CustomerLink": {"type": "object", "properties": {
            "url": text("The customer's page of the document: anyone holding it sees the document"),
            "view_count": {"type": "integer"}, "first_viewed_at": time}},
        "BusinessProfile": {"type": "object", "properties": profile},
        "ProfileInput": {"type": "object", "properties": input_fields, "additionalProperties": false},
        "NumberingSeries": {"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["invoice", "credit_note", "quote"]}, "prefix": string,
            "padding": {"type": "integer"}, "yearly_reset": {"type": "boolean"}, "last_number": {"type": "integer"},
            "next": text("The number the next document of the series gets this year")}},
        "NumberingList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/NumberingSeries"}}}},
        "RecurringInput": {"type": "object", "required": ["every_months"], "additionalProperties": false, "properties": {
            "every_months": {"type": "integer", "minimum": 1, "maximum": 24},
            "auto_send": {"type": "boolean", "description": "Issue and email each one on its date instead of leaving a draft"}}},
        "RecurringInvoice": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "source_invoice_id": {"type": "string", "format": "uuid"},
            "source_number": {"type": ["string", "null"]}, "customer_name": string,
            "every_months": {"type": "integer"}, "next_run_on": {"type": "string", "format": "date"}, "auto_send": {"type": "boolean"}}},
        "RecurringInvoiceList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/RecurringInvoice"}}}},
        "PeppolReachability": {"type": "object", "properties": {
            "participant": {"type": ["string", "null"], "description": "scheme:value, e.g. 0192:987654325; null when the customer has none"},
            "state": {"type": "string", "enum": ["no_participant", "not_checked", "registered", "not_registered", "refused", "unreachable"]},
            "document_types": {"type": "array", "items": {"type": "string", "enum": ["invoice", "credit_note"]}},
            "receives_invoices": {"type": "boolean"}, "receives_credit_notes": {"type": "boolean"},
            "reason": {"type": ["string", "null"]}, "checked_at": time}},
        "SeriesInput": {"type": "object", "required": ["kind", "padding"], "additionalProperties": false, "properties": {
            "kind": {"type": "string", "enum": ["invoice", "credit_note", "quote"]},
            "prefix": text("Up to 20 letters, digits and - / _ ."),
            "padding": {"type": "integer", "minimum": 1, "maximum": 10, "description": "Digits of the running number"},
            "yearly_reset": {"type": "boolean", "description": "Start again at 1 each year (the prefix then carries the year)"}}},
        "AuditEvent": {"type": "object", "properties": {
            "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
            "category": string, "action": string, "actor_kind": string, "actor": string, "target": string,
            "outcome": {"type": "string", "enum": ["success", "failure", "denied"]},
            "details": {"type": ["object", "null"], "description": "What the event records; never a secret"}}},
        "AuditEventList": {"type": "object", "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEvent"}},
            "next_before": {"type": ["integer", "null"], "description": "Pass as `before` for the next page"}}},
        "ReminderRule": rule,
        "ReminderSchedule": {"type": "object", "properties": {
            "rules": {"type": "array", "items": {"$ref": "#/components/schemas/ReminderRule"}, "description": "Empty: reminders are off"},
            "offered_offsets": {"type": "array", "items": {"type": "integer"}},
            "sms_available": {"type": "boolean"}}},
        "ReminderScheduleInput": {"type": "object", "required": ["rules"], "additionalProperties": false, "properties": {
            "rules": {"type": "array", "items": {"$ref": "#/components/schemas/ReminderRule"}}}}
    })
}
