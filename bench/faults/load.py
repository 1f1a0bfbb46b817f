#!/usr/bin/env python3
"""Load with faults (issue 10): the driver bench/faults.sh runs.

Starts the SMTP sink and both instances, sets up the businesses through the real
pages (login by emailed code, profile, customer, Stripe keys checked with the fake
Stripe, a write API token), then runs a mixed workload at a steady rate: logins,
invoice creation and issuing over the API, list pages, PDF downloads, sending by
email (jobs) and signed Stripe webhooks. At 1/3 of the run PostgreSQL is restarted
(`pg_ctl restart -m fast`), at 2/3 instance B is SIGKILLed and restarted a few seconds
later. Then it waits for the job queue to drain and checks the counts (checks.py).
Exit status 1 when a check fails.
"""

import argparse
import concurrent.futures
import hashlib
import hmac
import json
import random
import re
import secrets
import sys
import threading
import time

from checks import final_checks
from client import Cluster, Outcome, Recorder
from cluster import Instance, Postgres, SmtpSink

LINES = [{"description": "Design work", "quantity": "2", "unit": "pcs", "unit_price": "85", "vat_category": "S", "vat_rate": "24"}]


class Business:
    """One business the workload drives, and what the driver saw happen to it."""

    def __init__(self, index):
        self.index = index
        self.owner = f"owner{index}@load.example"
        self.customer_email = f"billing{index}@customer.example"
        self.lock = threading.Lock()
        self.session = None
        self.token = None
        self.id = None
        self.customer_id = None
        self.stripe_key = f"sk_test_{secrets.token_hex(12)}"
        self.webhook_secret = f"whsec_{secrets.token_hex(12)}"
        self.drafts = []  # invoice ids created (accepted) and not yet issued
        self.issued = []  # invoice ids whose issue was accepted
        self.created = {}  # marker -> invoice id (None while unknown)
        self.unknown_creates = set()  # markers whose create had an unknown outcome
        self.issue_unknown = set()
        self.sends = {}  # invoice id -> [accepted, unknown]
        self.events = {}  # event id -> (payment intent, body) accepted
        self.unknown_events = {}  # event id -> payment intent


def sign(secret, body):
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


class Workload:
    def __init__(self, cluster, sink, businesses):
        self.cluster, self.sink, self.businesses = cluster, sink, businesses
        self.login_locks = {f"user{k}@load.example": threading.Lock() for k in range(24)}
        self.logins = {"accepted": 0, "unknown": 0}
        self.counter = 0
        self.counter_lock = threading.Lock()

    def prefer(self):
        with self.counter_lock:
            self.counter += 1
            return self.counter

    def api(self, business):
        return {"Authorization": f"Bearer {business.token}"}

    def web(self, business):
        return {"ff_session": business.session}

    # -- set-up, through the pages a person uses -------------------------------------

    def log_in(self, address, prefer=0, kind="login"):
        """Request a code, read it at the SMTP sink, submit it; the session or None."""
        before = self.sink.count()
        response, outcome = self.cluster.request(kind, "POST", "/login", prefer, data={"email": address})
        if outcome != Outcome.OK:
            return None
        pending = dict(response.cookies)
        code = self.sink.latest_code(address, before)
        if code is None:
            self.cluster.recorder.add(kind, 0, Outcome.ERROR, 60, 1, 0, False, f"no sign-in code mailed to {address}")
            return None
        response, outcome = self.cluster.request(
            kind, "POST", "/login/code", prefer + 1, data={"code": code}, cookies=pending, expect=()
        )
        if outcome != Outcome.OK or response.status_code != 303:
            return None
        return response.cookies.get("ff_session")

    def set_up(self, business):
        business.session = self.log_in(business.owner, kind="setup")
        if not business.session:
            raise RuntimeError(f"could not sign in {business.owner}")
        cookies = self.web(business)
        form = {
            "name": f"Load {business.index} ehf.", "address_line": "Laugavegur 1", "postal_code": "101",
            "city": "Reykjavík", "country": "IS", "vat_number": "12345", "registration_id": "5501012345",
            "iban": "IS14 0159 2600 7654 5510 7303 39", "bic": "NBIIISRE", "default_currency": "EUR",
            "payment_terms_days": "14", "invoice_language": "en",
        }
        steps = [
            ("/settings/business", form),
            ("/customers", {"kind": "business", "name": f"Customer {business.index} AB", "email": business.customer_email,
                            "vat_number": "SE556012345601", "country": "SE", "language": "en", "currency": "EUR"}),
            ("/settings/payments", {"stripe_secret_key": business.stripe_key, "stripe_webhook_secret": business.webhook_secret}),
        ]
        for path, data in steps:
            response, outcome = self.cluster.request("setup", "POST", path, data=data, cookies=cookies)
            if outcome != Outcome.OK or response.status_code != 303:
                raise RuntimeError(f"set-up {path}: {response.status_code if response else outcome} {response.text[:500] if response else ''}")
        page, _ = self.cluster.request("setup", "GET", "/customers", cookies=cookies)
        business.customer_id = re.search(r'href="/customers/([0-9a-f-]{36})"', page.text).group(1)
        page, _ = self.cluster.request("setup", "GET", "/settings/payments", cookies=cookies)
        business.id = re.search(r"/webhooks/stripe/([0-9a-f-]{36})", page.text).group(1)
        page, _ = self.cluster.request("setup", "POST", "/settings/api-tokens", data={"name": "load", "scope": "write"}, cookies=cookies)
        business.token = re.search(r"fft_[0-9a-f]+", page.text).group(0)

    # -- the operations of the mix ---------------------------------------------------

    def create_invoice(self, b):
        marker = secrets.token_hex(8)
        body = {"customer_id": b.customer_id, "currency": "EUR", "note": f"load {marker}", "lines": LINES}
        headers = {**self.api(b), "Idempotency-Key": f"create-{marker}"}
        with b.lock:
            b.created[marker] = None
        deadline = time.time() + 30
        while True:
            response, outcome = self.cluster.request(
                "create invoice", "POST", "/api/v1/invoices", self.prefer(), repeatable=True, json=body, headers=headers,
                expect=(409,),
            )
            if outcome == Outcome.OK:
                with b.lock:
                    b.created[marker] = response.json()["id"]
                    b.drafts.append(response.json()["id"])
                return
            if outcome == Outcome.CLIENT and time.time() < deadline:
                time.sleep(1)  # "still in progress": the key's first request has not finished
                continue
            with b.lock:
                b.unknown_creates.add(marker)
            return

    def issue(self, b):
        with b.lock:
            invoice = b.drafts.pop(random.randrange(len(b.drafts))) if b.drafts else None
        if invoice is None:
            return self.create_invoice(b)
        headers = {**self.api(b), "Idempotency-Key": f"issue-{invoice}"}
        response, outcome = self.cluster.request(
            "issue invoice", "POST", f"/api/v1/invoices/{invoice}/issue", self.prefer(), repeatable=True, headers=headers,
            expect=(409,),
        )
        if outcome == Outcome.CLIENT:
            # Already issued (a repeat of an issue whose answer was lost), or still in progress.
            check, _ = self.cluster.request("read invoice", "GET", f"/api/v1/invoices/{invoice}", headers=self.api(b))
            outcome = Outcome.OK if check is not None and check.json().get("status") == "issued" else Outcome.UNKNOWN
        with b.lock:
            if outcome == Outcome.OK:
                b.issued.append(invoice)
            else:
                b.issue_unknown.add(invoice)

    def issued_invoice(self, b):
        with b.lock:
            return random.choice(b.issued) if b.issued else None

    def list_page(self, b):
        self.cluster.request("list page (web)", "GET", "/invoices", self.prefer(), cookies=self.web(b))

    def list_api(self, b):
        self.cluster.request("list (API)", "GET", "/api/v1/invoices?limit=50", self.prefer(), headers=self.api(b))

    def read(self, b):
        invoice = self.issued_invoice(b)
        if invoice:
            self.cluster.request("read invoice", "GET", f"/api/v1/invoices/{invoice}", self.prefer(), headers=self.api(b))

    def pdf(self, b):
        invoice = self.issued_invoice(b)
        if invoice:
            response, outcome = self.cluster.request("PDF download", "GET", f"/api/v1/invoices/{invoice}/pdf", self.prefer(),
                                                     headers=self.api(b))
            if outcome == Outcome.OK and not response.content.startswith(b"%PDF"):
                self.cluster.recorder.add("PDF download", 200, Outcome.ERROR, 0, 1, 0, False, "a PDF download that is not a PDF")

    def send(self, b):
        invoice = self.issued_invoice(b)
        if not invoice:
            return
        form = {"send_email": "on", "recipient": b.customer_email, "phone": ""}
        response, outcome = self.cluster.request("send by email", "POST", f"/invoices/{invoice}/send", self.prefer(),
                                                 data=form, cookies=self.web(b))
        with b.lock:
            counts = b.sends.setdefault(invoice, [0, 0])
            if outcome == Outcome.OK and response.status_code == 303:
                counts[0] += 1
            elif outcome == Outcome.UNKNOWN:
                counts[1] += 1

    def webhook(self, b):
        with b.lock:
            repeat = random.random() < 0.2 and b.events
            if repeat:
                event_id = random.choice(list(b.events))
                intent, body = b.events[event_id]
        if not repeat:
            invoice = self.issued_invoice(b)
            if not invoice:
                return
            intent = f"pi_load_{secrets.token_hex(10)}"
            event_id = f"evt_load_{secrets.token_hex(10)}"
            body = json.dumps({
                "id": event_id, "object": "event", "type": "payment_intent.succeeded", "created": int(time.time()),
                "data": {"object": {"id": intent, "object": "payment_intent", "status": "succeeded", "amount_received": 100,
                                    "currency": "eur", "metadata": {"fastfaktura_invoice": invoice, "fastfaktura_business": b.id}}},
            }, separators=(",", ":"))
        # Stripe signs every attempt anew; the driver does the same on a repeat.
        kind = "webhook (repeat)" if repeat else "webhook"
        response, outcome = self.cluster.request(
            kind, "POST", f"/webhooks/stripe/{b.id}", self.prefer(), repeatable=True, data=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(b.webhook_secret, body)},
        )
        with b.lock:
            if outcome == Outcome.OK:
                b.events[event_id] = (intent, body)
                b.unknown_events.pop(event_id, None)
            elif event_id not in b.events:
                b.unknown_events[event_id] = intent

    def login(self, _b):
        for address, lock in random.sample(list(self.login_locks.items()), len(self.login_locks)):
            if lock.acquire(blocking=False):
                try:
                    session = self.log_in(address, self.prefer())
                    self.logins["accepted" if session else "unknown"] += 1
                finally:
                    lock.release()
                return

    def mix(self):
        """(operation, weight); about one HTTP request each (a login is two)."""
        return [(self.create_invoice, 5), (self.issue, 5), (self.list_page, 4), (self.list_api, 3), (self.read, 2),
                (self.pdf, 1), (self.send, 1.5), (self.webhook, 2.5), (self.login, 0.5)]


def run(args):
    sink = SmtpSink()
    with open(args.config_template) as f:
        config = f.read().replace("@SMTP_PORT@", str(sink.port))
    config_path = f"{args.work}/faults.toml"
    with open(config_path, "w") as f:
        f.write(config)
    postgres = Postgres(args.pg_bin, args.pgdata, args.socket)
    instances = [Instance("A", args.binary, args.port, args.work, config_path),
                 Instance("B", args.binary, args.port + 1, args.work, config_path)]
    recorder = Recorder()
    cluster = Cluster(instances, recorder)
    try:
        for instance in instances:
            instance.start()
        businesses = [Business(i) for i in range(args.businesses)]
        workload = Workload(cluster, sink, businesses)
        for b in businesses:
            workload.set_up(b)
        print(f"set up {len(businesses)} businesses; load at {args.rate} req/s for {args.minutes} min", flush=True)
        faults = drive(args, workload, postgres, instances)
        drained = drain(postgres)
        return final_checks(args, postgres, sink, recorder, businesses, workload, faults, drained)
    finally:
        for instance in instances:
            instance.stop()


def drive(args, workload, postgres, instances):
    """The steady-rate workload and the two faults; returns what the faults took."""
    duration = args.minutes * 60
    operations, weights = zip(*workload.mix())
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.workers)
    faults = {}
    start = time.time()

    def inject():
        time.sleep(duration / 3)
        print(f"[{time.time() - start:6.1f}s] restarting PostgreSQL (pg_ctl restart -m fast)", flush=True)
        faults["postgres restart (s)"] = round(postgres.restart(), 2)
        print(f"[{time.time() - start:6.1f}s] PostgreSQL is back after {faults['postgres restart (s)']} s", flush=True)
        time.sleep(max(0, start + 2 * duration / 3 - time.time()))
        # Kill while a request is under way on B (waiting at most 20 s for that).
        wait_until = time.time() + 20
        while workload.cluster.inflight["B"] < 1 and time.time() < wait_until:
            time.sleep(0.002)
        faults["requests in flight on B at the kill"] = workload.cluster.inflight["B"]
        print(f"[{time.time() - start:6.1f}s] kill -9 instance B ({workload.cluster.inflight['B']} requests in flight)", flush=True)
        instances[1].kill9()
        time.sleep(args.down_seconds)
        restarted = time.time()
        instances[1].start()
        faults["instance B down (s)"] = round(time.time() - instances[1].killed_at[-1], 2)
        faults["instance B start (s)"] = round(time.time() - restarted, 2)
        print(f"[{time.time() - start:6.1f}s] instance B serving again", flush=True)

    injector = threading.Thread(target=inject, daemon=True)
    injector.start()
    futures = []
    n = 0
    while True:
        due = start + n / args.rate
        if due - start >= duration:
            break
        time.sleep(max(0, due - time.time()))
        operation = random.choices(operations, weights)[0]
        business = random.choice(workload.businesses)
        futures.append(pool.submit(operation, business))
        n += 1
        if n % (args.rate * 30) == 0:
            print(f"[{time.time() - start:6.1f}s] {n} operations started, {len(workload.cluster.recorder.errors)} errors",
                  flush=True)
    for future in futures:
        exception = future.exception()
        if exception:
            workload.cluster.recorder.add("driver", 0, Outcome.ERROR, 0, 0, 0, False, f"driver exception: {exception!r}")
    pool.shutdown()
    injector.join()
    faults["operations"] = n
    faults["wall time (s)"] = round(time.time() - start, 1)
    return faults


def drain(postgres, timeout=180):
    """Waits until no job is pending or running; returns the seconds it took or None."""
    start = time.time()
    while time.time() - start < timeout:
        left = int(postgres.scalar("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')"))
        if left == 0:
            return round(time.time() - start, 1)
        time.sleep(1)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=int, default=25, help="operations per second (about requests per second)")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--businesses", type=int, default=4)
    parser.add_argument("--down-seconds", type=float, default=5, help="how long instance B stays dead")
    parser.add_argument("--work", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--port", type=int, required=True, help="instance A; B gets the next port")
    parser.add_argument("--config-template", required=True)
    parser.add_argument("--pg-bin", required=True)
    parser.add_argument("--pgdata", required=True)
    parser.add_argument("--socket", required=True)
    args = parser.parse_args()
    sys.exit(0 if run(args) else 1)


if __name__ == "__main__":
    main()
