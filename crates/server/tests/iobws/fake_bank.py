#!/usr/bin/env python3
"""A fake Icelandic bank's claims API (IOBWS 3 Claims, ÍST TS 315) on loopback, standard library only.

It speaks IOBWS-Claims3.1.yaml's wire format: a Bearer token per account (unknown: 401, RFC 7807
Error401 body, TOKEN_UNKNOWN), the mandatory X-Request-ID (a UUID, else 400 FORMAT_ERROR), and the
first answer again when a POST or PATCH comes back with the same X-Request-ID (ÍST TS 316 §5).
  POST  /v1/claims             createClaim (createClaimDetails, checked)
  GET   /v1/claims/{claimId}   getClaim (claimDetails)
  PATCH /v1/claims/{claimId}   patchClaim: claimStatus Cancelled/Unpaid, amount, finalDueDate, reference, billNumber
  GET   /v1/claims/transactions (dateFrom, dateTo required; paged, X-Paging-*), /v1/claims/{claimId}/transactions
Create and patch answer a claimStatusSingleResponse: {"success": {...}} with 201, or {"error": {claimKey,
claimId, resultCode, resultMessage}} (CLAIM_EXISTS, CLAIM_IS_PAID, CLAIM_IS_CANCELLED, CLAIM_OTHERS), with 201
as documented or the account's refusalStatus. Format errors are Error400 {type, title, detail, code};
403/404/405 are {"messages": [{category, code, text}]}; 408, 415, 500 and 503 have no body.

Test control (not part of the API):
  POST /_test/accounts   {"claimantId", "templateCodes"?, "refusalStatus"?} (no token) -> {"token"}
                         a new account, whose token may act for claimantId (templates default ["001"])
  POST /_test/pay        {"claimId", "amount"?, "date"?} the payer pays in their online bank (all that is
                         due by default, less is a partial payment) -> the transaction the API will list
  POST /_test/fail_next  {"count", "status"} the next count API calls fail with status (503, ...), undone;
                         {"count", "hang": seconds} they are done, but answered after `hang` seconds
  GET  /_test/requests   the API requests seen: method, path, requestId
Prints {"base_url": ...} on stdout when listening; stops when stdin closes.
"""

import datetime
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.RLock()
accounts = {}
last_stamp = [0]

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CLAIM_ID = re.compile(r"^([0-9]{10})([0-9]{4}66[0-9]{6})\+([0-9]{8})$")
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}


class Refusal(Exception):
    def __init__(self, status, payload=None):
        super().__init__(status)
        self.status, self.payload = status, payload


def problem(status, code, detail):
    """RFC 7807 (Error400, Error401)."""
    return Refusal(status, {"type": f"https://bank.example/problems/{code.lower()}", "title": TITLES[status], "detail": detail, "code": code})


def messages(status, code, text):
    """IOBWS (Error403_NG, Error404_NG, Error405_NG)."""
    return Refusal(status, {"messages": [{"category": "ERROR", "code": code, "text": text}]})


def kennitala_ok(value):
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{10}", value):
        return False
    d = [int(c) for c in value]
    check = 11 - sum(w * x for w, x in zip((3, 2, 7, 6, 5, 4, 3, 2), d)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == d[8] and d[9] in (0, 8, 9)


def date_field(body, name, required=True):
    value = body.get(name)
    if value is None and not required:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise problem(400, "FORMAT_ERROR", f"{name}: a date YYYY-MM-DD is required") from None


def amount_field(body, name="amount"):
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise problem(400, "FORMAT_ERROR", f"{name}: a number more than zero is required")
    if value != int(value):
        raise problem(400, "FORMAT_ERROR", f"{name}: ISK claims are whole krónur")
    return int(value)


def text_field(body, name, limit):
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise problem(400, "FORMAT_ERROR", f"{name}: text of at most {limit} characters")
    return value


def claim_id(key):
    return key["claimantId"] + key["account"] + "+" + key["dueDate"].replace("-", "")


def public(record):
    return {k: v for k, v in record.items() if not k.startswith("_") and v is not None}


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def stamp():
    """A transaction timestamp in milliseconds, never the same twice."""
    with lock:
        ms = max(int(time.time() * 1000), last_stamp[0] + 1)
        last_stamp[0] = ms
    moment = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, *args):
        pass

    def reply(self, status, payload=None, headers=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.send_response(status)
            if payload is not None:
                kind = "application/problem+json" if isinstance(payload, dict) and "type" in payload else "application/json"
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in [("X-Request-ID", self.headers.get("X-Request-ID"))] + list((headers or {}).items()):
                if value is not None:
                    self.send_header(name, str(value))
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
                return self.reply(200, self.new_account(parse_json(raw)))
            auth = self.headers.get("Authorization", "")
            acct = accounts.get(auth[7:]) if auth.startswith("Bearer ") else None
            if acct is None:
                raise problem(401, "TOKEN_UNKNOWN" if auth else "TOKEN_INVALID", "The access token is not known.")
            if url.path.startswith("/_test/"):
                return self.reply(200, self.control(method, url.path, raw, acct))
            request_id = self.headers.get("X-Request-ID") or ""
            if not UUID.match(request_id):
                raise problem(400, "FORMAT_ERROR", "The X-Request-ID header (a UUID) is required.")
            with lock:
                acct["requests"].append({"method": method, "path": url.path, "requestId": request_id})
                fault = None
                if acct["faults"]["count"] > 0:
                    acct["faults"]["count"] -= 1
                    fault = dict(acct["faults"])
            if fault and fault.get("status"):
                return self.reply(fault["status"])
            replay_key = (method, request_id) if method in ("POST", "PATCH") else None
            with lock:
                replay = acct["replies"].get(replay_key) if replay_key else None
            if replay:
                status, payload, headers = replay
            else:
                try:
                    status, payload, headers = self.api(method, url, raw, acct)
                except Refusal as refusal:
                    status, payload, headers = refusal.status, refusal.payload, None
                if replay_key:
                    with lock:
                        acct["replies"][replay_key] = (status, payload, headers)
            if fault and fault.get("hang"):
                time.sleep(float(fault["hang"]))  # done, but the answer comes too late
            return self.reply(status, payload, headers)
        except Refusal as refusal:
            return self.reply(refusal.status, refusal.payload)

    # -- the API -------------------------------------------------------------------

    def api(self, method, url, raw, acct):
        path = url.path
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        if path == "/v1/claims/transactions":
            if method != "GET":
                raise messages(405, "SERVICE_INVALID", f"{method} is not allowed here.")
            return self.transactions(query, acct, lambda tx: True)
        if path == "/v1/claims":
            if method != "POST":
                raise messages(405, "SERVICE_INVALID", f"{method} is not allowed here.")
            return self.create(self.json_body(raw), acct)
        match = re.fullmatch(r"/v1/claims/([^/]+)(/transactions)?", path)
        if not match:
            raise messages(404, "RESOURCE_UNKNOWN", "No such resource.")
        claim = self.find(urllib.parse.unquote(match.group(1)), acct)
        if match.group(2):
            if method != "GET":
                raise messages(405, "SERVICE_INVALID", f"{method} is not allowed here.")
            return self.transactions(query, acct, lambda tx: claim_id(tx["claimKey"]) == claim_id(claim["claimKey"]), False)
        if method == "GET":
            return 200, public(claim), None
        if method == "PATCH":
            return self.patch(claim, self.json_body(raw, patch=True), acct)
        raise messages(405, "SERVICE_INVALID", f"{method} is not allowed on a claim; use PATCH.")

    def json_body(self, raw, patch=False):
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind not in ("application/json", "application/merge-patch+json" if patch else "application/json"):
            raise Refusal(415)
        body = parse_json(raw)
        if not isinstance(body, dict):
            raise problem(400, "FORMAT_ERROR", "The body is not a JSON object.")
        return body

    def find(self, ident, acct):
        if not CLAIM_ID.match(ident):
            raise problem(400, "FORMAT_ERROR", "claimId: kennitala, account, + and YYYYMMDD.")
        with lock:
            claim = acct["claims"].get(ident)
        if claim is None:
            raise messages(404, "RESOURCE_UNKNOWN", f"No claim {ident}.")
        return claim

    def refuse(self, acct, claim, code, message):
        key = claim["claimKey"]
        return acct["refusal_status"], {"error": {"claimKey": key, "claimId": claim_id(key), "resultCode": code, "resultMessage": message}}, None

    def success(self, claim):
        key = claim["claimKey"]
        return 201, {"success": {"claimKey": key, "claimId": claim_id(key), "directPaymentClaim": False}}, None

    def create(self, body, acct):
        key = body.get("claimKey")
        if not isinstance(key, dict):
            raise problem(400, "FORMAT_ERROR", "claimKey is required.")
        if not kennitala_ok(key.get("claimantId")):
            raise problem(400, "FORMAT_ERROR", "claimKey.claimantId: not a kennitala.")
        if not re.fullmatch(r"[0-9]{4}66[0-9]{6}", str(key.get("account"))):
            raise problem(400, "FORMAT_ERROR", "claimKey.account: bank (4), 66 and claim number (6).")
        due = date_field(key, "dueDate")
        if key["claimantId"] != acct["claimant"]:
            raise messages(403, "RESOURCE_UNKNOWN", "The token may not create claims for this claimant.")
        if not kennitala_ok(body.get("payorId")):
            raise problem(400, "FORMAT_ERROR", "payorId: not a kennitala.")
        if not re.fullmatch(r"[0-9A-Z]{3}", str(body.get("templateCode"))):
            raise problem(400, "FORMAT_ERROR", "templateCode: three characters 0-9, A-Z.")
        if body["templateCode"] not in acct["templates"]:
            raise problem(400, "PARAMETER_NOT_CONSISTENT", "templateCode: not one of the claimant's templates.")
        amount = amount_field(body)
        final_due = date_field(body, "finalDueDate")
        if final_due < due:
            raise problem(400, "PARAMETER_NOT_CONSISTENT", "finalDueDate is before dueDate.")
        expiration = date_field(body, "expirationDate", required=False) or final_due + datetime.timedelta(days=4 * 365)
        reference, bill = text_field(body, "reference", 16), text_field(body, "billNumber", 7)
        stored = {"claimantId": key["claimantId"], "account": key["account"], "dueDate": due.isoformat()}
        ident = claim_id(stored)
        created = now().strftime("%Y-%m-%dT%H:%M:%SZ")
        claim = {
            "claimKey": stored, "payorId": body["payorId"], "claimStatus": "Unpaid", "collectionState": "PrimaryCollection",
            "expirationDate": expiration.isoformat(), "templateCode": body["templateCode"], "amount": amount,
            "totalAmountDue": amount, "reference": reference, "finalDueDate": final_due.isoformat(), "billNumber": bill,
            "isPartiallyPaid": False, "currency": "ISK", "directPaymentClaim": False, "lastChangeDate": created,
            "createdDate": created, "claimType": "NormalClaim", "_paid": 0,
        }
        with lock:
            if ident in acct["claims"]:
                return self.refuse(acct, acct["claims"][ident], "CLAIM_EXISTS", "A claim with this key already exists.")
            acct["claims"][ident] = claim
        return self.success(claim)

    def patch(self, claim, body, acct):
        with lock:
            status = claim["claimStatus"]
            changes = {}
            if "claimStatus" in body:
                wanted = body["claimStatus"]
                if wanted not in ("Cancelled", "Unpaid"):
                    raise problem(400, "FORMAT_ERROR", "claimStatus: Cancelled or Unpaid.")
                if status == "Paid":
                    return self.refuse(acct, claim, "CLAIM_IS_PAID", "The claim is paid.")
                if wanted == status == "Cancelled":
                    return self.refuse(acct, claim, "CLAIM_IS_CANCELLED", "The claim is already cancelled.")
                changes["claimStatus"] = wanted
            if "amount" in body:
                amount = amount_field(body)
                if status == "Paid":
                    return self.refuse(acct, claim, "CLAIM_IS_PAID", "The claim is paid.")
                if status == "Cancelled" and changes.get("claimStatus") != "Unpaid":
                    return self.refuse(acct, claim, "CLAIM_IS_CANCELLED", "The claim is cancelled.")
                if claim["_paid"]:
                    return self.refuse(acct, claim, "CLAIM_OTHERS", "A claim with payments keeps its amount.")
                changes.update(amount=amount, totalAmountDue=amount)
            if "finalDueDate" in body:
                if date_field(body, "finalDueDate") < datetime.date.fromisoformat(claim["claimKey"]["dueDate"]):
                    raise problem(400, "PARAMETER_NOT_CONSISTENT", "finalDueDate is before dueDate.")
                changes["finalDueDate"] = body["finalDueDate"]
            for name, limit in (("reference", 16), ("billNumber", 7)):
                if name in body:
                    changes[name] = text_field(body, name, limit)
            if changes.get("claimStatus") == "Cancelled":
                changes["closingDate"] = now().date().isoformat()
            claim.update(changes, lastChangeDate=now().strftime("%Y-%m-%dT%H:%M:%SZ"))
        return self.success(claim)

    def transactions(self, query, acct, wanted, dates_required=True):
        try:
            page, per_page = int(query.get("page", "1")), int(query.get("itemsPerPage", "100"))
        except ValueError:
            raise problem(400, "FORMAT_ERROR", "page and itemsPerPage are numbers.") from None
        if page < 1 or not 1 <= per_page <= 1000:
            raise problem(400, "FORMAT_ERROR", "page from 1, itemsPerPage 1-1000.")
        if "claimantId" in query and query["claimantId"] != acct["claimant"]:
            raise messages(403, "RESOURCE_UNKNOWN", "The token may not read this claimant's claims.")
        low = date_field(query, "dateFrom", dates_required) or datetime.date.min
        high = date_field(query, "dateTo", dates_required) or datetime.date.max
        with lock:
            items = [tx for tx in acct["transactions"] if wanted(tx) and low <= datetime.date.fromisoformat(tx["bookingDate"]) <= high]
        pages = max(1, -(-len(items) // per_page))
        headers = {"X-Paging-CurrentPage": page, "X-Paging-TotalPages": pages, "X-Paging-TotalItems": len(items), "X-Paging-PerPage": per_page}
        return 200, items[(page - 1) * per_page : page * per_page], headers

    # -- test control -----------------------------------------------------------------

    def new_account(self, body):
        if not isinstance(body, dict) or not kennitala_ok(body.get("claimantId")):
            raise problem(400, "FORMAT_ERROR", "claimantId: a kennitala is required.")
        token = "fakebank_" + secrets.token_hex(24)
        with lock:
            accounts[token] = {
                "claimant": body["claimantId"], "templates": set(body.get("templateCodes") or ["001"]),
                "refusal_status": int(body.get("refusalStatus") or 201), "claims": {}, "transactions": [],
                "replies": {}, "requests": [], "faults": {"count": 0},
            }
        return {"token": token}

    def control(self, method, path, raw, acct):
        if path == "/_test/requests" and method == "GET":
            with lock:
                return {"data": list(acct["requests"])}
        body = parse_json(raw) if raw else {}
        if path == "/_test/fail_next" and method == "POST":
            with lock:
                acct["faults"] = {"count": int(body.get("count", 1)), "status": body.get("status"), "hang": body.get("hang")}
            return {"ok": True}
        if path == "/_test/pay" and method == "POST":
            return self.pay(body, acct)
        raise messages(404, "RESOURCE_UNKNOWN", "Unknown test control.")

    def pay(self, body, acct):
        claim = self.find(str(body.get("claimId")), acct)
        day = date_field(body, "date", required=False) or now().date()
        with lock:
            due = claim["totalAmountDue"] - claim["_paid"]
            amount = amount_field(body) if "amount" in body else due
            if claim["claimStatus"] != "Unpaid" or amount > due:
                raise problem(400, "PARAMETER_NOT_CONSISTENT", f"The claim is {claim['claimStatus']} with {due} due.")
            claim["_paid"] += amount
            complete = claim["_paid"] == claim["totalAmountDue"]
            claim.update(isPartiallyPaid=not complete, lastChangeDate=now().strftime("%Y-%m-%dT%H:%M:%SZ"))
            if complete:
                claim.update(claimStatus="Paid", closingDate=day.isoformat())
            tx = {
                "claimKey": claim["claimKey"], "payorId": claim["payorId"], "amount": amount,
                "finalDueDate": claim["finalDueDate"], "templateCode": claim["templateCode"],
                "reference": claim["reference"], "transactionBank": "0133", "transactionTimestamp": stamp(),
                "bookingDate": day.isoformat(), "valueDate": day.isoformat(),
                "paymentType": "Complete" if complete else "Partial", "depositedAmount": amount,
                "totalAmountPaid": amount, "capitalGainsTax": 0, "billNumber": claim["billNumber"],
                "noticeChargeAmountPaid": 0, "defaultChargeAmountPaid": 0, "otherCostsAmountPaid": 0,
                "otherDefaultCostsAmountPaid": 0, "defaultInterestAmountPaid": 0, "discountAmountGiven": 0,
                "currency": "ISK", "transactionBatchId": "0001",
            }
            acct["transactions"].append(public(tx))
        return public(tx)


for _method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
    setattr(Handler, f"do_{_method}", lambda self, method=_method: self.route(method))


def parse_json(raw):
    try:
        return json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise problem(400, "FORMAT_ERROR", "The body is not JSON.") from None


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    sys.stdin.read()  # the test process (our stdin's writer) went away
    server.shutdown()


if __name__ == "__main__":
    main()
