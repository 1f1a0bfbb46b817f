# Received invoices (the inbox) and bills to pay (issue 21).
