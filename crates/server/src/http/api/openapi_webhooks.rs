//! The webhook part of the OpenAPI document: the endpoint management schemas, and the
//! top-level `webhooks` object (OpenAPI 3.1) that describes every event we post, with
//! the Standard Webhooks headers, so a client generator knows the payloads too.

use fastfaktura_domain::webhooks::EventType;
use serde_json::{Value, json};

fn event_names() -> Vec<&'static str> {
    EventType::ALL.iter().map(|e| e.as_str()).collect()
}

pub fn schemas() -> Value {
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    json!({
        "WebhookEndpointInput": {"type": "object", "required": ["url", "events"], "additionalProperties": false, "properties": {
            "url": {"type": "string", "description": "https URL that receives the events; it may not point into a private network"},
            "description": {"type": "string", "maxLength": 200},
            "events": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": event_names()}},
            "enabled": {"type": ["boolean", "null"], "description": "Turn the endpoint on or off; left out, it keeps its state"}}},
        "WebhookEndpoint": {"type": "object", "required": ["id", "url", "events", "enabled", "created_at"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "url": {"type": "string"}, "description": {"type": "string"},
            "events": {"type": "array", "items": {"type": "string", "enum": event_names()}},
            "enabled": {"type": "boolean"}, "disabled_reason": {"type": ["string", "null"]}, "disabled_at": time,
            "failing_since": time, "previous_secret_valid_until": time,
            "created_at": {"type": "string", "format": "date-time"},
            "secret": {"type": "string", "description": "whsec_...: only in the answer that created the endpoint"}}},
        "WebhookEndpointList": {"type": "object", "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEndpoint"}}}},
        "WebhookSecret": {"type": "object", "required": ["secret"], "properties": {
            "secret": {"type": "string"}, "previous_secret_valid_until": time}},
        "WebhookDelivery": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "message_id": {"type": "string"},
            "event_type": {"type": "string", "enum": event_names()}, "object_id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": ["pending", "sending", "delivered", "failed"]},
            "attempts": {"type": "integer"}, "next_attempt_at": time, "last_attempt_at": time,
            "response_status": {"type": ["integer", "null"]}, "error": {"type": ["string", "null"]},
            "duration_ms": {"type": ["integer", "null"]}, "delivered_at": time,
            "created_at": {"type": "string", "format": "date-time"}}},
        "WebhookDeliveryList": {"type": "object", "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}}}},
        "WebhookEvent": {"type": "object", "required": ["type", "timestamp", "data"], "properties": {
            "type": {"type": "string", "enum": event_names()},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": {"type": "object", "description": "The object the event is about, with `object` naming its kind (invoice, credit_note, quote, bill, bank_payment), `id` and `business_id`; amounts are decimal strings"}}}
    })
}

/// One entry per event type under the document's `webhooks`.
pub fn events() -> Value {
    let header = |name: &str, description: &str| json!({"name": name, "in": "header", "required": true, "schema": {"type": "string"}, "description": description});
    let mut events = serde_json::Map::new();
    for event in EventType::ALL {
        events.insert(event.as_str().to_owned(), json!({"post": {
            "summary": format!("`{}`, signed as Standard Webhooks describes", event.as_str()),
            "parameters": [
                header("webhook-id", "The message id: the same on every attempt, so a receiver can drop repeats"),
                header("webhook-timestamp", "Unix seconds when this attempt was signed"),
                header("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>; several, separated by spaces, while a rotated secret overlaps")],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEvent"}}}},
            "responses": {"200": {"description": "Any 2xx: received. Anything else, or no answer in 10 s, is retried for three days"}}
        }}));
    }
    Value::Object(events)
}
