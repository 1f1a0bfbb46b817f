# Peppol: participant lookup and sending e-invoices over the network (issue 21).
