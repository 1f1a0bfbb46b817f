"""A webhook receiver for the tests, written as an integrator would write one: each
message is verified with the Standard Webhooks project's own Python library
(`standardwebhooks`), not with our code.

Prints {"base_url": ...} when listening; stops when stdin closes. Control (JSON):
  POST /_control/secrets  {"secrets": ["whsec_..", ...]}   the secrets to verify with
  POST /_control/behave   {"fail": N, "status": 500, "delay": 0.0}
                          answer the next N messages with `status` (after `delay` s)
  GET  /_control/received  every message: id, timestamp, signature, body, verified_by
                           (the indexes of the secrets that verify it), status answered
Messages: POST anywhere else.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
STATE = {"secrets": [], "fail": 0, "status": 500, "delay": 0.0, "received": []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b""):
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_control/received":
            with LOCK:
                body = json.dumps(STATE["received"]).encode()
            self.reply(200, body)
        else:
            self.reply(404)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/_control/secrets":
            with LOCK:
                STATE["secrets"] = json.loads(raw)["secrets"]
            return self.reply(204)
        if self.path == "/_control/behave":
            wanted = json.loads(raw)
            with LOCK:
                STATE["fail"] = wanted.get("fail", 0)
                STATE["status"] = wanted.get("status", 500)
                STATE["delay"] = wanted.get("delay", 0.0)
            return self.reply(204)
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            secrets = list(STATE["secrets"])
            failing = STATE["fail"] > 0
            if failing:
                STATE["fail"] -= 1
            status = STATE["status"] if failing else 200
            delay = STATE["delay"] if failing else 0.0
        verified_by = []
        for index, secret in enumerate(secrets):
            try:
                Webhook(secret).verify(raw, headers)
                verified_by.append(index)
            except WebhookVerificationError:
                pass
        if delay:
            time.sleep(delay)
        with LOCK:
            STATE["received"].append({
                "path": self.path,
                "id": headers.get("webhook-id"),
                "timestamp": headers.get("webhook-timestamp"),
                "signature": headers.get("webhook-signature"),
                "body": raw.decode(),
                "verified_by": verified_by,
                "status": status,
            })
        self.reply(status, b"{}")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
