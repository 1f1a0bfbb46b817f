#!/usr/bin/env python3
"""A fake Peppol SML zone on loopback (DNS over UDP and TCP, with dnslib) for the participant lookup tests.

It answers as the Peppol SML's DNS does under BDXL (Peppol SML specification, PEPPOL-LOOKUP.md §2): the name
  <base32(SHA-256(lower-case participant value)), lower case, no padding>.<scheme>.<zone>
has a NAPTR record, flag "U", service "Meta:SMP", regexp "!^.*$!<SMP base URL>!", for each registered
participant; any other name under the zone is NXDOMAIN. The hash is computed here on its own, so the tests
also check the Rust side's DNS name against an independent implementation.

Usage: fake_dns.py ZONE
Prints {"address": "127.0.0.1:PORT"} on stdout when listening (UDP and TCP on the same port).
Test control, one JSON object a line on stdin, each answered with a line "ok" on stdout:
  {"participant": "0192:987654325", "smp": "http://127.0.0.1:1234"}   register (scheme iso6523-actorid-upis)
  {"participant": "...", "smp": "...", "service": "Meta:Other"}       a NAPTR record for another service only
Stops when stdin closes.
"""

import base64
import hashlib
import json
import sys
import threading

from dnslib import NAPTR, QTYPE, RCODE, RR, DNSLabel
from dnslib.server import BaseResolver, DNSLogger, DNSServer

SCHEME = "iso6523-actorid-upis"
lock = threading.Lock()
records = {}  # lower-case DNS name -> (service, SMP base URL)


def dns_name(participant, zone):
    digest = hashlib.sha256(participant.lower().encode("utf-8")).digest()
    label = base64.b32encode(digest).decode("ascii").rstrip("=").lower()
    return f"{label}.{SCHEME}.{zone}".lower()


class Resolver(BaseResolver):
    def __init__(self, zone):
        self.zone = zone.lower().rstrip(".")

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        with lock:
            record = records.get(name)
        if record is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        service, smp = record
        if request.q.qtype in (QTYPE.NAPTR, QTYPE.ANY):
            rdata = NAPTR(100, 10, b"U", service.encode(), f"!^.*$!{smp}!".encode(), DNSLabel("."))
            reply.add_answer(RR(request.q.qname, QTYPE.NAPTR, ttl=60, rdata=rdata))
        return reply


def main():
    zone = sys.argv[1]
    resolver = Resolver(zone)
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    # UDP and TCP on one port number: the kernel picks a free UDP port, whose number may
    # be taken for TCP by another process of the test run; then pick again.
    for _attempt in range(50):
        udp = DNSServer(resolver, address="127.0.0.1", port=0, logger=quiet)
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(resolver, address="127.0.0.1", port=port, tcp=True, logger=quiet)
            break
        except OSError:
            udp.server.server_close()
    else:
        sys.exit("no port was free for both UDP and TCP")
    udp.start_thread()
    tcp.start_thread()
    print(json.dumps({"address": f"127.0.0.1:{port}"}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        with lock:
            records[dns_name(command["participant"], zone)] = (command.get("service", "Meta:SMP"), command["smp"])
        print("ok", flush=True)
    udp.stop()
    tcp.stop()


if __name__ == "__main__":
    main()
