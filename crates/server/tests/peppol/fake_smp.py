#!/usr/bin/env python3
"""A fake Peppol SMP (SMP 1.x REST binding, busdox namespace) on loopback for the participant lookup tests.

It signs its answers as the SMP specification (§5.5) asks: an enveloped XML signature over the whole
SignedServiceMetadata, RSA-SHA256 with a SHA-256 digest, the signer's certificate in KeyInfo/X509Data. The
answer is digested in inclusive canonical XML (the reference has only the enveloped-signature transform) and
SignedInfo is canonicalised exclusively: lxml's inclusive form of a subtree writes stray xmlns="" on
elements below an empty attribute, which a correct verifier rightly rejects. Canonical XML and signing come
from lxml (libxml2) and cryptography, an implementation independent of the Rust verifier's.

At start it makes a test PKI (cryptography): a "test SMP CA", an SMP certificate it issued (and an expired
one), an "untrusted CA" with an SMP certificate of the same name, and an access point certificate; it writes
DIR/smp-ca.der and DIR/smp-ca.pem, the CA the Rust side is told to trust.

Usage: fake_smp.py DIR
Prints {"base_url": ..., "ca_der": path, "ca_pem": path} on stdout when listening; stops when stdin closes.

API (GET):
  /{iso6523-actorid-upis::participant}                               ServiceGroup, or 404
  /{iso6523-actorid-upis::participant}/services/{busdox-docid-qns::doc} SignedServiceMetadata, or 404
  /_moved/{...same path...}                                            where a Redirect points (answered as above)
Test control (not part of the API):
  POST /_test/participants {"participant": "0192:987654325", "documents": [document type ids],
       "endpoint": "https://ap.example/as4", "behaviour": B, "delay": seconds}
    B is "ok" (default); "tamper" (an address changed after signing); "untrusted" (signed by the untrusted
    CA's certificate); "expired" (signed with an expired certificate); "slow" (every answer after `delay`
    seconds); "404", "500" (every answer); "redirect" (the metadata is a signed Redirect to /_moved/...,
    whose answer is signed as usual); "redirect_wrong_uid" (the Redirect names another certificate).
"""

import base64
import datetime
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

SMP_NS = "http://busdox.org/serviceMetadata/publishing/1.0/"
IDS_NS = "http://busdox.org/transport/identifiers/1.0/"
WSA_NS = "http://www.w3.org/2005/08/addressing"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
PARTICIPANT_SCHEME = "iso6523-actorid-upis"
DOCUMENT_SCHEME = "busdox-docid-qns"
PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
TRANSPORT = "peppol-transport-as4-v2_0"

lock = threading.Lock()
participants = {}  # lower-case participant value -> settings
pki = {}


def name(common_name, organisation):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IS"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def certificate(subject, key, issuer_name, issuer_key, not_before, not_after, ca=False):
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(directory):
    now = datetime.datetime.now(datetime.timezone.utc)
    year = datetime.timedelta(days=365)
    signers = {}
    for label in ("trusted", "untrusted"):
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca_name = name("PEPPOL SERVICE METADATA PUBLISHER TEST CA", f"FastFaktura {label} test")
        ca = certificate(ca_name, ca_key, ca_name, ca_key, now - year, now + 5 * year, ca=True)
        smp_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        smp_name = name("PTEST000001", "FastFaktura test SMP")
        signers[label] = (smp_key, certificate(smp_name, smp_key, ca_name, ca_key, now - year, now + year))
        if label == "trusted":
            trusted_ca, trusted_ca_key = ca, ca_key
            signers["expired"] = (
                smp_key,
                certificate(smp_name, smp_key, ca_name, ca_key, now - 2 * year, now - datetime.timedelta(days=1)),
            )
            ap_key = ec.generate_private_key(ec.SECP256R1())
            pki["ap"] = certificate(name("PTEST000002", "FastFaktura test AP"), ap_key, ca_name, ca_key,
                                    now - year, now + year)
    pki["signers"] = signers
    pki["other_subject"] = name("PTEST999999", "Somebody else").rfc4514_string()
    os.makedirs(directory, exist_ok=True)
    der_path = os.path.join(directory, "smp-ca.der")
    pem_path = os.path.join(directory, "smp-ca.pem")
    with open(der_path, "wb") as f:
        f.write(trusted_ca.public_bytes(serialization.Encoding.DER))
    with open(pem_path, "wb") as f:
        f.write(trusted_ca.public_bytes(serialization.Encoding.PEM))
    del trusted_ca_key
    return der_path, pem_path


def quote(text):
    return urllib.parse.quote(text, safe="")


def sub(parent, namespace, tag, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def sign(root, signer):
    """Adds the enveloped signature to `root` (lxml canonical XML, cryptography RSA)."""
    key, cert = pki["signers"][signer]
    digest = hashlib.sha256(etree.tostring(root, method="c14n")).digest()
    signature = etree.SubElement(root, f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS})
    signed_info = sub(signature, DSIG_NS, "SignedInfo")
    sub(signed_info, DSIG_NS, "CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    sub(signed_info, DSIG_NS, "SignatureMethod", Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    reference = sub(signed_info, DSIG_NS, "Reference", URI="")
    transforms = sub(reference, DSIG_NS, "Transforms")
    sub(transforms, DSIG_NS, "Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    sub(reference, DSIG_NS, "DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    sub(reference, DSIG_NS, "DigestValue", base64.b64encode(digest).decode())
    value = key.sign(etree.tostring(signed_info, method="c14n", exclusive=True), padding.PKCS1v15(), hashes.SHA256())
    sub(signature, DSIG_NS, "SignatureValue", base64.b64encode(value).decode())
    x509_data = sub(sub(signature, DSIG_NS, "KeyInfo"), DSIG_NS, "X509Data")
    sub(x509_data, DSIG_NS, "X509SubjectName", cert.subject.rfc4514_string())
    der = cert.public_bytes(serialization.Encoding.DER)
    sub(x509_data, DSIG_NS, "X509Certificate", base64.b64encode(der).decode())


def service_group(base_url, participant, settings):
    root = etree.Element(f"{{{SMP_NS}}}ServiceGroup", nsmap={None: SMP_NS, "ids": IDS_NS})
    sub(root, IDS_NS, "ParticipantIdentifier", participant, scheme=PARTICIPANT_SCHEME)
    collection = sub(root, SMP_NS, "ServiceMetadataReferenceCollection")
    for document in settings["documents"]:
        href = f"{base_url}/{quote(f'{PARTICIPANT_SCHEME}::{participant}')}/services/{quote(f'{DOCUMENT_SCHEME}::{document}')}"
        sub(collection, SMP_NS, "ServiceMetadataReference", href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def service_metadata(base_url, path, participant, document, settings, moved):
    behaviour = settings["behaviour"]
    root = etree.Element(f"{{{SMP_NS}}}SignedServiceMetadata", nsmap={None: SMP_NS, "ids": IDS_NS})
    metadata = sub(root, SMP_NS, "ServiceMetadata")
    if behaviour in ("redirect", "redirect_wrong_uid") and not moved:
        redirect = sub(metadata, SMP_NS, "Redirect", href=f"{base_url}/_moved{path}")
        smp_subject = pki["signers"]["trusted"][1].subject.rfc4514_string()
        sub(redirect, SMP_NS, "CertificateUID", smp_subject if behaviour == "redirect" else pki["other_subject"])
        sign(root, "trusted")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    information = sub(metadata, SMP_NS, "ServiceInformation")
    sub(information, IDS_NS, "ParticipantIdentifier", participant, scheme=PARTICIPANT_SCHEME)
    sub(information, IDS_NS, "DocumentIdentifier", document, scheme=DOCUMENT_SCHEME)
    process = sub(sub(information, SMP_NS, "ProcessList"), SMP_NS, "Process")
    sub(process, IDS_NS, "ProcessIdentifier", PROCESS, scheme="cenbii-procid-ubl")
    endpoint = sub(sub(process, SMP_NS, "ServiceEndpointList"), SMP_NS, "Endpoint", transportProfile=TRANSPORT)
    reference = etree.SubElement(endpoint, f"{{{WSA_NS}}}EndpointReference", nsmap={None: WSA_NS})
    sub(reference, WSA_NS, "Address", settings["endpoint"])
    sub(endpoint, SMP_NS, "RequireBusinessLevelSignature", "false")
    ap = pki["ap"]
    sub(endpoint, SMP_NS, "ServiceActivationDate", ap.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"))
    sub(endpoint, SMP_NS, "ServiceExpirationDate", ap.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"))
    sub(endpoint, SMP_NS, "Certificate", base64.b64encode(ap.public_bytes(serialization.Encoding.DER)).decode())
    sub(endpoint, SMP_NS, "ServiceDescription", "FastFaktura test access point")
    sub(endpoint, SMP_NS, "TechnicalContactUrl", "https://ap.example/contact")
    signer = {"untrusted": "untrusted", "expired": "expired"}.get(behaviour, "trusted")
    sign(root, signer)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if behaviour == "tamper":
        address = settings["endpoint"].encode()
        body = body.replace(address, address[:-1] + (b"X" if address[-1:] != b"X" else b"Y"))
    return body


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", content_type="text/xml; charset=UTF-8"):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the slow behaviour)

    def do_POST(self):
        if self.path != "/_test/participants":
            return self.answer(404)
        settings = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        settings.setdefault("behaviour", "ok")
        settings.setdefault("delay", 0)
        settings.setdefault("endpoint", "https://ap.example/as4")
        with lock:
            participants[settings["participant"].lower()] = settings
        self.answer(204)

    def do_GET(self):
        base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        path = self.path.split("?", 1)[0]
        moved = path.startswith("/_moved/")
        parts = [urllib.parse.unquote(p) for p in path.removeprefix("/_moved").strip("/").split("/")]
        scheme, _, participant = parts[0].partition("::")
        with lock:
            settings = participants.get(participant.lower()) if scheme.lower() == PARTICIPANT_SCHEME else None
        if settings is None:
            return self.answer(404)
        if settings["behaviour"] == "slow":
            time.sleep(settings["delay"])
        if settings["behaviour"] in ("404", "500"):
            return self.answer(int(settings["behaviour"]))
        if len(parts) == 1:
            return self.answer(200, service_group(base_url, settings["participant"], settings))
        if len(parts) == 3 and parts[1] == "services":
            doc_scheme, _, document = parts[2].partition("::")
            if doc_scheme == DOCUMENT_SCHEME and document in settings["documents"]:
                body = service_metadata(base_url, path.removeprefix("/_moved"), settings["participant"], document,
                                        settings, moved)
                return self.answer(200, body)
        return self.answer(404)


def main():
    der_path, pem_path = make_pki(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    print(json.dumps({"base_url": base_url, "ca_der": der_path, "ca_pem": pem_path}), flush=True)
    sys.stdin.read()  # the test process (our stdin's writer) went away
    server.shutdown()


if __name__ == "__main__":
    main()
