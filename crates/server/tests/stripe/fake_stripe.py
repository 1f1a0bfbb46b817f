#!/usr/bin/env python3
"""A fake Stripe API on loopback for FastFaktura's tests (and the browser suite).

It speaks Stripe's documented wire format for the calls FastFaktura makes:
form-encoded requests with bracketed keys, Bearer (or Basic) authentication with a
secret key, `Idempotency-Key` replay (and the 400 idempotency_error when a key is
reused with other parameters), JSON objects with `object` fields, and JSON errors
`{"error": {"type", "code", "message"}}` with Stripe's status codes. Webhooks are
signed with the official `stripe` library's own signing code, so FastFaktura's
verification is checked against Stripe's implementation, not against itself.

State is kept per secret key, so each test works in its own "account". Keys that
look like `sk_test_revoked...` are refused with 401 as Stripe refuses a revoked key.

Test control (not part of Stripe's API), authenticated with the same key:
  POST /_test/webhook_endpoint            url, secret           where events go
  POST /_test/checkout/sessions/{id}/pay  deliver=1|0, order=normal|reverse
  POST /_test/payment_intents/{id}/refund amount, deliver=1|0
  POST /_test/events/{id}/deliver         deliver an event again; returns our status
  GET  /_test/requests                    the API requests seen (method, path, key)
  POST /_test/fail_next                   status: the next API call answers with it
  POST /_test/lose_next                   the next API call is done, its answer lost
  GET  /_test/sessions                    the Checkout Sessions created
A browser can pay at the session's `url` (GET shows a page, POST pays and redirects
to the success URL), as on Stripe's hosted Checkout.

Prints one JSON line {"api_base": ...} on stdout when listening; stops when stdin
closes (the test process ended).
"""

import base64
import html
import json
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import stripe

stripe.enable_telemetry = False

ZERO_DECIMAL = {"jpy", "krw", "bif", "clp", "djf", "gnf", "kmf", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
KEY_FORMAT = re.compile(r"^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$")

lock = threading.Lock()
accounts = {}


def account(key):
    with lock:
        return accounts.setdefault(
            key,
            {
                "sessions": {},
                "intents": {},
                "charges": {},
                "events": {},
                "idempotency": {},
                "requests": [],
                "webhook": None,
                "fail_next": None,
                "lose_next": False,
            },
        )


def new_id(prefix):
    return f"{prefix}_test_{secrets.token_hex(12)}"


def parse_form(body):
    """Stripe's bracketed form keys into nested dicts (lists as dicts keyed "0", "1")."""
    result = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


def error(status, kind, message, code=None, param=None):
    detail = {"type": kind, "message": message}
    if code:
        detail["code"] = code
    if param:
        detail["param"] = param
    return status, {"error": detail}


def deliver(acct, event):
    """POSTs a signed event to the account's endpoint; returns the status code."""
    hook = acct["webhook"]
    if not hook:
        return None
    payload = json.dumps(event, separators=(",", ":"))
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", hook["secret"])
    request = urllib.request.Request(
        hook["url"],
        data=payload.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": f"t={timestamp},v1={signature}",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def make_event(acct, kind, obj):
    event = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": "2025-10-29.clover",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": kind,
        "data": {"object": json.loads(json.dumps(obj))},
    }
    acct["events"][event["id"]] = event
    return event


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # -- plumbing ---------------------------------------------------------------

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def key(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[7:]
        if auth.startswith("Basic "):
            try:
                return base64.b64decode(auth[6:]).decode().split(":")[0]
            except Exception:
                return ""
        return ""

    def send(self, status, payload, headers=None, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", "req_" + secrets.token_hex(7))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def authenticate(self):
        key = self.key()
        if not key:
            self.send(*error(401, "invalid_request_error", "You did not provide an API key."))
            return None
        if not KEY_FORMAT.match(key) or key.startswith(("sk_test_revoked", "rk_test_revoked")):
            masked = key[:8] + "*" * 8 + key[-4:] if len(key) > 12 else "****"
            self.send(*error(401, "invalid_request_error", f"Invalid API Key provided: {masked}"))
            return None
        return account(key)

    def route(self, method):
        path = urllib.parse.urlsplit(self.path)
        query = parse_form(path.query)
        if path.path.startswith("/c/pay/"):
            return self.hosted_checkout(method, path.path[len("/c/pay/"):])
        acct = self.authenticate()
        if acct is None:
            return
        body = parse_form(self.body()) if method == "POST" else {}
        if path.path.startswith("/_test/"):
            return self.control(method, path.path, body, acct)
        acct["requests"].append(
            {"method": method, "path": path.path, "idempotency_key": self.headers.get("Idempotency-Key")}
        )
        if acct["fail_next"]:
            status, acct["fail_next"] = acct["fail_next"], None
            return self.send(*error(status, "api_error", "Something went wrong on Stripe's end."))
        idem = self.headers.get("Idempotency-Key") if method == "POST" else None
        if idem:
            with lock:
                seen = acct["idempotency"].get(idem)
            if seen:
                if seen["params"] != body or seen["path"] != path.path:
                    return self.send(
                        *error(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                        )
                    )
                return self.send(seen["status"], seen["response"], {"Idempotent-Replayed": "true", "Idempotency-Key": idem})
        status, response = self.api(method, path.path, query, body, acct)
        if idem and status < 500:
            with lock:
                acct["idempotency"][idem] = {"params": body, "path": path.path, "status": status, "response": response}
        if acct["lose_next"]:
            # Done, but the answer never reaches the caller (as in a timeout).
            acct["lose_next"] = False
            return self.send(*error(500, "api_error", "The response was lost."))
        self.send(status, response, {"Idempotency-Key": idem} if idem else None)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    # -- Stripe's API -----------------------------------------------------------

    def api(self, method, path, query, body, acct):
        if method == "GET" and path == "/v1/balance":
            return 200, {"object": "balance", "livemode": False, "available": [{"amount": 0, "currency": "eur"}], "pending": []}
        if method == "POST" and path == "/v1/checkout/sessions":
            return self.create_session(body, acct)
        match = re.fullmatch(r"/v1/checkout/sessions/([A-Za-z0-9_]+)", path)
        if method == "GET" and match:
            session = acct["sessions"].get(match.group(1))
            if not session:
                return error(404, "invalid_request_error", f"No such checkout.session: '{match.group(1)}'", "resource_missing", "id")
            return 200, session
        match = re.fullmatch(r"/v1/payment_intents/([A-Za-z0-9_]+)", path)
        if method == "GET" and match:
            intent = acct["intents"].get(match.group(1))
            if not intent:
                return error(404, "invalid_request_error", f"No such payment_intent: '{match.group(1)}'", "resource_missing", "id")
            return 200, intent
        return error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def create_session(self, body, acct):
        if body.get("mode") != "payment":
            return error(400, "invalid_request_error", "Missing required param: mode.", "parameter_missing", "mode")
        if not body.get("success_url"):
            return error(400, "invalid_request_error", "Missing required param: success_url.", "parameter_missing", "success_url")
        items = body.get("line_items", {})
        if not items:
            return error(400, "invalid_request_error", "Missing required param: line_items.", "parameter_missing", "line_items")
        total = 0
        currency = None
        for index, item in items.items():
            price = item.get("price_data", {})
            currency = price.get("currency", "")
            if not re.fullmatch(r"[a-z]{3}", currency):
                return error(400, "invalid_request_error", "Invalid currency.", "invalid_currency", f"line_items[{index}][price_data][currency]")
            try:
                amount = int(price.get("unit_amount", ""))
                quantity = int(item.get("quantity", "1"))
            except ValueError:
                return error(400, "invalid_request_error", "Invalid integer.", "parameter_invalid_integer", f"line_items[{index}][price_data][unit_amount]")
            if amount < 1:
                return error(400, "invalid_request_error", "Amount must be at least 1.", "amount_too_small")
            if currency == "isk" and amount % 100:
                return error(
                    400,
                    "invalid_request_error",
                    "Invalid amount. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100.",
                    "invalid_charge_amount_no_decimal_compatible",
                )
            if not price.get("product_data", {}).get("name"):
                return error(400, "invalid_request_error", "Missing required param: product_data[name].", "parameter_missing")
            total += amount * quantity
        session_id = new_id("cs")
        host = self.headers.get("Host")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": total,
            "currency": currency,
            "client_reference_id": body.get("client_reference_id"),
            "customer_email": body.get("customer_email"),
            "created": int(time.time()),
            "expires_at": int(time.time()) + 24 * 3600,
            "livemode": False,
            "locale": body.get("locale"),
            "metadata": body.get("metadata", {}),
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": body["success_url"],
            "cancel_url": body.get("cancel_url"),
            "url": f"http://{host}/c/pay/{session_id}",
            "_intent_metadata": body.get("payment_intent_data", {}).get("metadata", {}),
        }
        acct["sessions"][session_id] = session
        return 200, public(session)

    # -- paying, as the customer would on Stripe's page --------------------------

    def pay(self, acct, session, deliver_now=True, order="normal"):
        if session["status"] != "open":
            return None
        intent = {
            "id": new_id("pi"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": session["amount_total"],
            "currency": session["currency"],
            "metadata": session["_intent_metadata"],
            "status": "succeeded",
            "latest_charge": None,
            "created": int(time.time()),
        }
        charge = {
            "id": new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "paid": True,
            "refunded": False,
            "metadata": {},
        }
        intent["latest_charge"] = charge["id"]
        acct["intents"][intent["id"]] = intent
        acct["charges"][charge["id"]] = charge
        session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
        events = [
            make_event(acct, "payment_intent.succeeded", intent),
            make_event(acct, "checkout.session.completed", public(session)),
        ]
        if order == "reverse":
            events.reverse()
        statuses = [deliver(acct, e) for e in events] if deliver_now else []
        return {"payment_intent": intent["id"], "events": [e["id"] for e in events], "statuses": statuses}

    def hosted_checkout(self, method, session_id):
        session = None
        with lock:
            for acct in accounts.values():
                if session_id in acct["sessions"]:
                    session, owner = acct["sessions"][session_id], acct
        if session is None:
            return self.send(404, b"<h1>Checkout session not found</h1>", content_type="text/html")
        if method == "POST":
            self.body()
            self.pay(owner, session)
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        amount = session["amount_total"]
        shown = amount if session["currency"] in ZERO_DECIMAL else amount / 100
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Stripe Checkout</title></head>
<body><h1>Fake Stripe Checkout</h1><p data-amount>{html.escape(f"{shown:,.2f}")} {html.escape(session["currency"].upper())}</p>
<p>Status: <span data-status>{html.escape(session["status"])}</span></p>
<form method="post"><label>Card number <input name="card" value="4242 4242 4242 4242"></label>
<button type="submit">Pay</button></form><p><a href="{html.escape(session.get("cancel_url") or "/")}">Cancel</a></p></body></html>"""
        self.send(200, page.encode(), content_type="text/html; charset=utf-8")

    # -- test control --------------------------------------------------------------

    def control(self, method, path, body, acct):
        if path == "/_test/webhook_endpoint" and method == "POST":
            acct["webhook"] = {"url": body["url"], "secret": body["secret"]}
            return self.send(200, {"ok": True})
        if path == "/_test/requests":
            return self.send(200, {"data": acct["requests"]})
        if path == "/_test/lose_next" and method == "POST":
            acct["lose_next"] = True
            return self.send(200, {"ok": True})
        if path == "/_test/sessions":
            return self.send(200, {"data": [public(s) for s in acct["sessions"].values()]})
        if path == "/_test/fail_next" and method == "POST":
            acct["fail_next"] = int(body.get("status", "500"))
            return self.send(200, {"ok": True})
        match = re.fullmatch(r"/_test/checkout/sessions/([A-Za-z0-9_]+)/pay", path)
        if match and method == "POST":
            session = acct["sessions"].get(match.group(1))
            if not session:
                return self.send(404, {"error": "no such session"})
            result = self.pay(acct, session, body.get("deliver", "1") == "1", body.get("order", "normal"))
            return self.send(200 if result else 409, result or {"error": "session not open"})
        match = re.fullmatch(r"/_test/payment_intents/([A-Za-z0-9_]+)/refund", path)
        if match and method == "POST":
            intent = acct["intents"].get(match.group(1))
            if not intent:
                return self.send(404, {"error": "no such payment intent"})
            charge = acct["charges"][intent["latest_charge"]]
            amount = int(body.get("amount", charge["amount"] - charge["amount_refunded"]))
            charge["amount_refunded"] = min(charge["amount"], charge["amount_refunded"] + amount)
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            event = make_event(acct, "charge.refunded", charge)
            status = deliver(acct, event) if body.get("deliver", "1") == "1" else None
            return self.send(200, {"event": event["id"], "status": status})
        match = re.fullmatch(r"/_test/events/([A-Za-z0-9_]+)/deliver", path)
        if match and method == "POST":
            event = acct["events"].get(match.group(1))
            if not event:
                return self.send(404, {"error": "no such event"})
            return self.send(200, {"status": deliver(acct, event)})
        return self.send(404, {"error": "unknown test control"})


def public(session):
    return {k: v for k, v in session.items() if not k.startswith("_")}


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"api_base": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    # Stop when the test process (our stdin's writer) goes away.
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
