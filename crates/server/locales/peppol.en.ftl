# Peppol: participant lookup and sending e-invoices over the network (issue 21).

## Settings → E-invoicing
peppol-settings-title = E-invoicing
peppol-settings-intro = Send invoices over the Peppol network straight into your customers' accounting systems, and receive your suppliers' e-invoices, through an access point provider.
peppol-own-id = Your business is { $id } on the Peppol network.
peppol-own-id-missing = Your business has no Peppol participant id yet: add your registration or VAT number under Business, or type the id below.
peppol-connected = Connected: invoices can go out over Peppol.
peppol-not-connected = Not connected: choose your access point provider and enter its details.
peppol-own-id-label = Your Peppol participant id
peppol-own-id-hint = Left empty, it comes from your registration or VAT number, such as 0192:987654325 for a Norwegian company.
peppol-provider = Access point provider
peppol-provider-none = None
peppol-legal-entity = Your legal entity id at the provider
peppol-api-key = API key
peppol-webhook-secret = Webhook secret
peppol-webhook-hint = Enter this address for webhooks at the provider, with the same secret:
peppol-write-only = The key and secret are stored encrypted and never shown again; leave them empty to keep the saved ones.
peppol-provider-unknown = choose a provider from the list
peppol-legal-entity-shape = should be the number the provider gave your legal entity
peppol-secret-shape = may only contain letters, digits and punctuation, at most 200 characters

## Sending over Peppol
send-by-peppol = Over Peppol to { $id }
send-peppol-not-connected = Peppol is not set up: connect an access point in Settings → E-invoicing.
send-peppol-no-participant = The customer has no Peppol participant id: add their registration or VAT number, or their Peppol id, on the customer.
send-peppol-not-checked = Peppol: { $id } has not been looked up successfully yet; check it on the customer's page.
send-peppol-not-receiving = Peppol: { $id } does not receive this document over Peppol, as last checked on the customer's page.
send-peppol-already = This document has already been sent over Peppol.
delivery-channel-peppol = Peppol
delivery-submitted = Submitted to the access point { $when }
delivery-delivered = Delivered to the customer's access point { $when }

## The customer page
customer-peppol-heading = E-invoices over Peppol
customer-peppol-id = Peppol participant id: { $id }
customer-peppol-none = No Peppol participant id: add the customer's registration or VAT number, or their Peppol id, to find out whether they receive e-invoices.
customer-peppol-unchecked = Not looked up yet.
customer-peppol-invoices = invoices
customer-peppol-credit-notes = credit notes
customer-peppol-receives = Receives { $documents } over Peppol (checked { $date }).
customer-peppol-registered-nothing = Registered on Peppol, but not for invoices or credit notes (checked { $date }).
customer-peppol-not-registered = Not on the Peppol network (checked { $date }): send by email instead.
customer-peppol-refused = The Peppol directory's answer could not be trusted (checked { $date }): { $reason }
customer-peppol-unreachable = The Peppol directory did not answer (checked { $date }): { $reason }. Try again later.
customer-peppol-check = Check now

## Settings → Business: the contact on documents
label-contact-name = Contact person
label-contact-email = Contact email
label-contact-phone = Contact phone
settings-contact-hint = Printed on your invoices as who to contact. German public buyers (XRechnung) require all three.
contact-phone-shape = should be a phone number with at least three digits, such as +354 555 1234

## XRechnung (German buyers): what a document still needs
xrechnung-not-an-invoice = XRechnung is for invoices and credit notes, not quotes ({ $rule })
xrechnung-seller-contact-name = XRechnung needs your contact person: add it under Settings → Business ({ $rule })
xrechnung-seller-phone = XRechnung needs your contact phone: add it under Settings → Business ({ $rule })
xrechnung-seller-email = XRechnung needs your contact email: add it under Settings → Business ({ $rule })
xrechnung-seller-city = XRechnung needs your city: add it under Settings → Business ({ $rule })
xrechnung-seller-postcode = XRechnung needs your postcode: add it under Settings → Business ({ $rule })
xrechnung-buyer-city = XRechnung needs the customer's city ({ $rule })
xrechnung-buyer-postcode = XRechnung needs the customer's postcode ({ $rule })
xrechnung-buyer-electronic-address = XRechnung needs the customer's Peppol id or email address ({ $rule })
xrechnung-payment-account = XRechnung needs payment instructions: add your IBAN under Settings → Business ({ $rule })
xrechnung-leitweg-id = The customer's Leitweg-ID { $value } is not valid ({ $rule })
xrechnung-buyer-reference = A public buyer's reference must be its Leitweg-ID { $value }, not { $reference } ({ $rule })
xrechnung-payment-terms-line = The payment terms line { $value } is not a valid Skonto line ({ $rule })

## The e-invoice rules (our EN 16931 and Peppol validator)
doc-rules-failed = The e-invoice breaks these rules, so it was not issued or sent: { $problems }

## Receiving over Peppol
peppol-receive-heading = Receive e-invoices
peppol-receive-intro = Register your participant id at your access point provider, so that suppliers' e-invoices sent to it arrive under Bills.
peppol-receive-button = Receive e-invoices over Peppol
peppol-receiving = Registered: e-invoices sent to { $id } now arrive under Bills.
peppol-receive-no-id = Your business needs a Peppol participant id first: add your registration or VAT number under Business, or type the id above.
peppol-receive-refused = The access point provider refused: { $reason }
