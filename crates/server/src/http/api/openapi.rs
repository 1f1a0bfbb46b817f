//! The OpenAPI 3.1 document at `/api/v1/openapi.json`, built from the route table
//! below and `openapi_owner.rs`'s. An integration test calls every operation listed
//! there, so the tables cannot drift from the router unnoticed.

use axum::Json;
use serde_json::{Value, json};

/// One documented API operation.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub status: u16,
    pub response: &'static str,
}

pub(super) const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    status: u16,
    response: &'static str,
) -> Operation {
    Operation { method, path, summary, request, status, response }
}

pub const OPERATIONS: &[Operation] = &[
    op("get", "/api/v1/products", "List catalogue items (search with `q`)", None, 200, "ProductList"),
    op("post", "/api/v1/products", "Create a catalogue item", Some("ProductInput"), 201, "Product"),
    op("get", "/api/v1/products/{id}", "Read a catalogue item", None, 200, "Product"),
    op("put", "/api/v1/products/{id}", "Replace a catalogue item", Some("ProductInput"), 200, "Product"),
    op(
        "get",
        "/api/v1/customers",
        "List customers (search with `q`, page with `limit` and `offset`)",
        None,
        200,
        "CustomerList",
    ),
    op("post", "/api/v1/customers", "Create a customer", Some("CustomerInput"), 201, "Customer"),
    op("get", "/api/v1/customers/{id}", "Read a customer", None, 200, "Customer"),
    op("put", "/api/v1/customers/{id}", "Replace a customer's details", Some("CustomerInput"), 200, "Customer"),
    op(
        "get",
        "/api/v1/invoices",
        "List invoices and credit notes (filter by `status`, `customer_id`; page with `cursor`)",
        None,
        200,
        "InvoiceList",
    ),
    op("post", "/api/v1/invoices", "Create a draft invoice", Some("DraftInput"), 201, "Invoice"),
    op("get", "/api/v1/invoices/{id}", "Read an invoice or credit note", None, 200, "Invoice"),
    op(
        "put",
        "/api/v1/invoices/{id}",
        "Update a draft (send the `version` you read)",
        Some("DraftUpdate"),
        200,
        "Invoice",
    ),
    op(
        "post",
        "/api/v1/invoices/{id}/issue",
        "Issue a draft: it gets the next number of its series",
        None,
        200,
        "Invoice",
    ),
    op(
        "post",
        "/api/v1/invoices/{id}/payments",
        "Record a manual payment (overpayment is refused)",
        Some("PaymentInput"),
        201,
        "Invoice",
    ),
    op(
        "post",
        "/api/v1/invoices/{id}/credit-notes",
        "Start a draft credit note with the invoice's lines",
        None,
        201,
        "Invoice",
    ),
    op("post", "/api/v1/invoices/{id}/convert", "Turn an issued quote into a draft invoice", None, 201, "Invoice"),
    op(
        "get",
        "/api/v1/invoices/{id}/pdf",
        "The issued document as PDF/A-3 with its Factur-X XML embedded",
        None,
        200,
        "file:application/pdf",
    ),
    op(
        "get",
        "/api/v1/invoices/{id}/ubl",
        "The issued document as UBL 2.1 (Peppol BIS Billing 3.0)",
        None,
        200,
        "file:application/xml",
    ),
    op(
        "get",
        "/api/v1/invoices/{id}/cii",
        "The issued document as UN/CEFACT CII D16B (EN 16931)",
        None,
        200,
        "file:application/xml",
    ),
    op(
        "post",
        "/api/v1/bank-statements",
        "Import a bank file (the body is the file: camt.053/054/052 XML or BgMax; name it with `X-File-Name`). Payments whose reference names an open invoice are recorded on it; the rest wait. All or nothing; a payment imported before is skipped",
        Some("file:application/xml"),
        201,
        "BankImport",
    ),
    op(
        "get",
        "/api/v1/bank-entries",
        "Payments from bank files: `state` unmatched (default) or matched",
        None,
        200,
        "BankEntryList",
    ),
    op(
        "post",
        "/api/v1/received-documents",
        "Receive an e-invoice (the body is the file: UBL, CII or XRechnung XML, or a Factur-X/ZUGFeRD PDF, up to 50 MB; name it with `X-File-Name`). It is validated, kept byte for byte and becomes a bill; the same bytes again record nothing (200). Refused with the reason (422) when it is not an e-invoice or is addressed to another business",
        Some("file:application/xml"),
        201,
        "ReceivedDocument",
    ),
    op(
        "get",
        "/api/v1/bills",
        "Bills from received e-invoices, by due date: `state` to_pay, scheduled or paid (all when absent)",
        None,
        200,
        "BillList",
    ),
    op("get", "/api/v1/bills/{id}", "One bill, with its document's validation findings", None, 200, "Bill"),
    op("post", "/api/v1/bills/{id}/paid", "Record that the bill was paid", None, 204, ""),
    op(
        "post",
        "/api/v1/bills/{id}/schedule",
        "Schedule the bill's payment for a day (today or later)",
        Some("BillScheduleInput"),
        204,
        "",
    ),
    op("post", "/api/v1/bills/{id}/reopen", "A scheduled or paid bill is to be paid again", None, 204, ""),
    op(
        "post",
        "/api/v1/bank-entries/{id}/match",
        "Record a waiting payment on an invoice (by `invoice_id` or `number`)",
        Some("BankMatchInput"),
        204,
        "",
    ),
    // Outbound webhooks (http/api/webhooks.rs).
    op("get", "/api/v1/webhook-endpoints", "The business's webhook endpoints", None, 200, "WebhookEndpointList"),
    op(
        "post",
        "/api/v1/webhook-endpoints",
        "Register a webhook endpoint; the answer holds its signing secret, shown this once",
        Some("WebhookEndpointInput"),
        201,
        "WebhookEndpoint",
    ),
    op("get", "/api/v1/webhook-endpoints/{id}", "One webhook endpoint", None, 200, "WebhookEndpoint"),
    op(
        "put",
        "/api/v1/webhook-endpoints/{id}",
        "Change an endpoint's URL, description, events, and whether it is on",
        Some("WebhookEndpointInput"),
        200,
        "WebhookEndpoint",
    ),
    op("delete", "/api/v1/webhook-endpoints/{id}", "Delete an endpoint and its delivery log", None, 204, ""),
    op(
        "post",
        "/api/v1/webhook-endpoints/{id}/rotate-secret",
        "A new signing secret (shown this once); the old one keeps signing beside it for 24 hours",
        None,
        200,
        "WebhookSecret",
    ),
    op(
        "get",
        "/api/v1/webhook-endpoints/{id}/deliveries",
        "The endpoint's newest 100 deliveries, with each one's last attempt",
        None,
        200,
        "WebhookDeliveryList",
    ),
    op(
        "post",
        "/api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver",
        "Send a delivery again now (same message id, a fresh retry schedule)",
        None,
        202,
        "",
    ),
];

fn decimal() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "An exact decimal, as a string"})
}

fn schemas() -> Value {
    let string = json!({"type": "string"});
    let line = json!({
        "type": "object",
        "required": ["description", "quantity", "unit_price"],
        "properties": {
            "description": string, "quantity": decimal(), "unit": string, "unit_price": decimal(),
            "discount_percent": decimal(), "vat_category": {"type": "string", "enum": ["S", "Z", "E", "AE", "K", "G", "O"]},
            "vat_rate": decimal(), "exemption_reason": string
        },
        "additionalProperties": false
    });
    let customer_fields = json!({
        "kind": {"type": "string", "enum": ["business", "person"]}, "name": string, "email": string,
        "phone": {"type": "string", "description": "E.164, e.g. +3545551234"}, "vat_number": string,
        "registration_id": {"type": "string", "description": "National registration id (kennitala, organisationsnummer, CVR, Y-tunnus); check digits are verified for IS, SE, NO, DK and FI"},
        "peppol_id": {"type": "string", "description": "Peppol participant id, scheme:id such as 0192:987654325 (checked against the Peppol code list and the scheme's check digits); empty: derived from the registration or VAT id"},
        "address_line": string, "postal_code": string, "city": string,
        "country": {"type": "string", "description": "ISO 3166-1 alpha-2"}, "language": {"type": "string", "enum": ["en", "is", ""], "description": "Empty or left out: from the country (is for IS, else en)"},
        "currency": {"type": "string", "description": "ISO 4217; empty or left out: the country's currency"}
    });
    let mut customer = customer_fields.clone();
    customer["id"] = json!({"type": "string", "format": "uuid"});
    customer["archived"] = json!({"type": "boolean"});
    customer["peppol_participant"] = json!({"type": ["string", "null"], "description": "The participant id documents use: the typed one, else derived"});
    let draft_input = json!({
        "type": "object",
        "properties": {
            "customer_id": {"type": "string", "format": "uuid"}, "currency": string,
            "price_entry": {"type": "string", "enum": ["net", "gross"]}, "discount_percent": decimal(), "note": string,
            "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
            "version": {"type": "integer", "description": "Required on update"},
            "kind": {"type": "string", "enum": ["invoice", "quote"], "description": "On create; default invoice"},
            "issue_date": {"type": "string", "description": "YYYY-MM-DD or empty (the day it is issued); not in the future nor before the newest issued document of its series"},
            "due_date": {"type": "string", "description": "YYYY-MM-DD or empty (from the payment terms; a quote's valid-until date)"},
            "delivery_date": {"type": "string", "description": "BT-72, YYYY-MM-DD or empty"},
            "period_start": {"type": "string", "description": "BT-73, YYYY-MM-DD or empty; with period_end"},
            "period_end": {"type": "string", "description": "BT-74, YYYY-MM-DD or empty; with period_start"},
            "buyer_reference": {"type": "string", "maxLength": 200, "description": "BT-10, e.g. a Leitweg-ID"},
            "order_reference": {"type": "string", "maxLength": 200, "description": "BT-13, the buyer's purchase order number"}
        },
        "additionalProperties": false
    });
    // An update is a draft input whose `version` is required (optimistic locking).
    let mut draft_update = draft_input.clone();
    draft_update["required"] = json!(["version"]);
    json!({
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details",
            "properties": {
                "type": string, "title": string, "status": {"type": "integer"}, "detail": string,
                "errors": {"type": "array", "items": {"type": "object", "properties": {"field": string, "message": string}}}
            }
        },
        "CustomerInput": {"type": "object", "required": ["kind", "name", "country"], "properties": customer_fields, "additionalProperties": false},
        "Customer": {"type": "object", "properties": customer},
        "CustomerList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Customer"}}}},
        "ProductInput": {"type": "object", "required": ["name", "unit_price", "vat_category"], "properties": {
            "name": string, "unit": string, "unit_price": decimal(), "vat_category": string, "vat_rate": decimal()}},
        "Product": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
            "name": string, "unit": string, "unit_price": decimal(), "vat_category": string, "vat_rate": decimal()}},
        "ProductList": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}}}},
        "Line": line,
        "DraftInput": draft_input,
        "DraftUpdate": draft_update,
        "PaymentInput": {
            "type": "object", "required": ["paid_on", "amount"],
            "properties": {"paid_on": {"type": "string", "format": "date"}, "amount": decimal(),
                "method": {"type": "string", "enum": ["bank_transfer", "cash", "card", "other"]}, "reference": string},
            "additionalProperties": false
        },
        "Invoice": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"}, "kind": {"type": "string", "enum": ["invoice", "credit_note", "quote"]},
                "status": {"type": "string", "enum": ["draft", "issued"]}, "number": {"type": ["string", "null"]},
                "customer_id": {"type": "string", "format": "uuid"}, "currency": string, "price_entry": string,
                "discount_percent": decimal(), "note": string,
                "issue_date": {"type": ["string", "null"], "format": "date"}, "due_date": {"type": ["string", "null"], "format": "date"},
                "credited_invoice_id": {"type": ["string", "null"], "format": "uuid"}, "voided": {"type": "boolean"},
                "delivery_date": {"type": ["string", "null"], "format": "date"},
                "period_start": {"type": ["string", "null"], "format": "date"}, "period_end": {"type": ["string", "null"], "format": "date"},
                "buyer_reference": string, "order_reference": string,
                "seller": {"type": ["object", "null"], "description": "As the document was issued"},
                "buyer": {"type": ["object", "null"], "description": "As the document was issued"},
                "payment_reference": {"type": ["string", "null"], "description": "BT-83: the reference an issued invoice is paid with (KID, OCR, viitenumero, FI payment id, RF or the number, by the business's scheme)"},
                "payment": {"type": ["object", "null"], "description": "How to pay, as the document was issued: iban, bic, reference and the domestic details (country no/se/fi/dk/is with the kontonummer, Bankgiro, virtual barcode, FI payment line or Icelandic account)", "properties": {
                    "iban": {"type": ["string", "null"]}, "bic": {"type": ["string", "null"]}, "reference": {"type": ["string", "null"]},
                    "domestic": {"type": ["object", "null"]}}},
                "credit_note_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
                "quote_decision": {"oneOf": [{"type": "string", "enum": ["accepted", "declined"]}, {"type": "null"}]},
                "converted_invoice_id": {"type": ["string", "null"], "format": "uuid"},
                "version": {"type": "integer"}, "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                "totals": {"type": ["object", "null"], "properties": {
                    "line_total": decimal(), "allowance_total": decimal(), "tax_exclusive": decimal(), "vat_total": decimal(),
                    "rounding": decimal(), "payable": decimal(),
                    "vat_breakdown": {"type": "array", "items": {"type": "object", "properties": {
                        "category": string, "rate": decimal(), "taxable": decimal(), "vat": decimal(), "exemption_reason": string}}}
                }},
                "paid": decimal(), "open": {"oneOf": [decimal(), {"type": "null"}]},
                "payments": {"type": "array", "description": "Payments recorded on it, oldest first", "items": {"type": "object", "properties": {
                    "id": {"type": "string", "format": "uuid"}, "paid_on": {"type": "string", "format": "date"},
                    "amount": decimal(), "refunded": decimal(), "method": string, "reference": string}}}
            }
        },
        "BankImport": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "format": {"type": "string", "enum": ["camt.053", "camt.054", "camt.052", "bgmax"]},
            "payments": {"type": "integer", "description": "New payments in the file"},
            "matched": {"type": "integer", "description": "Of those, recorded on their invoice"},
            "duplicates": {"type": "integer", "description": "Payments imported before, skipped"}}},
        "BankEntry": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "state": {"type": "string", "enum": ["unmatched", "matched", "dismissed"]},
            "booked_on": {"type": "string", "format": "date"}, "amount": decimal(), "currency": string,
            "reference": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]}, "payer": {"type": ["string", "null"]},
            "reason": {"type": ["string", "null"], "enum": ["no_reference", "unknown_reference", "ambiguous", "already_paid", "currency", "not_payable", null]},
            "invoice_id": {"type": ["string", "null"], "format": "uuid"},
            "applied": {"oneOf": [decimal(), {"type": "null"}], "description": "What was recorded on the invoice; less than amount for an overpayment"},
            "matched_automatically": {"type": ["boolean", "null"]}, "matched_at": {"type": ["string", "null"], "format": "date-time"}}},
        "BankEntryList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/BankEntry"}}}},
        "ReceivedDocument": {"type": "object", "properties": {
            "document_id": {"type": "string", "format": "uuid"},
            "bill_id": {"type": ["string", "null"], "format": "uuid", "description": "None when required information is missing: the document is kept, invalid"},
            "already_received": {"type": "boolean"},
            "duplicate_of": {"type": ["string", "null"], "format": "uuid", "description": "An earlier bill with the same supplier and number"},
            "status": {"type": "string", "enum": ["valid", "invalid"]}}},
        "Bill": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "received_document_id": {"type": "string", "format": "uuid"},
            "document_status": {"type": "string", "enum": ["valid", "invalid"]},
            "document_format": {"type": "string", "enum": ["ubl", "cii", "facturx_pdf"]}, "credit_note": {"type": "boolean"},
            "supplier": {"type": "object", "properties": {"name": string, "vat_id": {"type": ["string", "null"]},
                "registration_id": {"type": ["string", "null"]}, "participant_id": {"type": ["string", "null"]}}},
            "number": string, "issue_date": {"type": "string", "format": "date"}, "due_date": {"type": ["string", "null"], "format": "date"},
            "currency": string, "net": decimal(), "vat": decimal(), "total": decimal(), "payable": decimal(),
            "vat_breakdown": {"type": "array", "items": {"type": "object"}},
            "payment_reference": {"type": ["string", "null"]}, "iban": {"type": ["string", "null"]}, "bic": {"type": ["string", "null"]},
            "state": {"type": "string", "enum": ["to_pay", "scheduled", "paid"]},
            "scheduled_for": {"type": ["string", "null"], "format": "date"}, "paid_at": {"type": ["string", "null"], "format": "date-time"},
            "duplicate_of": {"type": ["string", "null"], "format": "uuid"}, "received_at": {"type": "string", "format": "date-time"},
            "findings": {"type": "array", "items": {"type": "object", "properties": {
                "severity": {"type": "string", "enum": ["fatal", "warning"]}, "rule": {"type": ["string", "null"]}, "message": string}}}}},
        "BillList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Bill"}}}},
        "BillScheduleInput": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}}, "required": ["date"], "additionalProperties": false},
        "BankMatchInput": {"type": "object", "properties": {
            "invoice_id": {"type": ["string", "null"], "format": "uuid"},
            "number": {"type": "string", "description": "The invoice number, when no invoice_id is given"}},
            "additionalProperties": false},
        "InvoiceSummary": {"type": "object", "description": "An invoice as listed; read it by id for lines and VAT breakdown", "properties": {
            "id": {"type": "string", "format": "uuid"}, "kind": string, "status": string, "number": {"type": ["string", "null"]},
            "customer_id": {"type": "string", "format": "uuid"}, "currency": string,
            "issue_date": {"type": ["string", "null"], "format": "date"}, "due_date": {"type": ["string", "null"], "format": "date"},
            "payable": {"oneOf": [decimal(), {"type": "null"}]}, "paid": decimal(), "open": {"oneOf": [decimal(), {"type": "null"}]},
            "voided": {"type": "boolean"}
        }},
        "InvoiceList": {"type": "object", "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/InvoiceSummary"}},
            "next_cursor": {"type": ["string", "null"]}
        }}
    })
}

/// The query parameters of the list operations, so clients (and schemathesis) know them.
fn query_parameters(method: &str, path: &str) -> Option<Value> {
    let param = |name: &str, schema: Value, description: &str| json!({"name": name, "in": "query", "required": false, "schema": schema, "description": description});
    let q = param("q", json!({"type": "string"}), "Search text");
    let limit = param("limit", json!({"type": "integer"}), "Page size, clamped to 1..200 (default 50)");
    // As the page's date fields: a date, or empty for "no limit".
    let date_or_empty = json!({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]});
    match (method, path) {
        ("get", "/api/v1/products" | "/api/v1/customers") => {
            Some(json!([q, limit, param("offset", json!({"type": "integer"}), "Rows to skip (negative counts as 0)")]))
        }
        ("get", "/api/v1/bills") => Some(json!([param(
            "state",
            json!({"type": "string", "enum": ["to_pay", "scheduled", "paid"]}),
            "Only bills in this state"
        )])),
        ("get", "/api/v1/bank-entries") => Some(json!([param(
            "state",
            json!({"type": "string", "enum": ["unmatched", "matched"]}),
            "Waiting payments (the default) or those recorded on invoices"
        )])),
        ("get", "/api/v1/invoices") => Some(json!([
            param(
                "status",
                json!({"type": "string", "enum": ["draft", "issued"]}),
                "Only drafts or only issued documents"
            ),
            param("customer_id", json!({"type": "string", "format": "uuid"}), "Only this customer's documents"),
            limit,
            param("cursor", json!({"type": "string"}), "The `next_cursor` of the previous page")
        ])),
        ("get", "/api/v1/bills/export.csv" | "/api/v1/bills/export.zip") => Some(json!([
            param("from", date_or_empty.clone(), "First issue date included (empty: open)"),
            param("to", date_or_empty, "Last issue date included (empty: open)")
        ])),
        ("get", "/api/v1/audit-events") => Some(json!([
            param("category", json!({"type": "string"}), "Only this category (access, security, money, ...)"),
            param("before", json!({"type": "integer"}), "The `next_before` of the previous page"),
            param("limit", json!({"type": "integer"}), "Page size, clamped to 1..200 (default 50)")
        ])),
        ("get", "/api/v1/bills/{id}/pdf") => {
            Some(json!([param("lang", json!({"type": "string", "enum": ["en", "is"]}), "The headings' language")]))
        }
        _ => None,
    }
}

/// A stable name for each operation, from its method and path, which generated
/// clients use as the function's name: `post /api/v1/invoices/{id}/send` is
/// `post_invoices_id_send`.
pub fn operation_id(method: &str, path: &str) -> String {
    let words = path.trim_start_matches("/api/v1/").split('/').map(|w| w.trim_matches(['{', '}']).replace('-', "_"));
    std::iter::once(method.to_owned()).chain(words).collect::<Vec<_>>().join("_")
}

pub fn build() -> Value {
    let problem = |description: &str| json!({"description": description, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
    let mut paths = serde_json::Map::new();
    for Operation { method, path, summary, request, status, response } in operations() {
        let mut operation = json!({
            "operationId": operation_id(method, path),
            "summary": summary,
            "security": [{"bearer": []}],
            "responses": {
                status.to_string(): match response.strip_prefix("file:") {
                    _ if response.is_empty() => json!({"description": "Done"}),
                    Some(media_type) => json!({"description": "The file", "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}),
                    None => json!({"description": "Success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{response}")}}}}),
                },
                "400": problem("The body is not JSON of this shape, the query string or Idempotency-Key is malformed"),
                "401": problem("Missing, unknown or revoked token"),
                "403": problem("The token lacks the write scope (or the owner scope, where the summary says so)"),
                "404": problem("Not found (or another business's)"),
                "409": problem("Conflicts with the current state (issued, changed meanwhile)"),
                "422": problem("Invalid fields; see errors")
            }
        });
        if path.ends_with("/send") {
            operation["responses"]["429"] =
                problem("The business's sending quota is used up for now; retry after `Retry-After`");
        }
        if path.contains("{id}") {
            operation["parameters"] =
                json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}]);
        }
        for second in ["delivery_id", "payment_id"] {
            if path.contains(&format!("{{{second}}}")) {
                operation["parameters"].as_array_mut().expect("an {id} path").push(
                    json!({"name": second, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}),
                );
            }
        }
        if let Some(Value::Array(query)) = query_parameters(method, path) {
            let mut params = operation["parameters"].as_array().cloned().unwrap_or_default();
            params.extend(query);
            operation["parameters"] = Value::Array(params);
        }
        if *method == "post" {
            let params = operation["parameters"].as_array().cloned().unwrap_or_default();
            let mut params = params;
            params.push(json!({"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Retrying with the same key and body returns the first response"}));
            operation["parameters"] = Value::Array(params);
        }
        if let Some(media_type) = request.and_then(|r| r.strip_prefix("file:")) {
            let file = json!({"schema": {"type": "string", "format": "binary"}});
            // Any content type is read as the file; octet-stream is the one generated
            // clients can send.
            operation["requestBody"] = json!({"required": true, "content": {
                media_type: file.clone(), "text/plain": file.clone(), "application/octet-stream": file}});
        } else if let Some(schema) = request {
            operation["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "FastFaktura API", "version": "1", "description": "Invoicing for freelancers and small businesses. Amounts are exact decimal strings."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "webhooks": super::openapi_webhooks::events(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (fft_...) from Settings → API tokens"}},
            "schemas": all_schemas()
        }
    })
}

/// Every documented operation: the table above and the owner's operations of issue 23
/// (`openapi_owner.rs`).
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().chain(super::openapi_owner::OWNER_OPERATIONS)
}

/// `schemas()` with the owner's (`openapi_owner.rs`) and the webhooks' merged in.
fn all_schemas() -> Value {
    let mut all = schemas();
    for more in [super::openapi_owner::owner_schemas(), super::openapi_webhooks::schemas()] {
        if let (Some(all), Value::Object(more)) = (all.as_object_mut(), more) {
            all.extend(more);
        }
    }
    all
}

pub async fn document() -> Json<Value> {
    Json(build())
}
