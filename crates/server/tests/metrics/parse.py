"""Parses a Prometheus text exposition (stdin) with the official Python client's
parser (prometheus_client.parser, installed by scripts/install-deps) and prints the
families as JSON for tests/integration/metrics.rs: a malformed exposition fails
here, not in a hand-written reader of ours."""

import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "help": family.documentation,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    })
# allow_nan=False: a NaN or infinite value is a defect of ours, and must fail loudly.
print(json.dumps(families, allow_nan=False))
