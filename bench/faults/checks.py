"""The end of a fault run: what the driver counted against what the database and the
SMTP sink hold. Prints the requests table and the checks table; returns True when
every check holds.
"""

import collections
import re


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def requests_table(recorder):
    kinds = collections.defaultdict(list)
    for row in recorder.rows:
        kinds[row[0]].append(row)
    lines = ["| requests | count | 2xx/3xx | 4xx (expected) | unknown (killed) | errors | 503 retries | failed over | p50 ms | p99 ms |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    everything = []
    for kind in sorted(kinds):
        rows = kinds[kind]
        everything += rows
        lines.append(table_row(kind, rows))
    lines.append(table_row("**all**", everything))
    statuses = collections.Counter(row[1] for row in everything)
    return "\n".join(lines), statuses


def table_row(kind, rows):
    latencies = [r[3] * 1000 for r in rows if r[2] in ("ok", "4xx")]
    count = lambda outcome: sum(1 for r in rows if r[2] == outcome)  # noqa: E731
    return (f"| {kind} | {len(rows)} | {count('ok')} | {count('4xx')} | {count('unknown')} | {count('error')} | "
            f"{sum(r[5] for r in rows)} | {sum(1 for r in rows if r[6])} | {percentile(latencies, 50):.1f} | "
            f"{percentile(latencies, 99):.1f} |")


def final_checks(args, postgres, sink, recorder, businesses, workload, faults, drained):
    checks = []  # (check, holds, detail)

    def check(name, holds, detail):
        checks.append((name, bool(holds), detail))

    ids = ",".join(f"'{b.id}'" for b in businesses)
    invoices = postgres.rows(
        f"SELECT business_id, id, status, coalesce(number, ''), note FROM invoices WHERE business_id IN ({ids}) AND kind = 'invoice'")
    by_id = {row[1]: row for row in invoices}

    # Numbers: per business unique and 1..n without a gap.
    gaps = []
    issued_total = 0
    for b in businesses:
        numbers = [row[3] for row in invoices if row[0] == b.id and row[2] == "issued"]
        issued_total += len(numbers)
        seqs = sorted(int(re.search(r"(\d+)$", n).group(1)) for n in numbers)
        if len(set(numbers)) != len(numbers) or seqs != list(range(1, len(seqs) + 1)):
            gaps.append(f"business {b.index}: {len(numbers)} issued, numbers {seqs[:5]}..{seqs[-5:]}")
    counters = postgres.rows(f"SELECT business_id, last_number FROM numbering_series WHERE business_id IN ({ids}) AND kind = 'invoice'")
    for business_id, last in counters:
        issued_here = sum(1 for row in invoices if row[0] == business_id and row[2] == "issued")
        if int(last) != issued_here:
            gaps.append(f"business {business_id}: counter at {last}, {issued_here} issued (a number taken and lost)")
    check("issued invoice numbers unique and gap-free, per business", not gaps,
          f"{issued_total} issued in {len(businesses)} businesses" if not gaps else "; ".join(gaps))

    accepted_issues = [i for b in businesses for i in b.issued]
    not_issued = [i for i in accepted_issues if by_id.get(i, [None] * 3)[2] != "issued"]
    check("every accepted issue request's invoice is issued", not not_issued,
          f"{len(accepted_issues)} accepted" if not not_issued else f"not issued: {not_issued[:5]}")
    unknown_issues = [i for b in businesses for i in b.issue_unknown]
    odd = [i for i in unknown_issues if by_id.get(i, [None] * 3)[2] not in ("issued", "draft")]
    settled = collections.Counter(by_id[i][2] for i in unknown_issues if i in by_id)
    check("issue requests with unknown outcome: issued with a number or still a draft", not odd,
          f"{len(unknown_issues)} unknown: {dict(settled)}")

    # Creates: one invoice per accepted marker, at most one per unknown marker, none other.
    per_marker = collections.Counter(row[4].removeprefix("load ") for row in invoices if row[4].startswith("load "))
    accepted_markers = {m: i for b in businesses for m, i in b.created.items() if i}
    unknown_markers = {m for b in businesses for m in b.unknown_creates}
    missing = [m for m, i in accepted_markers.items() if i not in by_id]
    twice = [m for m, n in per_marker.items() if n > 1]
    stray = [m for m in per_marker if m not in accepted_markers and m not in unknown_markers]
    check("accepted creates stored exactly once (Idempotency-Key)", not (missing or twice or stray),
          f"{len(accepted_markers)} accepted, {len(unknown_markers)} unknown of which "
          f"{sum(1 for m in unknown_markers if m in per_marker)} stored; missing {len(missing)}, twice {len(twice)}, stray {len(stray)}")

    # Sends: deliveries per invoice within [accepted, accepted + unknown]; each sent once.
    deliveries = postgres.rows(f"SELECT invoice_id, id, status FROM invoice_deliveries WHERE business_id IN ({ids})")
    per_invoice = collections.Counter(row[0] for row in deliveries)
    wrong = []
    accepted_sends = unknown_sends = 0
    for b in businesses:
        for invoice, (accepted, unknown) in b.sends.items():
            accepted_sends += accepted
            unknown_sends += unknown
            if not accepted <= per_invoice.get(invoice, 0) <= accepted + unknown:
                wrong.append(f"{invoice}: {per_invoice.get(invoice, 0)} deliveries for {accepted} accepted + {unknown} unknown")
    check("every accepted send has its delivery (and no more)", not wrong,
          f"{accepted_sends} accepted, {unknown_sends} unknown, {len(deliveries)} deliveries" if not wrong else "; ".join(wrong[:3]))
    mails = collections.Counter(m["message_id"] for m in sink.snapshot())
    unsent = [row for row in deliveries if row[2] != "sent"]
    not_once = [(row[1], mails.get(f"<{row[1]}@fastfaktura>", 0)) for row in deliveries if mails.get(f"<{row[1]}@fastfaktura>", 0) != 1]
    check("every delivery sent, exactly one email each at the SMTP sink (by Message-ID)", not (unsent or not_once),
          f"{len(deliveries)} deliveries, {len(unsent)} not sent, {len(not_once)} not exactly once {not_once[:3]}")
    emails = postgres.rows("SELECT id, status FROM outgoing_emails")
    email_wrong = [(row[0], row[1], mails.get(f"<{row[0]}@fastfaktura>", 0)) for row in emails
                   if row[1] != "sent" or mails.get(f"<{row[0]}@fastfaktura>", 0) != 1]
    check("every queued email (sign-in codes) sent exactly once", not email_wrong,
          f"{len(emails)} emails" + (f"; wrong: {email_wrong[:3]}" if email_wrong else ""))
    duplicates = {m: n for m, n in mails.items() if n > 1}
    check("no Message-ID twice at the SMTP sink", not duplicates,
          f"{sum(mails.values())} messages received" + (f"; duplicates {list(duplicates.items())[:3]}" if duplicates else ""))

    # Jobs: none stuck or failed; none ran twice to completion (the effects above say so).
    jobs = dict((row[0], int(row[1])) for row in postgres.rows("SELECT status, count(*) FROM jobs GROUP BY status"))
    repeated = postgres.rows("SELECT kind, attempts, coalesce(last_error, '') FROM jobs WHERE attempts > 1 ORDER BY id")
    check("job queue drained: none pending, running or failed", drained is not None and set(jobs) <= {"done"},
          f"{jobs}, drained in {drained} s; {len(repeated)} needed more than one attempt"
          + (f" ({'; '.join(f'{k} x{a}: {e[:80]}' for k, a, e in repeated[:3])})" if repeated else ""))

    # Webhooks: each accepted payment recorded exactly once.
    payments = postgres.rows(
        f"SELECT business_id, provider_ref, count(*) FROM payments WHERE business_id IN ({ids}) AND method = 'card' GROUP BY 1, 2")
    recorded = {row[1]: int(row[2]) for row in payments}
    events = {row[0] for row in postgres.rows(f"SELECT event_id FROM stripe_events WHERE business_id IN ({ids})")}
    accepted_intents = {intent for b in businesses for intent, _ in b.events.values()}
    unknown_intents = {intent for b in businesses for intent in b.unknown_events.values()}
    lost = [i for i in accepted_intents if recorded.get(i) != 1]
    extra = [i for i in recorded if i not in accepted_intents and i not in unknown_intents or recorded[i] != 1]
    unrecorded_events = [e for b in businesses for e in b.events if e not in events]
    check("every accepted webhook payment recorded exactly once", not (lost or extra or unrecorded_events),
          f"{len(accepted_intents)} payments accepted, {len(unknown_intents)} unknown, {len(recorded)} recorded; "
          f"lost {len(lost)}, extra {len(extra)}, events missing {len(unrecorded_events)}")

    table, statuses = requests_table(recorder)
    errors = recorder.errors
    check("zero errors (5xx, 503 without Retry-After, unexpected 4xx, transport failures outside the kill)", not errors,
          f"{len(errors)} errors" + (": " + " | ".join(f"{k}: {d}" for k, d in errors[:5]) if errors else ""))

    print("\n## Faults\n")
    for name, value in faults.items():
        print(f"- {name}: {value}")
    print(f"- logins: {workload.logins}")
    print(f"- statuses: {dict(sorted(statuses.items()))}")
    print("\n## Requests\n")
    print(table)
    print("\n## Checks\n")
    print("| check | holds | detail |\n|---|---|---|")
    for name, holds, detail in checks:
        print(f"| {name} | {'yes' if holds else '**NO**'} | {detail} |")
    if errors:
        print("\nErrors (first 20):")
        for kind, detail in errors[:20]:
            print(f"  {kind}: {detail}")
    return all(holds for _, holds, _ in checks)
