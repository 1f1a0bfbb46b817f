#!/usr/bin/env python3
"""A fake Storecove (API v2) on loopback, standard library only.

It speaks the wire format of shared/spec/peppol-network/STORECOVE-API.md under /api/v2/:
a Bearer API key per account (unknown or missing: 401), JSON in and out, and 4xx refusals as
{"errors": [{"source", "details"}]}.
  POST   legal_entities                          {party_name*, line1*, city*, zip*, country* (ISO-2), ...} -> LegalEntity {id, ...}
  POST   legal_entities/{id}/peppol_identifiers  {identifier, scheme (Storecove's mnemonic), superscheme: iso6523-actorid-upis}
  POST   discovery/receives                      {documentTypes, network: peppol, metaScheme, scheme, identifier} -> {code: OK|NOK, email}
  POST   document_submissions                    {legalEntityId, idempotencyGuid?, routing: {eIdentifiers: [{scheme, id}], emails},
                                                  document: {documentType, rawDocumentData: {document (base64), parse, parseStrategy}}}
                                                 -> {guid}; the same idempotencyGuid answers the first guid and sends nothing again;
                                                 a UBL that is not an Invoice or CreditNote, an unknown legal entity or scheme: 422
  GET    document_submissions/{guid}/evidence    {guid, status: pending|succeeded|failed, actions: [...]}
  GET    received_documents/{guid}/original      the received document's bytes as delivered
  GET    webhook_instances/                      the oldest webhook {guid, body: "<JSON as a string>"}, or 204 when none
  DELETE webhook_instances/{guid}                takes it off the queue
Webhook bodies: {"event_type": "document_submission", "event": "succeeded"|"failed", "document_submission_guid", "details"?,
"tenant_id"?} and {"event_type": "received_document", "event": "received", "document_guid", "legal_entity_id", "tenant_id"}.
With a push URL configured, webhooks are POSTed there instead of queued, with
X-Storecove-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> (the scheme FastFaktura chose; see webhook.rs).

Test control (not part of the API), with the account's Bearer key except the first:
  POST /_test/accounts                    -> {"api_key"} a new, empty account
  POST /_test/receivers                   {"scheme", "identifier"} a participant discovery will say can receive
  POST /_test/submissions/{guid}          {"outcome": "delivered"|"failed", "reason"?} the submission's evidence moves on; a webhook follows
  POST /_test/deliver                     {"legal_entity_id", "document" (base64)} -> {"document_guid"}: a document arrives; a webhook follows
  POST /_test/push                        {"url", "secret"} push webhooks there, signed with secret ({"url": null} stops it)
  POST /_test/fail_next                   {"count", "status"}: the next count API calls fail with status, undone;
                                          {"count", "hang": seconds}: they are done, but answered after `hang` seconds
  GET  /_test/counters                    {"sends", "submissions", "requests", "queued", "pushes": [{status, error?}]}
  GET  /_test/submissions/{guid}          the submission's request body as received
Prints {"base_url": ".../api/v2/"} on stdout when listening; stops when stdin closes.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import itertools
import json
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/api/v2/"
lock = threading.RLock()
accounts = {}
legal_entity_ids = itertools.count(100001)
# (scheme, identifier) -> (account key, legal entity id): an identifier is registered once on the network.
registered = {}

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SCHEMES = {
    "NO:ORG", "NO:VAT", "SE:ORGNR", "SE:VAT", "FI:OVT", "FI:VAT", "DK:DIGST", "DK:ERST", "IS:KT", "DE:VAT", "DE:LWID",
    "GLN", "DUNS", "LEI", "BE:EN", "BE:VAT", "NL:VAT", "NL:KVK", "NL:OINO", "FR:VAT", "FR:SIRET", "FR:SIRENE",
    "IT:IVA", "ES:VAT", "AT:VAT",
}
DOCUMENT_TYPES = {"invoice", "invoice_response", "order", "ordering", "order_response", "selfbilling"}
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}
SUPERSCHEME = "iso6523-actorid-upis"


class Refusal(Exception):
    def __init__(self, status, source=None, details=None):
        super().__init__(status)
        self.status = status
        self.payload = {"errors": [{"source": source, "details": details}]} if details else None


def unprocessable(source, details):
    return Refusal(422, source, details)


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret, timestamp, body):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def text_field(body, name, required=True, limit=None):
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or (limit and len(value) > limit):
        raise unprocessable(name, f"{name} is required" + (f" (at most {limit} characters)" if limit else ""))
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, payload=None, raw=None, kind="application/json"):
        data = raw if raw is not None else (b"" if payload is None else json.dumps(payload).encode())
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            if url.path == "/_test/accounts" and method == "POST":
                return self.reply(200, new_account())
            auth = self.headers.get("Authorization", "")
            key = auth[7:] if auth.startswith("Bearer ") else None
            acct = accounts.get(key)
            if acct is None:
                raise Refusal(401, "Authorization", "Unauthenticated: the API key is not valid.")
            if url.path.startswith("/_test/"):
                return self.control(method, url.path, raw, acct)
            if not url.path.startswith(PREFIX):
                raise Refusal(404, "path", "Not found.")
            path = url.path[len(PREFIX):]
            with lock:
                acct["requests"] += 1
                fault = None
                if acct["faults"]["count"] > 0:
                    acct["faults"]["count"] -= 1
                    fault = dict(acct["faults"])
            if fault and fault.get("status"):
                return self.reply(int(fault["status"]))
            try:
                status, payload, binary = self.api(method, path, raw, acct, key)
            except Refusal as refusal:
                status, payload, binary = refusal.status, refusal.payload, None
            if fault and fault.get("hang"):
                time.sleep(float(fault["hang"]))  # done, but the answer comes too late
            if binary is not None:
                return self.reply(status, raw=binary, kind="application/xml")
            return self.reply(status, payload)
        except Refusal as refusal:
            return self.reply(refusal.status, refusal.payload)

    # -- the API -------------------------------------------------------------------

    def api(self, method, path, raw, acct, key):
        if path == "legal_entities" and method == "POST":
            return 200, self.create_legal_entity(self.json_body(raw), acct), None
        match = re.fullmatch(r"legal_entities/([0-9]+)/peppol_identifiers", path)
        if match and method == "POST":
            return 200, self.add_identifier(int(match.group(1)), self.json_body(raw), acct, key), None
        if path == "discovery/receives" and method == "POST":
            return 200, self.discover(self.json_body(raw), acct), None
        if path == "document_submissions" and method == "POST":
            return 200, self.submit(self.json_body(raw), acct), None
        match = re.fullmatch(r"document_submissions/([0-9a-fA-F-]+)/evidence", path)
        if match and method == "GET":
            with lock:
                sub = acct["submissions"].get(match.group(1))
                if sub is None:
                    raise Refusal(404, "guid", "No such document submission.")
                return 200, {"guid": sub["guid"], "status": sub["status"], "actions": list(sub["actions"])}, None
        match = re.fullmatch(r"received_documents/([0-9a-fA-F-]+)/original", path)
        if match and method == "GET":
            with lock:
                document = acct["received"].get(match.group(1))
            if document is None:
                raise Refusal(404, "guid", "No such received document.")
            return 200, None, document["bytes"]
        if path == "webhook_instances/" and method == "GET":
            with lock:
                if not acct["queue"]:
                    return 204, None, None
                return 200, dict(acct["queue"][0]), None
        match = re.fullmatch(r"webhook_instances/([0-9a-fA-F-]+)", path)
        if match and method == "DELETE":
            with lock:
                before = len(acct["queue"])
                acct["queue"] = [w for w in acct["queue"] if w["guid"] != match.group(1)]
                if len(acct["queue"]) == before:
                    raise Refusal(404, "guid", "No such webhook instance.")
            return 204, None, None
        raise Refusal(404, "path", f"No route for {method} {path}.")

    def json_body(self, raw):
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Refusal(415, "Content-Type", "JSON is required.")
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            raise unprocessable("body", "The body is not JSON.") from None
        if not isinstance(body, dict):
            raise unprocessable("body", "The body is not a JSON object.")
        return body

    def create_legal_entity(self, body, acct):
        entity = {name: text_field(body, name) for name in ("party_name", "line1", "city", "zip")}
        country = body.get("country")
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            raise unprocessable("country", "country must be an ISO 3166-1 alpha-2 code.")
        entity.update(country=country, line2=body.get("line2"), county=body.get("county"),
                      tenant_id=text_field(body, "tenant_id", required=False, limit=64))
        for flag in ("public", "acts_as_sender", "acts_as_receiver", "tax_registered"):
            if flag in body and not isinstance(body[flag], bool):
                raise unprocessable(flag, f"{flag} must be true or false.")
            entity[flag] = bool(body.get(flag, True))
        ads = body.get("advertisements", ["invoice"])
        if not isinstance(ads, list) or not all(a in DOCUMENT_TYPES for a in ads):
            raise unprocessable("advertisements", "advertisements must be a list of document types.")
        with lock:
            entity.update(id=next(legal_entity_ids), advertisements=ads, peppol_identifiers=[])
            acct["legal_entities"][entity["id"]] = entity
        return entity

    def add_identifier(self, entity_id, body, acct, key):
        with lock:
            entity = acct["legal_entities"].get(entity_id)
        if entity is None:
            raise Refusal(404, "legal_entity_id", "No such legal entity.")
        if body.get("superscheme") != SUPERSCHEME:
            raise unprocessable("superscheme", f"superscheme must be {SUPERSCHEME}.")
        scheme = body.get("scheme")
        if scheme not in SCHEMES:
            raise unprocessable("scheme", f"Unknown scheme {scheme!r}; use Storecove's scheme mnemonic.")
        identifier = text_field(body, "identifier").upper()
        record = {"superscheme": SUPERSCHEME, "scheme": scheme, "identifier": identifier}
        with lock:
            holder = registered.get((scheme, identifier))
            if holder == (key, entity_id):
                return record
            if holder is not None:
                raise unprocessable("identifier", "This identifier is already registered on the Peppol network.")
            registered[(scheme, identifier)] = (key, entity_id)
            entity["peppol_identifiers"].append(record)
        return record

    def discover(self, body, acct):
        types = body.get("documentTypes")
        if not isinstance(types, list) or not types or not all(t in DOCUMENT_TYPES for t in types):
            raise unprocessable("documentTypes", "documentTypes must list document types.")
        if body.get("network") != "peppol":
            raise unprocessable("network", "network must be peppol.")
        if body.get("metaScheme") != SUPERSCHEME:
            raise unprocessable("metaScheme", f"metaScheme must be {SUPERSCHEME}.")
        if body.get("scheme") not in SCHEMES:
            raise unprocessable("scheme", f"Unknown scheme {body.get('scheme')!r}.")
        wanted = (body["scheme"], text_field(body, "identifier").upper())
        with lock:
            found = wanted in acct["receivers"] or wanted in registered
        return {"code": "OK" if found else "NOK", "email": False}

    def submit(self, body, acct):
        idem = body.get("idempotencyGuid")
        if idem is not None and (not isinstance(idem, str) or not UUID.match(idem)):
            raise unprocessable("idempotencyGuid", "idempotencyGuid must be a UUID.")
        with lock:
            if idem is not None and idem in acct["idempotency"]:
                return {"guid": acct["idempotency"][idem]}
        entity_id = body.get("legalEntityId")
        with lock:
            known = isinstance(entity_id, int) and not isinstance(entity_id, bool) and entity_id in acct["legal_entities"]
        if not known:
            raise unprocessable("legalEntityId", "legalEntityId is not one of your legal entities.")
        routing = body.get("routing")
        identifiers = routing.get("eIdentifiers") if isinstance(routing, dict) else None
        if not isinstance(identifiers, list) or not identifiers:
            raise unprocessable("routing", "routing.eIdentifiers must name the receiver.")
        for item in identifiers:
            if not isinstance(item, dict) or item.get("scheme") not in SCHEMES or not isinstance(item.get("id"), str) or not item["id"]:
                raise unprocessable("routing.eIdentifiers", "Each eIdentifier needs a known scheme mnemonic and an id.")
        document = body.get("document")
        if not isinstance(document, dict) or document.get("documentType") not in DOCUMENT_TYPES:
            raise unprocessable("document.documentType", "document.documentType is missing or unknown.")
        data = document.get("rawDocumentData")
        if not isinstance(data, dict):
            raise unprocessable("document.rawDocumentData", "rawDocumentData is required.")
        if data.get("parse") is not True or data.get("parseStrategy") != "ubl":
            raise unprocessable("document.rawDocumentData", "This fake takes parse: true with parseStrategy ubl.")
        try:
            ubl = base64.b64decode(data.get("document") or "", validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise unprocessable("document.rawDocumentData.document", "The document is not base64.") from None
        try:
            root = ElementTree.fromstring(ubl).tag
        except ElementTree.ParseError as e:
            raise unprocessable("document", f"The document is not well-formed XML: {e}") from None
        if root not in UBL_ROOTS:
            raise unprocessable("document", "The document is not a UBL 2.1 Invoice or CreditNote.")
        guid = str(uuid.uuid4())
        with lock:
            if idem is not None and idem in acct["idempotency"]:  # a racing twin got here first
                return {"guid": acct["idempotency"][idem]}
            acct["sends"] += 1
            acct["submissions"][guid] = {"guid": guid, "status": "pending", "actions": [], "request": body}
            if idem is not None:
                acct["idempotency"][idem] = guid
        return {"guid": guid}

    # -- test control -----------------------------------------------------------------

    def control(self, method, path, raw, acct):
        try:
            body = json.loads(raw) if raw else {}
        except (ValueError, UnicodeDecodeError):
            raise unprocessable("body", "The body is not JSON.") from None
        if path == "/_test/counters" and method == "GET":
            with lock:
                return self.reply(200, {"sends": acct["sends"], "submissions": len(acct["submissions"]),
                                        "requests": acct["requests"], "queued": len(acct["queue"]),
                                        "pushes": list(acct["pushes"])})
        if path == "/_test/receivers" and method == "POST":
            with lock:
                acct["receivers"].add((body["scheme"], body["identifier"].upper()))
            return self.reply(200, {"ok": True})
        if path == "/_test/fail_next" and method == "POST":
            with lock:
                acct["faults"] = {"count": int(body.get("count", 1)), "status": body.get("status"), "hang": body.get("hang")}
            return self.reply(200, {"ok": True})
        if path == "/_test/push" and method == "POST":
            with lock:
                acct["push"] = {"url": body["url"], "secret": body.get("secret", "")} if body.get("url") else None
            return self.reply(200, {"ok": True})
        match = re.fullmatch(r"/_test/submissions/([0-9a-fA-F-]+)", path)
        if match:
            with lock:
                sub = acct["submissions"].get(match.group(1))
                if sub is None:
                    raise Refusal(404, "guid", "No such submission.")
                if method == "GET":
                    return self.reply(200, sub["request"])
                outcome = body.get("outcome")
                if outcome == "delivered":
                    sub["status"] = "succeeded"
                    sub["actions"].append({"transmission_datetime": now_text(), "transmission_type": "peppol",
                                           "transmission_result": "accepted", "transmitted_document": None,
                                           "receiver_response": None})
                    event = {"event_type": "document_submission", "event": "succeeded", "document_submission_guid": sub["guid"]}
                elif outcome == "failed":
                    reason = body.get("reason") or "The receiver's access point refused the message."
                    sub["status"] = "failed"
                    sub["actions"].append({"transmission_datetime": now_text(), "transmission_type": "peppol",
                                           "transmission_result": "rejected", "transmitted_document": None,
                                           "receiver_response": reason})
                    event = {"event_type": "document_submission", "event": "failed",
                             "document_submission_guid": sub["guid"], "details": reason}
                else:
                    raise unprocessable("outcome", "outcome is delivered or failed.")
            self.webhook(acct, event)
            return self.reply(200, {"ok": True})
        if path == "/_test/deliver" and method == "POST":
            entity_id = body.get("legal_entity_id")
            with lock:
                entity = acct["legal_entities"].get(entity_id)
            if entity is None:
                raise Refusal(404, "legal_entity_id", "No such legal entity.")
            guid = str(uuid.uuid4())
            with lock:
                acct["received"][guid] = {"bytes": base64.b64decode(body["document"]), "legal_entity_id": entity_id}
            self.webhook(acct, {"event_type": "received_document", "event": "received", "document_guid": guid,
                                "legal_entity_id": entity_id, "tenant_id": entity.get("tenant_id")})
            return self.reply(200, {"document_guid": guid})
        raise Refusal(404, "path", "Unknown test control.")

    def webhook(self, acct, event):
        instance = {"guid": str(uuid.uuid4()), "body": json.dumps(event)}
        with lock:
            push = acct["push"]
            if push is None:
                acct["queue"].append(instance)
                return
        payload = json.dumps(instance).encode()
        stamp = int(time.time())
        request = urllib.request.Request(push["url"], data=payload, method="POST", headers={
            "Content-Type": "application/json",
            "X-Storecove-Signature": f"t={stamp},v1={sign(push['secret'], stamp, payload)}",
        })
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                result = {"status": answer.status}
        except urllib.error.HTTPError as e:
            result = {"status": e.code}
        except OSError as e:
            result = {"status": None, "error": str(e)}
        with lock:
            acct["pushes"].append(result)


def new_account():
    key = "fakestorecove_" + secrets.token_hex(24)
    with lock:
        accounts[key] = {
            "legal_entities": {}, "submissions": {}, "idempotency": {}, "sends": 0, "requests": 0, "received": {},
            "queue": [], "receivers": set(), "faults": {"count": 0}, "push": None, "pushes": [],
        }
    return {"api_key": key}


for _method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
    setattr(Handler, f"do_{_method}", lambda self, method=_method: self.route(method))


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"}), flush=True)
    sys.stdin.read()  # the test process (our stdin's writer) went away


if __name__ == "__main__":
    main()
