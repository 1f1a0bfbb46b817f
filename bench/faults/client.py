"""Requests to the two instances with the run's failover rules, and their record.

Rules (docs/faults.md says the same):
- A refused connection was never accepted: the request goes to the other instance.
- 503 with Retry-After (the database went away) is retried, on the same instance or the
  other, for up to RETRY_BUDGET seconds; the wait is capped at 0.5 s so the run keeps
  its pace. It is counted as "retried", not as an error, when a retry then succeeds.
- A connection that broke after the request was sent (the instance was SIGKILLed) has
  an unknown outcome. Requests that are safe to repeat (GETs, API POSTs with an
  Idempotency-Key, webhooks, which are idempotent by event id) are repeated on the
  other instance, as a client or Stripe would; other web-form POSTs are recorded as
  "unknown" and the final counting reconciles them.
- Any other 5xx, a 503 without Retry-After, a transport failure outside a kill window,
  or a retry budget spent is an error.
"""

import threading
import time

import requests

RETRY_BUDGET = 60.0


class Outcome:
    OK = "ok"
    CLIENT = "4xx"
    UNKNOWN = "unknown"
    ERROR = "error"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (kind, status or 0, outcome, latency seconds, attempts, retried_503, failed_over)
        self.errors = []  # (kind, detail) for the report

    def add(self, kind, status, outcome, latency, attempts, retried, failed_over, detail=None):
        with self.lock:
            self.rows.append((kind, status, outcome, latency, attempts, retried, failed_over))
            if outcome == Outcome.ERROR:
                self.errors.append((kind, detail or f"status {status}"))


class Cluster:
    """The two instances as one client sees them."""

    def __init__(self, instances, recorder):
        self.instances = instances
        self.recorder = recorder
        self.local = threading.local()
        # Requests under way per instance: the kill waits for some, so it hits work.
        self.inflight = {instance.name: 0 for instance in instances}
        self.inflight_lock = threading.Lock()

    def _session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def _killed_during(self, instance, start):
        return any(start - 1 <= at <= time.time() + 1 for at in instance.killed_at)

    def request(self, kind, method, path, prefer=0, repeatable=None, expect=(), **kwargs):
        """One logical request; returns (response or None, outcome). `expect` lists 4xx
        statuses that are a normal answer for this kind (anything else is an error)."""
        if repeatable is None:
            repeatable = method == "GET"
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", (2, 60))
        start = time.time()
        attempts = retried = 0
        failed_over = False
        order = [self.instances[prefer % 2], self.instances[(prefer + 1) % 2]]
        index = 0
        last = None
        while time.time() - start < RETRY_BUDGET:
            instance = order[index % 2]
            attempts += 1
            sent = time.time()
            session = self._session()
            session.cookies.clear()  # each call passes its own cookies; none leak between businesses
            try:
                with self.inflight_lock:
                    self.inflight[instance.name] += 1
                try:
                    response = session.request(method, instance.base + path, **kwargs)
                finally:
                    with self.inflight_lock:
                        self.inflight[instance.name] -= 1
            except requests.exceptions.ConnectionError as e:
                refused = "refused" in str(e).lower() or "NewConnectionError" in repr(e)
                if refused:
                    index += 1
                    failed_over = True
                    if attempts % 2 == 0:
                        time.sleep(0.2)
                    continue
                if self._killed_during(instance, sent):
                    if repeatable:
                        index += 1
                        failed_over = True
                        continue
                    self.recorder.add(kind, 0, Outcome.UNKNOWN, time.time() - start, attempts, retried, failed_over)
                    return None, Outcome.UNKNOWN
                last = f"transport: {e}"
                break
            except requests.exceptions.Timeout as e:
                last = f"timeout: {e}"
                if self._killed_during(instance, sent) and not repeatable:
                    self.recorder.add(kind, 0, Outcome.UNKNOWN, time.time() - start, attempts, retried, failed_over)
                    return None, Outcome.UNKNOWN
                break
            status = response.status_code
            if status == 503 and response.headers.get("Retry-After"):
                retried += 1
                last = f"503 (Retry-After {response.headers.get('Retry-After')}): {response.text[:200]}"
                time.sleep(0.5)
                if retried % 3 == 0:
                    index += 1
                continue
            latency = time.time() - start
            if status >= 500:
                self.recorder.add(kind, status, Outcome.ERROR, latency, attempts, retried, failed_over,
                                  f"{method} {path} -> {status} on {instance.name}: {response.text[:300]}")
                return response, Outcome.ERROR
            if status >= 400 and status not in expect:
                self.recorder.add(kind, status, Outcome.ERROR, latency, attempts, retried, failed_over,
                                  f"{method} {path} -> unexpected {status} on {instance.name}: {response.text[:300]}")
                return response, Outcome.ERROR
            outcome = Outcome.CLIENT if status >= 400 else Outcome.OK
            self.recorder.add(kind, status, outcome, latency, attempts, retried, failed_over)
            return response, outcome
        self.recorder.add(kind, 0, Outcome.ERROR, time.time() - start, attempts, retried, failed_over,
                          f"{method} {path}: {last or 'retry budget spent'}")
        return None, Outcome.ERROR
