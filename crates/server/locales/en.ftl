# FastFaktura user interface: English (the reference catalogue).
# Every id here must also be in is.ftl (a unit test checks both ways).

## Header and navigation

nav-label = Main
nav-dashboard = Dashboard
nav-invoices = Invoices
nav-customers = Customers
nav-products = Products
nav-settings = Settings
nav-members = Members
nav-api = API
nav-account = Account
skip-to-content = Skip to content
nav-log-out = Log out
nav-log-out-everywhere = Log out everywhere
language-switch-label = Language
language-unknown = Unknown language: choose English or Icelandic.

## Shared words

button-save = Save
button-cancel = Cancel
button-search = Search
button-archive = Archive
page-previous = ← Previous
page-next = Next →
saved = Saved.
form-correct-fields = Please correct the fields marked below.
# A field's name, then what is wrong with it: "Name is required".
field-error = { $label } { $message }
form-required = is required
form-max-chars = can have at most { $max } characters
form-language = must be English or Icelandic
form-not-negative = must not be negative
form-percent-range = must be from 0 to 100 %
form-date = must be a real date written as YYYY-MM-DD
form-not-a-number = is not a number (write it like 1,490.50)
form-decimals = can have at most { $max } decimal places
form-too-large = is too large
form-number-ambiguous = could mean { $decimal } or { $grouped }: on this page “,” separates thousands and “.” decimals, so write { $decimal } for a decimal number
never = never

## Roles

role-owner = owner
role-member = member
role-accountant = accountant
role-accountant-read-only = accountant (read-only)

## Field labels

label-name = Name
label-legal-name = Legal name
label-type = Type
label-email = Email
label-email-address = Email address
label-phone = Phone
label-address = Address
label-postal-code = Postal code
label-city = City
label-country = Country
label-country-iso = Country (ISO code)
label-vat-number = VAT number
label-registration-id = Registration id
label-registration-id-long = Registration id (kennitala, organisationsnummer)
label-iban = IBAN
label-bic = BIC
label-currency = Currency
label-default-currency = Default currency
label-payment-terms = Payment terms
label-payment-terms-days = Payment terms (days)
label-invoice-language = Invoice language
label-language = Language
label-unit = Unit
label-price = Price
label-price-net = Price (without VAT)
label-vat-category = VAT category
label-vat-rate = VAT rate
label-vat-rate-percent = VAT rate %
label-customer = Customer
label-document = Document
label-prices = Prices
label-prices-entered = Prices are entered
label-invoice-discount = Invoice discount
label-invoice-discount-percent = Invoice discount %
label-note = Note
label-note-on-invoice = Note on the invoice
label-description = Description
label-quantity = Quantity
label-discount = Discount
label-exemption-reason = Exemption reason
label-date = Date
label-amount = Amount
label-method = Method
label-reference = Reference
label-role = Role
label-scope = Scope
label-prefix = Prefix
label-digits = Digits

## Login

login-title = Sign in
login-heading = Sign in or create your account
login-intro = Enter your email address and we will send you a 6-digit code. No password needed.
login-send-code = Send me a code
code-title = Enter your code
code-heading = Check your email
code-intro = Enter the 6-digit code we sent you. It is valid for 10 minutes.
code-sent-to = We sent a 6-digit code to
code-valid-for = It is valid for 10 minutes.
code-label = Code
code-submit = Sign in
code-no-mail = No mail? Check your spam folder, or
code-ask-new = ask for a new code
start-again-title = Start again
start-again-heading = Please start again
start-again-link = Get a new sign-in code
login-no-challenge = This sign-in has expired or was started in another browser. Please enter your email address again to get a new code.
login-wrong-code = That code is not right, or it has expired.
login-attempts-left =
    { $attempts ->
        [one] You have { $attempts } more try with this code.
       *[other] You have { $attempts } more tries with this code.
    }
login-code-empty = Please enter the 6-digit code from the email.
login-code-not-six-digits = The code has exactly 6 digits (0–9). Please check it and type it again.
login-burned = That code was wrong five times, so it no longer works. Please request a new code.
login-locked = This code was entered wrongly too many times and no longer works, even if it is right. Please request a new code.
login-suspended = Too many wrong codes were entered for this account, so sign-in with a code is paused. You can try again { $wait }.
login-account-suspended = This account has been suspended by FastFaktura. Please contact support.
login-too-many-for-address = Too many codes were requested for this address. Please wait before asking for another one.
login-too-many-from-network = Too many codes were requested from your network. Please wait before asking for another one.
mail-code-subject = Your FastFaktura sign-in code
mail-code-body =
    Hello,

    Your FastFaktura sign-in code is:

    {"    "}{ $code }

    It is valid for 10 minutes and can be used once.

    It was requested on { $when } (UTC) from the IP address { $ip }.
    If this wasn't you, ignore this email: nobody can sign in without the code, and your account is safe.

    FastFaktura

## Waiting

wait-minute = in a minute
wait-minutes = in { $minutes } minutes
wait-hours = in about { $hours } hours

## Error pages

error-back = Back to FastFaktura
error-title-bad-request = That did not work
error-title-too-large = Too large
error-title-forbidden = Not allowed
error-title-conflict = Not saved
error-title-not-found = Not found
error-title-too-many = Please wait
error-title-unavailable = Temporarily unavailable
error-title-unexpected = Something went wrong
error-not-found = There is no page at this address.
error-try-again = { $message } You can try again { $wait }.
error-unavailable = FastFaktura cannot reach its database right now. Nothing was lost; please try again in a minute.
error-unexpected = Something went wrong on our side. Nothing was changed; please try again.
error-form-too-large = That form was far too large. Please go back and try again.
error-form-unreadable = That form could not be read. Please go back, reload the page and try again.
error-query-unreadable = That address has a search or page value we could not read. Please go back and try again.
error-cross-origin = This request came from another website, so it was refused to protect your account. Please open FastFaktura directly and try again.
error-owner-only = Only the owner of this business can do that.
error-owner-only-money = Only an owner can change where payments go (bank account, card-payment and SMS keys). Ask an owner of this business.
error-read-only = Your role in this business is read-only (accountant), so you cannot change anything here.
error-issued-immutable = Issued invoices cannot change; create a credit note to correct one.
error-draft-conflict = Someone else saved this draft after you opened it, so your changes were not saved. Open the invoice again to see the latest version, then make your changes once more.

## Dashboard

dashboard-title = Dashboard
dashboard-signed-in-as = You are signed in as { $email } ({ $role }).
dashboard-start-1 = Start by
dashboard-start-profile = setting up your business details
dashboard-start-2 = (name, address, VAT number, bank account): they are printed on every invoice. Then
dashboard-start-customer = add a customer
dashboard-start-3 = and
dashboard-start-invoice = write your first invoice
dashboard-no-issued = No issued invoices yet.
dashboard-outstanding = Outstanding
dashboard-overdue = Overdue
dashboard-paid-this-month = Paid this month
dashboard-new-invoice = New invoice
dashboard-other-businesses = Your other businesses
dashboard-switch-to = Switch to { $name }

## Business settings

settings-title = Business settings
settings-payment-terms-range = must be a number of days from 0 to 365

logo-title = Logo
logo-intro = Printed at the top of your invoices. A PNG or JPEG of at most 512 KiB and 2000 × 2000 pixels; a wide logo with a transparent or white background looks best.
logo-back = Back to
logo-back-link = business settings
logo-saved = Logo saved.
logo-current-alt = Your current logo
logo-none = No logo yet.
logo-replace-with = Replace with
logo-choose = Choose a file
logo-upload = Upload logo
logo-remove = Remove logo
logo-choose-file = Please choose the logo file with the form below.
logo-too-large = The logo can be at most 512 KiB; please choose a smaller file.
logo-unreadable = The upload could not be read; please try again.

## Numbering

numbering-title = Numbering
numbering-intro = Every issued document gets the next number of its series, without gaps. Changing the pattern keeps the counter.
numbering-yearly-reset = Start again each year (year in the number)
numbering-next = Next number:
series-invoice = Invoices
series-credit-note = Credit notes
series-quote = Quotes
numbering-error-series = Series: choose invoices, credit notes or quotes.
numbering-error-prefix = Prefix: at most 20 letters, digits, and - / _ . characters.
numbering-error-digits = Digits: a number from 1 to 10.

## Members

members-title = Members
members-remove = Remove
members-invited = { $role } · invited { $date }
members-revoke = Revoke invitation
members-invite-heading = Invite someone
members-role-member = Member: can invoice and record payments
members-role-accountant = Accountant: can see everything, change nothing
members-send = Send invitation
members-error-role = Role: choose member or accountant (read-only).
members-already-member = { $email } is already a member.
members-already-invited = { $email } already has an open invitation.
members-invitation-sent = Invitation sent to { $email }.

## API tokens

api-title = API tokens
api-intro = Tokens let your other software use the FastFaktura API
api-openapi-link = OpenAPI document
api-intro-send = Send one as
api-new-token-shown = Your new token (copy it now: it will not be shown again):
api-col-created = Created
api-col-last-used = Last used
api-scope-read-write = read and write
api-scope-read = read only
api-revoke = Revoke
api-new-heading = New token
api-name-placeholder = e.g. Accounting sync
api-option-read = Read only
api-option-write = Read and write
api-create = Create token
api-col-created-by = Created by
api-col-expires = Expires
api-no-expiry = Never
api-label-expires = Expires
api-expires-in-days = In { $days } days
api-error-lifetime = Choose how long the token lives: 30, 90 or 365 days, or never.
api-tokens-belong = A token acts for you: it stops working when you leave the business or your account is suspended. An accountant's token only reads.
api-scope-owner = read, write and the owner's actions
api-option-owner = Read, write and the owner's actions
api-error-owner-scope = Only the owner can give a token the owner's actions.
api-owner-scope-note = With the owner's actions a token can also change numbering, undo bank matches, remove payments and read the activity log. Where customers pay (bank account, payment and SMS providers) is changed only by you, signed in.

## Customers

customers-title = Customers
customers-search-placeholder = Search by name or email
customers-search-label = Search customers
customers-new = New customer
customers-none = No customers.
customers-none-match = No customers match “{ $q }”.
customer-title = Customer
customer-edit = Edit customer
customer-kind-business = Business
customer-kind-person = Person
customer-kind-error = must be a business or a person
customer-registration-hint = Kennitala, organisation number, CVR or Y-tunnus. It is printed on invoices and used to address e-invoices.
customer-language-auto = From the country
customer-archive = Archive customer
customer-archive-hint = Archived customers disappear from lists; their invoices stay.

## Products

products-title = Products and services
products-search-placeholder = Search by name
products-search-label = Search products
products-new = New product or service
products-none = Nothing in the catalogue.
products-none-match = Nothing in the catalogue matches “{ $q }”.
product-title = Product or service
product-edit = Edit product or service
product-unit-placeholder = h, pcs, month

## VAT categories (EN 16931)

vat-standard = Standard rate
vat-zero = Zero rated
vat-exempt = Exempt
vat-reverse-charge = Reverse charge
vat-intra-community = Intra-community supply
vat-export = Export outside the EU
vat-outside-scope = Outside the scope of VAT

## Invoices: list

invoices-title = Invoices
invoices-search-placeholder = Search by customer or number
invoices-search-label = Search invoices
invoices-filter-label = Show
filter-all = All
filter-open = Open
filter-overdue = Overdue
filter-paid = Paid
filter-draft = Drafts
filter-quote = Quotes
filter-credit-note = Credit notes
invoices-new = New invoice or quote
invoices-recurring = Recurring
invoices-none = No invoices.
invoices-none-match = No invoices match “{ $q }”.
invoices-draft-number = (draft)
invoices-credit-note-badge = credit note
col-number = Number
col-issued = Issued
col-due = Due
col-total = Total
col-open = Open
col-status = Status

## Document kinds and statuses

doc-invoice = Invoice
doc-credit-note = Credit note
doc-quote = Quote
status-draft = Draft
status-credit-note = Credit note
status-quote = Awaiting answer
status-quote-converted = Turned into an invoice
status-quote-accepted = Accepted
status-quote-declined = Declined
status-quote-expired = Expired
status-credited = Credited
status-paid = Paid
status-overdue = Overdue
status-partially-paid = Partially paid
status-issued = Issued

## Invoices: new and editor

invoice-new-first = First
invoice-new-first-link = add the customer
invoice-new-first-after = you are invoicing.
invoice-kind-quote-long = Quote (an offer the customer can accept; turn it into an invoice later)
prices-net = without VAT
prices-gross = including VAT
invoice-create-draft = Create draft
invoice-choose-customer = Customer: please choose who the invoice is for.
editor-title =
    { $kind ->
        [credit_note] Draft credit note
        [quote] Draft quote
       *[other] Draft invoice
    }
editor-intro = A draft has no number yet; it gets the next number of its series when you issue it. After that it cannot change.
editor-lines = Lines
editor-col-qty = Qty
editor-col-unit-price = Unit price
editor-col-unit-price-gross = Unit price incl. VAT
editor-col-discount = Disc. %
editor-col-vat = VAT
editor-col-net = Net
editor-add-from-catalogue = Add from catalogue
editor-add = Add
editor-save = Save and recalculate
editor-issue =
    { $kind ->
        [credit_note] Issue credit note
        [quote] Issue quote
       *[other] Issue invoice
    }
editor-delete = Delete draft
# A field of an invoice line, in error messages: "Line 2: unit price".
line-field = Line { $n }: { $field }
line-description = description
line-quantity = quantity
line-unit = unit
line-unit-price = unit price
line-discount = discount
line-vat-category = VAT category
line-vat-rate = VAT rate
line-exemption-reason = exemption reason
line-amount = amount
line-not-negative-on-invoice = must not be negative on an invoice (correct an issued invoice with a credit note)

## Totals

totals-label = Totals
totals-lines = Lines
totals-discount = Discount
totals-without-vat = Total without VAT
totals-vat-rate = VAT { $rate }%
totals-vat-on = { $label } on { $taxable }
totals-rounding = Rounding
totals-total = Total

## Invoices: view, payments, credit notes, quotes, recurring

view-to = To
view-issued = issued { $date }
view-due = due { $date }
view-corrects = Corrects invoice
view-quote-converted = This quote became invoice
view-convert = Turn into an invoice
view-convert-hint = Creates a draft invoice with the same customer and lines.
view-payments = Payments
view-no-payments = No payments recorded.
view-payment-refunded = { $amount } refunded
view-still-open = Still open:
view-owed-to-customer = Paid { $amount } more than is owed once the credit notes are counted: the customer has it to get back (refund it, or set it against a later invoice).
view-record-payment-heading = Record a payment
view-record-payment = Record payment
view-repeat-label = Repeat: a new draft every
view-repeat-months = month(s)
view-repeat = Repeat
view-credit = Correct with a credit note
view-credit-hint = Issued invoices cannot change. A credit note reverses all or part of this one.
method-bank-transfer = Bank transfer
method-cash = Cash
method-card = Card
method-other = Other
payment-amount-positive = must be more than zero
payment-method-error = must be bank transfer, cash, card or other
recurring-title = Recurring invoices
recurring-intro = On each date, a draft copy of the invoice is created for you to check and issue, or, if you chose so, it is issued and emailed to the customer automatically. Start one from an issued invoice.
recurring-none = No recurring invoices.
recurring-col-invoice = Invoice
recurring-col-every = Every
recurring-col-next = Next draft on
recurring-every =
    { $months ->
        [one] { $months } month
       *[other] { $months } months
    }
recurring-stop = Stop
view-repeat-auto-send = Issue and email it to the customer automatically
recurring-auto-send = issued and emailed automatically

## Customer link (owner's side) and the customer's page

link-heading = Customer link
link-hint = Anyone with this link can see this document, without an account. Send it to your customer.
link-none = Share this document with your customer through a private link: they see it in their browser, without an account.
link-create = Create customer link
link-open = Open
link-rotate = Replace link
link-revoke = Turn off link
link-not-viewed = Not opened by the customer yet.
link-viewed = Opened { $count ->
    [one] once
   *[other] { $count } times
}, first on { $first }.
customer-pay-heading = Payment
customer-pay-by-transfer = Please pay by bank transfer to:
customer-pay-by-card = Pay by card
customer-pay-unavailable = Card payment is not available right now. Please try again in a little while, or pay by bank transfer.
customer-pay-not-chargeable = This amount cannot be paid by card. Please pay by bank transfer.
customer-payment-confirming = Thank you. Your payment is being confirmed and will show here in a moment.
customer-invoice-paid = This invoice is paid. Nothing more is due.
customer-invoice-paid-owed = This invoice is paid, and its credit notes leave { $amount } for you to get back.
customer-page-too-many = Too many requests from your network. Please wait a little and try again.
downloads-label = Download:
view-pdf = View PDF
download-pdf = PDF
download-ubl = UBL e-invoice (Peppol)
download-cii = CII e-invoice (Factur-X)

## Sending documents

send-heading = Send to the customer
send-to = Email address
send-attach-xml = Also attach the e-invoice files (UBL and CII)
send-button = Send
send-by-email = By email
send-by-sms = By SMS
send-phone = Mobile number
send-sms-not-set-up = SMS is not available: no SMS provider is set up (Settings → SMS).
send-col-channel = Channel
send-no-channel = Choose email, SMS or both.
send-bad-email = Email address: that does not look like an email address; it needs one @ with a name before it and a domain such as example.com after it.
send-bad-phone = Mobile number: enter it in international form with the country code, such as +354 555 1234.
send-sms-unavailable = SMS is not set up: add an SMS provider in Settings → SMS, or ask the operator to set one up.
delivery-sending = Sending
delivery-channel-email = Email
delivery-channel-sms = SMS
delivery-kind-reminder = { $channel } (reminder)
delivery-kind-recurring = { $channel } (recurring)
sms-invoice = { $seller }: invoice { $number }, { $amount } due { $due }. View and pay: { $link }
sms-credit-note = { $seller }: credit note { $number } for { $amount }. View it: { $link }
sms-quote = { $seller }: quote { $number }, { $amount }, valid until { $due }. View, accept or decline: { $link }
sms-reminder = { $seller }: reminder: invoice { $number }, { $amount } due { $due }. View and pay: { $link }
send-none = Not sent yet.
send-col-when = Queued
send-col-to = To
send-col-status = Status
delivery-queued = Queued
delivery-retrying = Delayed, retrying: { $reason }
delivery-sent = Sent { $when }
delivery-failed = Failed: { $reason }
delivery-retry = Retry
mail-document-subject = { $document } { $number } from { $seller }
mail-invoice-body =
    Hello,

    { $seller } sends you invoice { $number } for { $amount }, due on { $due }.
mail-credit-note-body =
    Hello,

    { $seller } sends you credit note { $number } for { $amount }.
mail-quote-body =
    Hello,

    { $seller } sends you quote { $number } for { $amount }, valid until { $due }. You can accept or decline it on its page.
mail-document-link = You can view it online and download the PDF and e-invoice here: { $link }
mail-document-attached = The PDF is attached to this email. Reply to this email to reach the sender.
mail-reminder-subject = Reminder: { $document } { $number } from { $seller }
mail-reminder-body-before =
    Hello,

    A friendly reminder: invoice { $number } from { $seller } for { $amount } is due on { $due }.
mail-reminder-body-after =
    Hello,

    Invoice { $number } from { $seller } was due on { $due } and { $amount } is still open. If you have paid already, thank you, and please disregard this reminder.

## Payment settings

payments-title = Payments
payments-intro = Connect Stripe so your customers can pay by card. Use a restricted key (rk_…) with only the permissions FastFaktura needs, or a secret key.
payments-secret-key = Stripe secret key
payments-webhook-secret = Stripe webhook signing secret
payments-saved-ending = Saved: ends in { $last4 }.
payments-remove = Remove
payments-write-only = Secrets are stored encrypted and never shown again; leave a field empty to keep what is saved.
payments-bad-secret-key = Stripe secret key: it starts with sk_live_, sk_test_, rk_live_ or rk_test_ followed by letters and digits.
payments-bad-webhook-secret = Webhook signing secret: it starts with whsec_.
payments-key-rejected = Stripe did not accept this key (it is wrong, revoked or lacks permission). Nothing was saved.
payments-key-unchecked = Stripe could not be reached to check the key. Nothing was saved; please try again.
payments-previous-secret = The previous webhook signing secret is still accepted until { $until } (UTC), while you roll it in Stripe.
payments-webhook-heading = Webhook endpoint
payments-webhook-intro = In Stripe's dashboard, add this endpoint URL and paste its signing secret above. Payments then show on your invoices within seconds.
payments-webhook-events = Events to send:
security-title = Security
security-intro = This page is generated from the configuration this service is running with: it describes what this deployment actually does.
security-transport-heading = Encryption in transit
security-transport-acme = Traffic is served only over HTTPS (TLS 1.2 or 1.3, Mozilla's intermediate cipher suites). The certificate is obtained and renewed automatically from an ACME certificate authority (Let's Encrypt unless stated below). Plain HTTP only redirects to HTTPS.
security-transport-files = Traffic is served only over HTTPS (TLS 1.2 or 1.3, Mozilla's intermediate cipher suites), with a certificate installed by the operator and reloaded when it is renewed. Plain HTTP only redirects to HTTPS.
security-transport-proxy = HTTPS is terminated by the operator's proxy in front of this service; the service itself runs without TLS on the private side of that proxy.
security-transport-none = This deployment does not encrypt traffic: it runs over plain HTTP and is meant for development only.
security-acme-directory = Certificate authority: { $url }
security-hsts = Browsers are told to use HTTPS only (HSTS) for { $days } days.
security-hsts-subdomains = This covers every subdomain.
security-hsts-preload = The domain may be included in the browsers' HSTS preload list.
security-headers = Every response carries strict security headers: a Content-Security-Policy that allows no third-party content and no scripts except our own small one on the invoice editor (it recomputes the totals as you type), no framing by other sites, no referrer sent to other sites, and browser features such as camera, microphone and location switched off.
security-rest-heading = Encryption at rest
security-rest = Secrets the service keeps (sign-in mail while it waits to be sent, customer link keys, TLS private keys, SMS provider keys) are encrypted with AES-256-GCM under keys derived from a master key that is kept outside the database. Sign-in codes and session tokens are stored only as hashes.
security-signin-heading = Sign-in
security-signin = There are no passwords: you sign in with a one-time code sent by email. At most { $codes } codes can be requested for one address per 15 minutes, and after { $failures } wrong codes in a day the address is locked for the rest of that day.
security-sessions = A session ends after { $idle } minutes without activity, and at the latest { $absolute } hours after sign-in. You can end all your sessions at once.
security-logs-heading = Logs and retention
security-logs = Rate-limit records, which hold IP addresses, are deleted after { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }. Sign-in code records are deleted { $days ->
        [one] { $days } day
       *[other] { $days } days
    } after they expire, and expired sessions are removed. Logs do not contain email addresses, codes, cookies or tokens.
security-backups-heading = Backups
security-backups-none = This service does not make backups itself: backups are the responsibility of the operator of this deployment.
security-patches-heading = Software updates
security-patches = Every change is checked against the RustSec database of known vulnerabilities before it is released. Critical vulnerabilities are fixed within 7 days and high-severity ones within 30 days.
security-disclosure-heading = Reporting a vulnerability
security-disclosure = Please report vulnerabilities as described in our security.txt file (RFC 9116):
security-contact = Security contact:
security-contact-none = The operator of this deployment has not configured a security contact.
privacy-title = Privacy
privacy-intro = This page is generated from the configuration this service is running with.
privacy-data-heading = What we store
privacy-data = Your email address and the sessions you open (with the browser's user agent and IP address), your business profile, customers, products and the documents you create. Customers who open a shared invoice link are counted, not identified.
privacy-sending = When you send a document, we record when, to which email address or mobile number, by whom and how it went, but not the message itself. Messages sent by SMS pass through the SMS provider (46elks or Twilio), which receives the customer's number and the short text with the invoice link.
privacy-cookies-heading = Cookies
privacy-cookies = We use a session cookie (it expires after { $idle } minutes without activity), a short-lived cookie during sign-in, and a cookie that remembers your language if you choose one. No tracking or advertising cookies, and no third-party content.
privacy-retention-heading = How long we keep it
privacy-documents = Issued invoices and credit notes are kept as long as the law on bookkeeping requires; they cannot be changed once issued.
privacy-transport-heading = Encryption
security-backups-daily-s3 = The database is backed up every day at { $time } UTC, encrypted before it leaves the server (age, to a key the operator keeps offline; the server cannot decrypt it), and stored in separate S3-compatible object storage. Restores are rehearsed with a verification drill.
security-backups-daily-local = The database is backed up every day at { $time } UTC, encrypted before it is written (age, to a key the operator keeps offline; the server cannot decrypt it), to a separate directory.
security-operators-heading = Operators
security-operators-totp = The people who run this service sign in to a separate admin console with a password of at least 15 characters and a one-time code from an authenticator app (TOTP); their sessions end after 15 minutes of inactivity.
security-operators-password = The people who run this service sign in to a separate admin console with a password of at least 15 characters; this deployment does not require a second factor for them.
audit-title = Activity log
audit-intro = Sign-ins, sent documents, payments, views and downloads, and changes to security settings in this business, newest first. Times are in UTC. Entries are deleted automatically after the periods stated on the Security page.
audit-link = Activity log
audit-show = Show
audit-all = Everything
audit-filter = Show
audit-empty = Nothing has been recorded yet.
audit-older = Older entries
audit-col-when = When (UTC)
audit-col-kind = Kind
audit-col-what = What
audit-col-who = Who
audit-col-outcome = Outcome
audit-col-address = IP address
audit-category-access = Views and downloads
audit-category-auth = Sign-ins
audit-category-admin = Operator actions
audit-category-dispatch = Sent documents
audit-category-payment = Payments
audit-category-security = Security settings
audit-outcome-success = Succeeded
audit-outcome-failure = Failed
audit-outcome-denied = Refused
audit-actor-api-token = API token { $id }
audit-actor-customer-link = Customer link
audit-actor-operator = FastFaktura operator
audit-actor-system = FastFaktura
audit-actor-anonymous = Not signed in
audit-retention-intro = Every view or download of invoices, customer details and settings that hold secrets, every sign-in, every operator action, every email sent, every payment and every change to security settings is recorded with its time. These records are deleted automatically after:
audit-retention-line = { $what }: { $months ->
        [one] { $months } month
       *[other] { $months } months
    }
audit-tamper = The records are chained by hash, day by day, so the operator can prove that none was altered or removed; each automatic deletion is itself recorded.
export-title = Download all your data
export-intro = A ZIP file with everything this business has stored here, as JSON (profile, members, customers, products, invoices, payments, deliveries, the activity log), and every issued invoice and credit note as PDF, UBL and CII. It is prepared in the background; we email you when it is ready, and it can be downloaded for 7 days. Saved payment keys are not included.
export-start = Prepare a new export
export-col-requested = Requested (UTC)
export-col-status = Status
export-col-expires = Available until
export-status-queued = Waiting to start
export-status-building = Being prepared: { $percent } %
export-status-ready = Ready
export-status-failed = Failed; please prepare a new one
export-download = Download ({ $size })
export-mail-subject = Your FastFaktura data export is ready
export-mail-body = Hello,

    The export of your business's data that you asked for is ready. Download it (signed in as the business's owner) here:

    { $link }

    It can be downloaded for { $days } days.

    FastFaktura
customer-erase = Erase personal data
customer-erase-hint = At the customer's request (GDPR): removes their name, address and contact details from drafts and quotes at once. Invoices and credit notes already issued keep them unchanged for as long as bookkeeping law requires.
privacy-rights-heading = Your data and your customers' data
privacy-export = The owner of a business can download all its data at any time (Settings → Download all your data): a ZIP file with everything as JSON and every issued invoice and credit note as PDF, UBL and CII.
privacy-erasure = When a customer asks to be forgotten, the owner can erase that customer's personal data: drafts and quotes lose the name, address and contact details at once. Invoices and credit notes already issued must stay unchanged for as long as bookkeeping law requires (for example 7 years in Iceland and Sweden, 5 in Denmark and Norway, 6 in Finland, 10 in Germany and France); they are kept, hidden from lists, and the reason is recorded.
close-title = Close this account
close-intro = Closing removes at once everything that is not needed for bookkeeping: drafts and quotes, customers who are on no issued invoice, products, recurring invoices, API tokens, payment keys, customer links, sent-mail records and every member's access. Nobody can sign in to this business again.
close-kept = Issued invoices and credit notes, with their customers and payments, must be kept unchanged for { $years } years after the end of the year of the last one (bookkeeping law in this business's country). They are kept hidden and read-only, and deleted automatically afterwards.
close-export-first = You may want to download all your data first:
close-confirm = I understand that this cannot be undone.
close-button = Close the account
close-confirm-missing = Tick the box to confirm that you want to close the account.
privacy-closure = The owner can close the account: everything not needed for bookkeeping is deleted at once and nobody can sign in to the business again. Issued invoices and credit notes, with their customers and payments, are kept hidden and read-only for the period the law of the business's country requires after the year of the last one (in years: { $years }, where * is any other country), and then deleted automatically.

## SMS settings

sms-title = SMS
sms-platform-available = FastFaktura can send SMS for you with its own provider account. Add your own account below only if you want messages to go through it (and be billed to you).
sms-platform-missing = This FastFaktura has no SMS provider set up. To send invoices by SMS, add your own 46elks or Twilio account below.
sms-own-account = Your own account is used: { $provider }, { $account }.
sms-sender-is = Sender: { $sender }.
sms-remove-own = Remove my account
sms-provider = Provider
sms-account = API username (46elks) or Account SID (Twilio)
sms-secret = API password (46elks) or Auth Token (Twilio)
sms-sender = Sender: a phone number in international form, or a name of up to 11 letters and digits
sms-write-only = The password or token is stored encrypted and never shown again; enter it again whenever you save.
sms-bad-provider = Provider: choose 46elks or Twilio.
sms-bad-account = Account: a 46elks API username, or a Twilio Account SID (AC followed by 32 hexadecimal digits).
sms-bad-secret = API password or token: at least 8 characters, no spaces.
sms-bad-sender = Sender: a phone number such as +46 70 123 45 67, or a name of 1 to 11 letters and digits (at least one letter).

## Reminders

reminders-title = Reminders
reminders-intro = FastFaktura reminds your customers of unpaid invoices on this schedule, in their language, with the link to the invoice. Reminders stop as soon as an invoice is paid or credited.
reminders-off = Reminders are off until you save a schedule. The boxes show our suggestion.
reminders-col-when = When
reminder-rule-before-3 = 3 days before the due date
reminder-rule-due = On the due date
reminder-rule-after-7 = 7 days after the due date
reminder-rule-after-14 = 14 days after the due date
delivery-cancelled = Cancelled: { $reason }

## Dates and references on documents
label-issue-date = Issue date
label-due-date = Due date
label-valid-until = Valid until
label-delivery-date = Delivery date
label-period-start = Period from
label-period-end = Period to
label-buyer-reference = Buyer's reference
label-order-reference = Purchase order number
editor-dates-heading = Dates and references
editor-issue-date-hint = Empty: the day it is issued.
editor-due-date-hint = Empty: from your payment terms.
editor-valid-until-hint = Empty: 30 days after the quote date.
editor-buyer-reference-hint = The reference your customer asked for, e.g. a department code or Leitweg-ID.
invoice-period-order = the period must end on or after its first day
invoice-period-incomplete = give both the first and the last day of the period
invoice-due-before-issue = Due date: cannot be before the issue date
label-period = Period
view-valid-until = valid until { $date }
view-credit-notes = Credit notes:
quote-accepted-on = The customer accepted this quote on { $date }.
quote-declined-on = The customer declined this quote on { $date }.
quote-already-answered = This quote has already been answered.
quote-already-converted = This quote has already been turned into an invoice.
quote-expired = This quote is no longer valid. Please ask the sender for a new one.
quote-answer-unknown = Choose Accept or Decline.
customer-quote-heading = Your answer
customer-quote-accept = Accept quote
customer-quote-decline = Decline
customer-quote-accepted = You accepted this quote on { $date }. Thank you!
customer-quote-declined = You declined this quote on { $date }.
customer-quote-converted = This quote has been turned into an invoice.
customer-quote-expired = This quote is past its validity date and can no longer be answered here.
mail-quote-accepted-subject = Quote { $number } was accepted
mail-quote-accepted-body =
    Good news: your customer accepted quote { $number }.

    You can turn it into an invoice here: { $link }
mail-quote-declined-subject = Quote { $number } was declined
mail-quote-declined-body =
    Your customer declined quote { $number }.

    See the quote here: { $link }
privacy-controller-heading = Who is responsible
privacy-controller = The controller of the personal data this service processes about its users is:
privacy-dpo = Data protection officer:
privacy-controller-missing = The operator of this service has not yet stated its name and contact address here. Until it does, write to the security contact below.
privacy-processor = For the customers and documents a business enters, that business is the controller and this service processes them on its behalf.
privacy-rights-intro = Under the GDPR (and in Iceland the Act on Data Protection no. 90/2018) everyone whose data we process has the right:
privacy-right-access = to know what data we hold about them and to get a copy (access);
privacy-right-rectification = to have wrong data corrected (rectification);
privacy-right-erasure = to have data deleted when it is no longer needed, unless the law requires us to keep it (erasure);
privacy-right-restriction = to have its processing restricted while a question about it is settled (restriction);
privacy-right-portability = to receive their data in a machine-readable format (portability);
privacy-right-objection = to object to processing based on legitimate interests (objection).
privacy-complaint = Write to the contact above to use these rights; we answer within one month. Anyone may also complain to the data protection supervisory authority:
settings-new-documents-only = Changes here apply to documents issued from now on. Documents already issued keep the details they were issued with.

## Confirming, previewing, copying
confirm-issue-title = Check and issue
confirm-issue-intro = Once issued it becomes { $number } and can no longer change: corrections are made with a credit note. Check the preview first.
confirm-issue-preview = Open the preview (PDF, marked DRAFT)
confirm-issue-problems = Before this can be issued, please fix:
confirm-issue-now = Issue now
confirm-back-to-editing = Back to editing
confirm-delete-title = Delete this draft?
confirm-delete-intro = The draft { $kind } and its lines will be deleted. This cannot be undone.
confirm-delete-now = Delete draft
confirm-keep-draft = Keep it
view-duplicate = Copy as a new draft
payment-remove = Remove
payment-remove-hint = Only for a payment recorded by mistake; the removal is kept in the activity log.
editor-exemption-hint = Choose an exempt VAT option on a line to give the reason the invoice must state.
settings-section-business = Your business
settings-business-link = Business details
settings-section-paid = Getting paid
settings-section-data = Your data
settings-section-danger = Closing the account

## Identifiers
id-country = must be a two-letter country code such as IS, SE or DE
id-vat-characters = may only contain letters and digits (at most 16)
id-check-digit = has a wrong check digit; please check it for a typo
id-shape = should look like { $example }
id-vat-prefix = a VAT id from { $country } starts with { $prefix } followed by its number
id-vat-digits = must be the VAT number, with digits
id-iban = must look like IS14 0159 2600 7654 5510 7303 39 (country, check digits, account)
id-bic = must have 8 or 11 letters and digits, such as NBIIISRE
id-phone = must be in international form, such as +354 555 1234
id-registration = must be the registration number, with digits (at most 40 characters)
email-malformed = does not look like an email address: it needs one @ with a name before it and a domain such as example.com after it
dashboard-attention = Needs your attention
dashboard-attention-none = Nothing needs your attention right now.
dashboard-attention-overdue = { $count ->
        [one] { $count } overdue invoice
       *[other] { $count } overdue invoices
    }
dashboard-attention-failed = { $count ->
        [one] { $count } delivery failed; open the invoice to retry
       *[other] { $count } deliveries failed; open the invoices to retry
    }
dashboard-attention-unsent = { $count ->
        [one] { $count } issued document not sent or shared yet
       *[other] { $count } issued documents not sent or shared yet
    }
dashboard-attention-drafts = { $count ->
        [one] { $count } draft waiting
       *[other] { $count } drafts waiting
    }
dashboard-paid-per-month = Received per month ({ $currency })
dashboard-aging = Owed by age ({ $currency })
dashboard-recent = Latest documents
aging-current = Not yet due
aging-30 = 1–30 days late
aging-60 = 31–60 days late
aging-90 = 61–90 days late
aging-older = More than 90 days late
customer-balance = Balance
customer-nothing-owed = Nothing is owed.
customer-statement = Statement (PDF)
customer-statement-hint = Every invoice, credit note and payment with the running balance, in the customer's language, to send when they ask what they owe.
customer-documents = Documents
customer-no-documents = No documents yet.
customer-col-number = Document
customer-col-open = Open

## What keeps a document from being issued
doc-fix-before-issue = Before this can be issued as a legal document, please fix: { $problems }. Your details are under Settings → Business, the customer's on the customer's page.
doc-party-seller = Seller
doc-party-buyer = Buyer
doc-calculation = Amounts: { $detail }
doc-party-name = { $party }: name is required
doc-party-country = { $party }: country must be a two-letter ISO 3166 code such as IS, SE or DE
doc-party-address-lines = { $party }: at most three address lines
doc-party-address = { $party }: street address and city are required
doc-party-postcode = { $party }: postcode is required for an Icelandic address
doc-party-endpoint = { $party }: an electronic address needs both a scheme and an id
doc-number = Document: number is required
doc-due-before-issue = Document: the due date is before the issue date
doc-no-lines = Document: at least one line is required
doc-currency-decimals = Document: e-invoices (EN 16931) allow at most two decimals, which { $currency } exceeds
doc-credited-number = Credit note: the number of the invoice it credits is required
doc-line-description = Line { $n }: description is required
doc-line-unit = Line { $n }: unit must be a UN/ECE unit code such as C62, HUR, DAY or KGM
doc-outside-scope-mixed = VAT: lines outside the scope of VAT (O) cannot be mixed with other VAT categories
doc-seller-vat = Seller: VAT number is required for a VAT-registered seller
doc-seller-vat-or-registration = Seller: a VAT number or a registration number (kennitala) is required
doc-buyer-vat-k = Buyer: VAT number is required for an intra-community supply (K)
doc-buyer-vat-ae = Buyer: VAT or registration number is required for reverse charge (AE)
doc-delivery-k = Document: a delivery date or period is required for an intra-community supply (K)
doc-period-order = Document: the delivery period ends before it starts
doc-bic-without-iban = Payment: a BIC needs an IBAN
doc-iban = Payment: { $iban } is not a valid IBAN
doc-seller-iban = Seller: an IBAN is required, since payment is by bank transfer
refusal-already-issued = This document is already issued.
refusal-not-creditable = Only issued invoices can be credited.
refusal-already-credited = This invoice is already fully credited.
refusal-not-payable = Payments can be recorded only on issued, not credited invoices.
refusal-not-an-issued-quote = Only issued quotes can be turned into invoices.
refusal-already-converted = This quote was already turned into an invoice ({ $number }).
refusal-not-repeatable = Only issued invoices can be repeated.
refusal-no-lines = Add at least one line before issuing.
refusal-credit-exceeds = This credit note ({ $credit }) is more than what is left to credit on invoice { $number } ({ $left }).
refusal-amount-decimals = { $currency } amounts have at most { $places } decimal places.
refusal-overpayment = Only { $open } is still open on this invoice; an overpayment is not recorded (refund the difference to the customer).
refusal-repeat-interval = Repeat every 1 to 24 months.
refusal-issue-date-future = The issue date cannot be in the future.
refusal-issue-date-before-series = The issue date cannot be before { $date }, the date of the last issued document in this series (numbers follow the dates).
refusal-due-before-issue = The due date cannot be before the issue date.
calc-total-too-large = The document's total is too large (at most 999,999,999,999.99).
vat-error-unknown-category = is not a VAT category; choose one from the list
vat-error-standard-needs-rate = must be above 0 % in the standard category (S)
vat-error-must-be-zero = must be 0 for category { $category }, which is charged at 0 %
vat-error-bad-rate = must be between 0 and 100 % with at most two decimals
vat-error-reason-required = must say why the line is exempt from VAT
lines-too-many = An invoice can have at most { $max } lines.
lines-blank = Every line needs a description, a quantity and a unit price.
quota-email = This business has sent as many emails as it may for now. New businesses start with a small daily allowance that grows with their history; try again later, or ask support to raise it.
quota-sms = This business has sent as many SMS as it may for now (numbers abroad have a smaller allowance). Try again later, or ask support to raise it.
quota-invitation = Too many invitations for now. Try again later.
quota-export = Too many data exports for now. Try again tomorrow.

## Invitations, as their invitee sees them
invitations-title = Invitations
invitations-none = There are no open invitations for you.
invitations-offer = { $business } invites you to join as { $role }.
invitations-invited-by = Sent by { $inviter }; open until { $date }.
invitations-join = Join { $business }
invitations-decline = Decline
invitations-back = Back to the dashboard
invitations-own-intro = Or start your own business, to invoice your own customers.
invitations-own = Start my own business
invitations-already-member = You already belong to a business.
dashboard-invitations = { $count ->
    [one] You have an invitation to answer.
   *[other] You have { $count } invitations to answer.
}
dashboard-invitations-link = See invitations

ref-empty = is empty
ref-not-digits = may only contain digits
ref-invalid-character = may only contain the letters A–Z and digits
ref-too-short = is too short: it needs at least { $min } digits
ref-too-long = is too long: it may have at most { $max } digits
ref-length-digit = has a wrong length digit (the second-to-last digit)
ref-length-not-agreed = does not have the length agreed with the bank
ref-no-check-digit = has no check digit under MOD11; choose another number
ref-not-rf = must start with RF
ref-wrong-country = must be an IBAN from { $country }
ref-not-kennitala = does not end with a valid kennitala
reference-scheme-unknown = is not one of the references offered
label-reference-scheme = Payment reference on invoices
label-bankgiro = Bankgiro number
label-fik-creditor = FI creditor number (Denmark)
reference-scheme-automatic = Automatic: the usual one in my country
reference-scheme-rf = RF creditor reference (any SEPA bank)
reference-scheme-kid_mod10 = KID, MOD10 (Norway)
reference-scheme-kid_mod11 = KID, MOD11 (Norway)
reference-scheme-se_ocr = OCR number (Sweden, with Bankgiro)
reference-scheme-fi_reference = Viitenumero (Finland)
reference-scheme-dk_fik71 = FI card 71 (Denmark)
reference-scheme-invoice_number = The invoice number
settings-reference-hint = Customers pay with this reference, so their payment is matched to the invoice when you import your bank statement.
label-account-no = Account no.
label-kennitala = Payee's ID no. (kennitala)
label-kid = KID
label-ocr = OCR number
label-viitenumero = Reference (viitenumero)
label-virtual-barcode = Virtual barcode
label-fik-line = FI payment line
button-copy = Copy
copied = Copied
bank-file-empty = The file is empty. Choose the statement file your bank gave you.
bank-file-unknown = This is not a bank file we can read. Upload an ISO 20022 camt.053 statement, a camt.054 notification, a BgMax or an OCR giro file from your bank.
bank-file-unreadable = The file could not be read, so nothing was imported: { $detail }
bank-file-foreign-account = This statement is for account { $account }, which is not this business's account. Nothing was imported. Check the file, or the IBAN and Bankgiro in Settings.
bank-entry-not-waiting = This payment is no longer waiting; the page was out of date.
bank-entry-not-matched = This payment is not matched to an invoice.
bank-match-not-payable = Choose an issued invoice that is not voided.
bank-match-currency = This payment is in { $currency }; choose an invoice in { $currency }.
bank-match-already-paid = That invoice is already paid.
bank-title = Bank payments
bank-upload-heading = Import a bank statement
bank-upload-hint = camt.053 statement, camt.054 notification (ISO 20022 XML), BgMax (Sweden) or OCR giro (Norway). Payments with a known reference are recorded on their invoice at once; importing the same file again records nothing twice.
bank-file-label = Statement file
bank-import-button = Import
bank-imported = { $file }: { $payments ->
    [one] 1 new payment
   *[other] { $payments } new payments
}, { $matched } recorded on their invoices, { $duplicates } already imported before.
bank-waiting-heading = Waiting for you ({ $count })
bank-waiting-none = No payments are waiting. Everything imported is matched.
bank-matched-heading = Recorded on invoices
bank-imports-heading = Imported files
bank-col-date = Booked
bank-col-payer = Payer
bank-col-reference = Reference or message
bank-col-amount = Amount
bank-col-invoice = Invoice
bank-col-file = File
bank-col-format = Format
bank-col-payments = Payments
bank-col-matched = Matched
bank-col-duplicates = Already imported
bank-suggested = Suggested:
bank-match-button = Match to { $number }
bank-match-other = Invoice number
bank-match-other-button = Match
bank-dismiss-button = Not an invoice payment
bank-undo-button = Undo
bank-by-automatic = automatically
bank-by-person = by hand
bank-overpaid = { $amount } more than was open: refund or credit it.
bank-reason-no_reference = No reference
bank-reason-unknown_reference = The reference names no invoice
bank-reason-ambiguous = The reference names more than one invoice
bank-reason-already_paid = The invoice it names is already paid
bank-reason-currency = In another currency than the invoice it names
bank-reason-not_payable = The invoice it names is voided or not payable
bank-no-suggestions = No open invoice fits; enter the invoice number.
bank-match-unknown-number = No issued invoice has that number.
dashboard-unmatched-payments = { $count ->
    [one] 1 bank payment waits to be matched
   *[other] { $count } bank payments wait to be matched
}
nav-bank = Bank
bank-match-number-required = Enter the number of the invoice this payment is for.
bank-file-too-large = The file is larger than 50 MB. Export a shorter period from your bank.
label-bank-claim = Claim in your online bank
claims-heading = Bank claims (Iceland)
claims-intro = Connect to your bank's claims service (IOBWS): each invoice in krónur to a customer with a kennitala then also appears as a claim in their online bank, and is marked paid when they pay it there.
claims-api-url = Your bank's claims API address
claims-template = Claim template (from your agreement with the bank)
claims-token = Access token (write-only)
claims-template-shape = The claim template is three letters or digits, such as 001.
label-payment-reference = Payment reference
claim-state-pending = being sent to the bank
claim-state-open = in the customer's online bank
claim-state-paid = paid in the online bank
claim-state-cancelled = cancelled
claim-state-failed = refused by the bank
claims-url-invalid = The bank's API address must start with https:// and have no query or user name.
claims-token-invalid = The access token may only contain visible characters, no spaces.
bank-col-imported = Imported
label-peppol-id = Peppol participant id
customer-peppol-hint = For e-invoices over Peppol, such as 0192:987654325. Left empty, it comes from the registration or VAT number.
peppol-id-format = should be the scheme code, a colon and the id, such as 0192:987654325
peppol-id-unknown-scheme = uses scheme { $code }, which Peppol does not know
peppol-id-removed-scheme = uses scheme { $code }, which Peppol stopped using on { $date }
peppol-id-characters = may only contain letters, digits and - . _ ~ after the scheme
