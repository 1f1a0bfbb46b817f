"""An integrator's flow through a client generated from /api/v1/openapi.json.

Run by tests/integration/api_client.rs after `openapi-python-client` generated the
package `fastfaktura_client` into the directory named by FF_CLIENT_DIR. Only the
generated client's typed functions and models are used (no hand-written HTTP), so a
document that says something the server does not do fails here.

Environment: FF_BASE_URL, FF_API_TOKEN, FF_CLIENT_DIR, FF_TODAY (YYYY-MM-DD, the test
clock's day), FF_RECIPIENT (where the invoice is emailed).
"""

import datetime
import importlib
import os
import pkgutil
import sys
import time

sys.path.insert(0, os.environ["FF_CLIENT_DIR"])

import fastfaktura_client  # noqa: E402
from fastfaktura_client import AuthenticatedClient  # noqa: E402
from fastfaktura_client.api.default import (  # noqa: E402
    get_invoices_id,
    get_invoices_id_deliveries,
    get_invoices_id_pdf,
    post_customers,
    post_invoices,
    post_invoices_id_issue,
    post_invoices_id_link,
    post_invoices_id_payments,
    post_invoices_id_send,
)
from fastfaktura_client.models import (  # noqa: E402
    Customer,
    CustomerInput,
    CustomerInputKind,
    CustomerLink,
    DeliveryList,
    DeliveryStatus,
    DraftInput,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Line,
    LineVatCategory,
    PaymentInput,
    PaymentInputMethod,
    Problem,
    SendInput,
    SendInputChannelsItem,
)


def expect(response, status, model):
    """The parsed body of a response that must have `status` and be a `model`."""
    assert response.status_code == status, f"{response.status_code}: {response.content!r}"
    assert isinstance(response.parsed, model), f"{type(response.parsed)}: {response.content!r}"
    return response.parsed


def main():
    # Every generated module imports (the package "compiles" as a whole).
    for module in pkgutil.walk_packages(fastfaktura_client.__path__, "fastfaktura_client."):
        importlib.import_module(module.name)

    client = AuthenticatedClient(
        base_url=os.environ["FF_BASE_URL"], token=os.environ["FF_API_TOKEN"], raise_on_unexpected_status=True
    )
    recipient = os.environ["FF_RECIPIENT"]
    today = datetime.date.fromisoformat(os.environ["FF_TODAY"])

    customer = expect(
        post_customers.sync_detailed(
            client=client,
            body=CustomerInput(
                kind=CustomerInputKind.BUSINESS,
                name="Generated Client GmbH",
                country="DE",
                email=recipient,
                vat_number="DE811569869",
                currency="EUR",
            ),
        ),
        201,
        Customer,
    )
    assert customer.name == "Generated Client GmbH"
    assert customer.currency == "EUR", customer.currency

    lines = [
        Line(description="Beratung", quantity="7.5", unit="h", unit_price="120", vat_category=LineVatCategory.S, vat_rate="19"),
        Line(description="Reisekosten", quantity="1", unit_price="80.00", vat_category=LineVatCategory.S, vat_rate="7"),
    ]
    draft = expect(
        post_invoices.sync_detailed(client=client, body=DraftInput(customer_id=customer.id, lines=lines)),
        201,
        Invoice,
    )
    assert draft.status == InvoiceStatus.DRAFT and draft.kind == InvoiceKind.INVOICE
    assert draft.totals.payable == "1156.60", draft.totals

    # The same Idempotency-Key again returns the first answer, not a second invoice.
    issued = expect(post_invoices_id_issue.sync_detailed(draft.id, client=client, idempotency_key="issue-1"), 200, Invoice)
    again = expect(post_invoices_id_issue.sync_detailed(draft.id, client=client, idempotency_key="issue-1"), 200, Invoice)
    assert issued.number and issued.number == again.number, (issued.number, again.number)
    assert issued.status == InvoiceStatus.ISSUED
    assert issued.open_ == "1156.60", issued.open_

    queued = expect(
        post_invoices_id_send.sync_detailed(
            issued.id,
            client=client,
            body=SendInput(channels=[SendInputChannelsItem.EMAIL], recipient=recipient, attach_xml=True),
        ),
        202,
        DeliveryList,
    )
    assert [d.recipient for d in queued.data] == [recipient]

    for _ in range(100):
        deliveries = expect(get_invoices_id_deliveries.sync_detailed(issued.id, client=client), 200, DeliveryList)
        if deliveries.data[0].status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
            break
        time.sleep(0.1)
    assert deliveries.data[0].status == DeliveryStatus.SENT, deliveries.data[0]
    assert deliveries.data[0].error is None

    link = expect(post_invoices_id_link.sync_detailed(issued.id, client=client), 200, CustomerLink)
    assert "/i/" in link.url, link.url

    refused = post_invoices_id_payments.sync_detailed(
        issued.id, client=client, body=PaymentInput(paid_on=today, amount="99999")
    )
    problem = expect(refused, 422, Problem)
    assert problem.errors and problem.errors[0].field == "amount", problem

    paid = expect(
        post_invoices_id_payments.sync_detailed(
            issued.id,
            client=client,
            body=PaymentInput(paid_on=today, amount="1156.60", method=PaymentInputMethod.BANK_TRANSFER, reference="API"),
        ),
        201,
        Invoice,
    )
    assert paid.open_ == "0.00", paid.open_

    read_back = expect(get_invoices_id.sync_detailed(issued.id, client=client), 200, Invoice)
    assert read_back.paid == "1156.60" and read_back.open_ == "0.00", (read_back.paid, read_back.open_)
    assert read_back.number == issued.number
    assert read_back.payment_reference, "an issued invoice names its payment reference"
    pdf = get_invoices_id_pdf.sync(issued.id, client=client)
    assert pdf.payload.read(5) == b"%PDF-", "the PDF download is a PDF"
    print("flow ok", issued.number)


if __name__ == "__main__":
    main()
