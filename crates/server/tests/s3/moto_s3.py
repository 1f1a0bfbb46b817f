#!/usr/bin/env python3
"""An S3-compatible server on loopback that checks request signatures, for the
backup tests: moto in server mode with IAM enforced.

moto accepts any credentials unless INITIAL_NO_AUTH_ACTION_COUNT is set; then, after
that many unauthenticated calls, every request must carry a valid SigV4 signature of a
known IAM access key allowed by its policy. We spend the free calls on creating that
user, its policy, its key and the bucket, print them as one JSON line, and serve until
stdin closes (the test process exited)."""
import json
import os
import sys

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "4"

import boto3  # noqa: E402
from moto.iam import access_control  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from urllib.parse import quote, unquote, urlsplit, urlunsplit  # noqa: E402

# moto 5.2 recomputes the signature over the query string as the server received it,
# so a value with a character SigV4 percent-encodes (the "/" in every list prefix)
# never matches, even for boto3's own requests. Canonicalise the query as SigV4 does;
# the signature is still checked in full.
_create_aws_request = access_control.IAMRequestBase._create_aws_request


def _canonical_query_request(self):
    parts = urlsplit(self._path)
    if parts.query:
        pairs = [p.partition("=") for p in parts.query.split("&")]
        query = "&".join(f"{quote(unquote(k), safe='-_.~')}={quote(unquote(v), safe='-_.~')}" for k, _, v in pairs)
        self._path = urlunsplit(parts._replace(query=query))
    return _create_aws_request(self)


access_control.IAMRequestBase._create_aws_request = _canonical_query_request

BUCKET = "ff-backups"

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
endpoint = f"http://{host}:{port}"
setup = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="setup", aws_secret_access_key="setup")
iam = boto3.client("iam", **setup)
iam.create_user(UserName="fastfaktura")
iam.put_user_policy(
    UserName="fastfaktura",
    PolicyName="backups",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="fastfaktura")["AccessKey"]
s3 = boto3.client(
    "s3",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"],
)
s3.create_bucket(Bucket=BUCKET)
print(
    json.dumps(
        {
            "endpoint": endpoint,
            "bucket": BUCKET,
            "access_key_id": key["AccessKeyId"],
            "secret_access_key": key["SecretAccessKey"],
        }
    ),
    flush=True,
)
sys.stdin.read()
server.stop()
