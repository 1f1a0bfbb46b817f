"""The pieces bench/faults.sh runs on loopback: an SMTP sink that keeps every message
(so each email can be counted by Message-ID), the two `fastfaktura serve` instances
(started, SIGKILLed and restarted by the driver) and the private PostgreSQL cluster
(restarted with `pg_ctl restart -m fast`, queried with psql for the final checks).

Stdlib only, so the run needs nothing but Python 3.11, `requests` and the stripe
library the test suite already installs.
"""

import asyncio
import email
import email.policy
import os
import re
import signal
import subprocess
import threading
import time

import requests


class SmtpSink:
    """A minimal SMTP server (EHLO/MAIL/RCPT/DATA) that accepts everything."""

    def __init__(self):
        self.mails = []  # dicts: message_id, to, subject, text, at
        self.cond = threading.Condition()
        self.port = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready):
        async def main():
            server = await asyncio.start_server(self._session, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await server.serve_forever()

        asyncio.run(main())

    async def _session(self, reader, writer):
        def reply(text):
            writer.write(text.encode() + b"\r\n")

        reply("220 faults-sink ESMTP")
        recipients = []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                command = line.decode(errors="replace").strip()
                verb = command.upper()
                if verb.startswith("EHLO"):
                    reply("250-faults-sink\r\n250-8BITMIME\r\n250 SIZE 104857600")
                elif verb.startswith("HELO") or verb.startswith("NOOP"):
                    reply("250 OK")
                elif verb.startswith("MAIL FROM"):
                    recipients = []
                    reply("250 OK")
                elif verb.startswith("RCPT TO"):
                    recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    lines = []
                    while True:
                        data = await reader.readline()
                        if data in (b".\r\n", b".\n", b""):
                            break
                        lines.append(data[1:] if data.startswith(b"..") else data)
                    self._store(b"".join(lines), recipients)
                    reply("250 OK queued")
                elif verb == "RSET":
                    recipients = []
                    reply("250 OK")
                elif verb == "QUIT":
                    reply("221 Bye")
                    await writer.drain()
                    break
                else:
                    reply("502 Command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _store(self, raw, recipients):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = ""
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                try:
                    text += part.get_content()
                except Exception:  # an attachment named .txt, say; not what we look for
                    pass
        with self.cond:
            self.mails.append(
                {
                    "message_id": (message.get("Message-ID") or "").strip(),
                    "to": [r.lower() for r in recipients],
                    "subject": str(message.get("Subject") or ""),
                    "text": text,
                    "at": time.time(),
                }
            )
            self.cond.notify_all()

    def latest_code(self, address, since_index, timeout=60):
        """The newest sign-in code mailed to `address` after mail number `since_index`."""
        address = address.lower()
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for mail in reversed(self.mails[since_index:]):
                    if address in mail["to"]:
                        found = re.search(r"sign-in code is:\s*(\d{6})", mail["text"])
                        if found:
                            return found.group(1)
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def count(self):
        with self.cond:
            return len(self.mails)

    def snapshot(self):
        with self.cond:
            return list(self.mails)


class Instance:
    """One `fastfaktura serve` process; SIGKILL and restart on demand."""

    def __init__(self, name, binary, port, work, config):
        self.name, self.binary, self.port, self.config = name, binary, port, config
        self.data_dir = os.path.join(work, f"instance-{name}")
        os.makedirs(self.data_dir, exist_ok=True)
        self.log_path = os.path.join(work, f"instance-{name}.log")
        self.base = f"http://127.0.0.1:{port}"
        self.process = None
        self.killed_at = []  # (start, end) windows where in-flight requests have unknown outcome

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--config", self.config, "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"instance {self.name} exited at start; see {self.log_path}")
            try:
                if requests.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"instance {self.name} never became ready; see {self.log_path}")

    def kill9(self):
        self.killed_at.append(time.time())
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Postgres:
    """The run's own cluster: restart it, and ask it questions with psql."""

    def __init__(self, pg_bin, pgdata, socket_dir):
        self.pg_bin, self.pgdata, self.socket_dir = pg_bin, pgdata, socket_dir

    def restart(self):
        started = time.time()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", os.path.join(self.pg_bin, "pg_ctl"), "-D", self.pgdata, "-m", "fast", "-w",
             "-l", os.path.join(self.pgdata, "server.log"), "restart"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.time() - started

    def rows(self, sql):
        """Rows of `sql` as lists of strings (psql -At, fields split on |)."""
        out = subprocess.run(
            ["psql", "-X", "-At", "-h", self.socket_dir, "-U", "fastfaktura", "-d", "fastfaktura", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [line.split("|") for line in out.splitlines() if line]

    def scalar(self, sql):
        rows = self.rows(sql)
        return rows[0][0] if rows else None
