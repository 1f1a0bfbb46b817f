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
from moto.server import ThreadedMotoServer  # noqa: E402

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
