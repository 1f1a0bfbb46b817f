// The browser end-to-end flow: a person in Debian's Chromium, driven by playwright-core.
//
// Started by the integration test `browser` (tests/integration/browser.rs), which runs
// the real app, the SMTP sink and the fake Stripe server. What only the harness knows
// (a sign-in code from the SMTP sink, a TOTP code from oathtool at the app's clock,
// the webhook registration at the fake Stripe) is asked for on stdout with a line
// `NEED <what> <argument>` and answered on stdin. Every main page gets a screenshot
// (SCREENSHOT_DIR) and an axe-core check; serious or critical violations fail the run.

import { createInterface } from "node:readline";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const app = env("APP_URL");
const shots = env("SCREENSHOT_DIR");
mkdirSync(shots, { recursive: true });

const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function ask(what, argument = "") {
  console.log(`NEED ${what} ${argument}`);
  const { value, done } = await answers.next();
  if (done) throw new Error(`no answer for ${what}`);
  return value.trim();
}

const violations = [];
async function check(page, name) {
  // A full-page screenshot taken while a <select> has focus (as selectOption leaves it)
  // leaves headless Chromium's page deaf to the next click: the form never submits.
  // Found on the business settings page; a viewport screenshot or none at all was fine,
  // and axe-core alone too. No person takes such a screenshot, so focus is let go first.
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  // Runtime evaluation is not subject to the page's CSP (which forbids inline script).
  await page.evaluate(`${axeSource};undefined`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      violations.push(`${name}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    }
  }
  console.log(`checked ${name}`);
}

// How wide a phone page is against the screen, and what sticks out (outside scrollers).
async function phoneWidths(page) {
  return page.evaluate(() => {
    const width = screen.width;
    const insideScroller = (e) => {
      for (let p = e.parentElement; p; p = p.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !insideScroller(e))
      .map((e) => `${e.tagName}${e.className ? "." + e.className : ""}`);
    return { page: document.documentElement.scrollWidth, width, wide: wide.slice(0, 6) };
  });
}

// The cells of the page's lists of records (`table.list`), or of the editor's lines
// (`table.lines`), that a phone does not show without a sideways scroll: none, since each
// row is a card there. Also how many cells there are, so that a page without them cannot pass.
async function listCellsOffScreen(page, selector = "table.list td") {
  return page.evaluate((selector) => {
    const cells = [...document.querySelectorAll(selector)].filter((td) => td.getClientRects().length > 0);
    const off = cells.filter((td) => { const r = td.getBoundingClientRect(); return r.left < -1 || r.right > screen.width + 1; });
    return { cells: cells.length, off: off.map((td) => td.dataset.label ?? td.textContent.trim()).slice(0, 6) };
  }, selector);
}

// Clicks a submit button and waits for the page it leads to.
async function submit(page, selector) {
  const invalid = await page.$eval(selector, (button) =>
    [...(button.form?.elements ?? [])].filter((e) => e.willValidate && !e.checkValidity()).map((e) => `${e.name}: ${e.validationMessage}`));
  expect(invalid.length === 0, `the form would not submit: ${invalid.join("; ")}`);
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

// "Issue" in the editor saves and asks for confirmation, with the number it will get
// and a preview; "Issue now" issues.
async function issueDraft(page, shot) {
  await submit(page, 'button[name="action"][value="review"]');
  await page.waitForSelector("[data-confirm-issue]");
  if (shot) await check(page, shot);
  await submit(page, "[data-issue-now]");
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  // --- The owner signs up with a one-time code ------------------------------------
  const ownerContext = await browser.newContext({ locale: "en-GB" });
  const owner = await ownerContext.newPage();
  owner.on("console", (m) => console.log(`owner console: ${m.text()}`));
  owner.on("response", (r) => {
    if (r.request().isNavigationRequest()) console.log(`owner ${r.request().method()} ${r.url()} -> ${r.status()}`);
  });
  const email = env("OWNER_EMAIL");
  await owner.goto(`${app}/login`);
  await check(owner, "01-login");
  await owner.fill('input[name="email"]', email);
  await owner.click('form[action="/login"] button[type="submit"]');
  await owner.waitForURL(/\/login\/code/);
  await check(owner, "02-code");
  await owner.fill('input[name="code"]', await ask("code", email));
  await owner.click('form[action="/login/code"] button[type="submit"]');
  await owner.waitForURL(`${app}/`);
  await check(owner, "03-dashboard");

  // --- Business, customer, product ---------------------------------------------------
  await owner.goto(`${app}/settings/business`);
  const profile = {
    name: "Fjörður ehf.", address_line: "Laugavegur 1", postal_code: "101", city: "Reykjavík",
    country: "IS", vat_number: "12345", registration_id: "590269-7199",
    iban: "IS14 0159 2600 7654 5510 7303 39", bic: "NBIIISRE", payment_terms_days: "14",
  };
  for (const [name, value] of Object.entries(profile)) await owner.fill(`[name="${name}"]`, value);
  await owner.selectOption('[name="default_currency"]', "EUR").catch(() => owner.fill('[name="default_currency"]', "EUR"));
  await check(owner, "04-business-settings");
  await submit(owner, 'form[action="/settings/business"] button[type="submit"]');

  await owner.goto(`${app}/customers/new`);
  const customer = { name: "Acme AB", email: "billing@acme.example", phone: "+46 8 123 456",
    vat_number: "SE556012345601", address_line: "Storgatan 1", postal_code: "111 22", city: "Stockholm" };
  for (const [name, value] of Object.entries(customer)) await owner.fill(`[name="${name}"]`, value);
  await owner.selectOption('[name="country"]', "SE").catch(() => owner.fill('[name="country"]', "SE"));
  await check(owner, "05-customer-form");
  await owner.click('form[action="/customers"] button[type="submit"]');
  await owner.waitForURL(/\/customers$/);
  await check(owner, "06-customers");

  await owner.goto(`${app}/products/new`);
  await owner.fill('[name="name"]', "Design work");
  await owner.fill('[name="unit"]', "h");
  await owner.fill('[name="unit_price"]', "85");
  await owner.fill('[name="vat_rate"]', "24");
  await check(owner, "07-product-form");
  await owner.click('form[action="/products"] button[type="submit"]');
  await owner.waitForURL(/\/products$/);

  // --- An invoice: written, issued, sent ---------------------------------------------
  await owner.goto(`${app}/invoices/new`);
  await check(owner, "08-new-invoice");
  await owner.click('form[action="/invoices"] button[type="submit"]');
  await owner.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);
  const invoiceUrl = owner.url();
  await owner.selectOption('[name="add_product"]', { label: "Design work" }).catch(async () => {
    const options = await owner.$$eval('[name="add_product"] option', (o) => o.map((x) => x.value).filter(Boolean));
    await owner.selectOption('[name="add_product"]', options[0]);
  });
  await submit(owner, 'button[name="action"][value="save"]');
  await owner.fill('[name="lines[0][quantity]"]', "10");
  // The totals follow the typing, with the server's rounding, before anything is saved.
  await owner.waitForFunction(() => document.querySelector("[data-total]")?.textContent.includes("1,054.00"));
  await check(owner, "09-invoice-editor");
  await issueDraft(owner, "09b-confirm-issue");
  const status = await owner.textContent("[data-status]");
  expect(status.trim() === "Issued", `after issuing the status is ${status}`);
  await check(owner, "10-invoice-issued");
  await submit(owner, 'form[action$="/send"] button[type="submit"]');
  await ask("mail", "billing@acme.example");

  // --- Stripe connected, customer link, the customer pays ------------------------------
  await owner.goto(`${app}/settings/payments`);
  await owner.fill('[name="stripe_secret_key"]', env("STRIPE_SECRET_KEY"));
  await owner.fill('[name="stripe_webhook_secret"]', env("STRIPE_WEBHOOK_SECRET"));
  await owner.click('button[name="action"][value="save"]');
  await owner.waitForURL(/saved=1/);
  await check(owner, "11-payment-settings");
  await ask("webhook", await owner.textContent("[data-webhook-url]"));

  await owner.goto(invoiceUrl);
  // Sending made the customer link already; otherwise the owner creates it.
  if ((await owner.$("input[readonly]")) === null) {
    await submit(owner, 'form[action$="/link"] button[type="submit"]');
  }
  const link = await owner.inputValue("input[readonly]");
  expect(link.startsWith(`${app}/i/`), `the customer link ${link}`);

  const customerContext = await browser.newContext({ locale: "en-GB" });
  await customerContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app });
  const visitor = await customerContext.newPage();
  visitor.on("console", (m) => console.log(`visitor console: ${m.text()}`));
  visitor.on("pageerror", (e) => console.log(`visitor page error: ${e.message}`));
  await visitor.goto(link);
  // The transfer details each have a copy button; the reference's puts it on the clipboard.
  const copyReference = visitor.locator('[data-field="label-reference"] button[data-copy]');
  await copyReference.waitFor({ state: "visible" });
  await copyReference.click();
  const copied = await visitor.evaluate(() => navigator.clipboard.readText());
  expect(copied === (await copyReference.getAttribute("data-copy")) && copied.length > 0, `the reference is copied: ${copied}`);
  expect((await copyReference.textContent()).includes("Copied"), "the button says it copied");
  await check(visitor, "12-customer-page");
  await visitor.click("[data-pay-by-card] button");
  await visitor.waitForURL(/\/c\/pay\/cs_test_/);
  await visitor.screenshot({ path: `${shots}/13-fake-stripe-checkout.png` });
  await visitor.click('button[type="submit"]');
  await visitor.waitForURL(/payment=done/);
  await visitor.waitForSelector("[data-paid]");
  await check(visitor, "14-customer-page-paid");

  await owner.goto(invoiceUrl);
  const paid = await owner.textContent("[data-status]");
  expect(paid.trim() === "Paid", `the owner sees ${paid}`);
  await check(owner, "15-invoice-paid");

  // --- A credit note corrects the invoice, and the invoice lists it -------------------
  await submit(owner, 'form[action$="/credit-note"] button[type="submit"]');
  await owner.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);
  await owner.fill('[name="lines[0][quantity]"]', "1");
  await issueDraft(owner);
  const creditTitle = await owner.textContent("h1");
  expect(creditTitle.includes("Credit note") && creditTitle.includes("CN-"), `the credit note is titled ${creditTitle}`);
  expect((await owner.textContent("main")).includes("Corrects invoice"), "the credit note names the invoice it corrects");
  await check(owner, "15b-credit-note");
  await owner.goto(invoiceUrl);
  const creditNotes = await owner.textContent("[data-credit-notes]");
  expect(creditNotes.includes("CN-"), `the invoice lists its credit notes: ${creditNotes}`);
  // Paid in full, then credited: the customer has the credit to get back, nothing is "open".
  const owed = await owner.textContent("[data-owed-to-customer]");
  expect(owed.includes("105.40 EUR") && !owed.includes("-"), `what the customer has to get back: ${owed}`);
  expect((await owner.$("[data-open]")) === null, "no negative amount shown as still open");

  // --- A quote: issued, shared, accepted by the customer, seen by the owner ------------
  await owner.goto(`${app}/invoices/new`);
  await owner.selectOption('[name="kind"]', "quote");
  await submit(owner, 'form[action="/invoices"] button[type="submit"]');
  await owner.waitForURL(/\/invoices\/[0-9a-f-]{36}$/);
  const quoteUrl = owner.url();
  const products = await owner.$$eval('[name="add_product"] option', (o) => o.map((x) => x.value).filter(Boolean));
  await owner.selectOption('[name="add_product"]', products[0]);
  await submit(owner, 'button[name="action"][value="save"]');
  await owner.click("[data-dates] summary");
  await owner.fill('[name="order_reference"]', "PO-77");
  await check(owner, "15c-quote-editor");
  await issueDraft(owner);
  const quoteStatus = await owner.textContent("[data-status]");
  expect(quoteStatus.trim() === "Awaiting answer", `a new quote is ${quoteStatus}`);
  expect((await owner.textContent("main")).includes("valid until"), "a quote is valid until a date, not due");
  await submit(owner, 'form[action$="/link"] button[type="submit"]');
  const quoteLink = await owner.inputValue("input[readonly]");
  await visitor.goto(quoteLink);
  await check(visitor, "15d-customer-quote");
  await Promise.all([visitor.waitForNavigation({ waitUntil: "load" }), visitor.click("[data-accept]")]);
  const answer = await visitor.textContent("[data-quote-answer]");
  expect(answer.includes("You accepted this quote"), `the customer sees ${answer}`);
  await check(visitor, "15e-customer-quote-accepted");
  await ask("quote-accepted-mail", email);
  await owner.goto(quoteUrl);
  expect((await owner.textContent("[data-status]")).trim() === "Accepted", "the owner sees the quote accepted");
  expect((await owner.textContent("[data-quote-decision]")).includes("accepted"), "and when");
  await submit(owner, 'form[action$="/convert"] button[type="submit"]');
  await owner.goto(quoteUrl);
  expect((await owner.textContent("[data-converted]")).includes("This quote became invoice"), "the quote says what it became");
  await check(owner, "15f-quote-converted");

  // --- A phone (390 px wide): no page is wider than the screen --------------------------
  // Measured against screen.width: a mobile viewport zooms out to fit wide content, so
  // innerWidth would grow with the overflow and hide it.
  const phoneContext = await browser.newContext({
    locale: "en-GB", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    storageState: await ownerContext.storageState(),
  });
  const phone = await phoneContext.newPage();
  await phone.goto(`${app}/invoices/new`);
  await submit(phone, 'form[action="/invoices"] button[type="submit"]');
  const phoneDraft = phone.url().replace(app, "");
  const phonePages = [["/", "21-phone-dashboard"], ["/invoices", "22-phone-invoices"], [invoiceUrl.replace(app, ""), "23-phone-invoice"],
    [phoneDraft, "24-phone-editor"], [quoteUrl.replace(app, ""), "25-phone-quote"], ["/customers", "26-phone-customers"],
    ["/products", "27-phone-products"], ["/settings/business", "28-phone-settings"], [link.replace(app, ""), "29-phone-customer-page"],
    ["/settings/api-tokens", "29a-phone-api-tokens"], ["/settings/webhooks", "29b-phone-webhooks"]];
  for (const [path, name] of phonePages) {
    await phone.goto(`${app}${path}`);
    const measured = await phoneWidths(phone);
    expect(measured.page <= measured.width && measured.wide.length === 0, `${path} on a phone: ${JSON.stringify(measured)}`);
    if (["/", "/invoices", "/customers", "/products", invoiceUrl.replace(app, "")].includes(path)) {
      const list = await listCellsOffScreen(phone);
      expect(list.cells > 0 && list.off.length === 0, `${path} on a phone, every cell of the list in sight: ${JSON.stringify(list)}`);
    }
    if (path === link.replace(app, "")) {
      const settled = await phone.textContent("[data-paid]");
      expect(settled.includes("105.40 EUR for you to get back"), `the customer sees the credit left to them: ${settled}`);
    }
    if (path === "/settings/business") {
      // The settings sections leave the page its screen: a few rows of chips, not a column.
      const nav = await phone.$eval("nav.settings-nav", (n) => n.getBoundingClientRect().height);
      expect(nav < 844 / 3, `the settings sections on a phone take ${nav}px of an 844px screen`);
    }
    if (path === phoneDraft) {
      const lines = await listCellsOffScreen(phone, "table.lines td");
      expect(lines.cells >= 7 && lines.off.length === 0, `the editor's lines on a phone, every field in sight: ${JSON.stringify(lines)}`);
    }
    await check(phone, name);
  }

  // --- An accountant, invited, signs in on a phone in Icelandic and joins ----------------
  await owner.goto(`${app}/settings/members`);
  await owner.fill('form[action="/settings/members"] [name="email"]', "books@e2e.example");
  await owner.selectOption('form[action="/settings/members"] [name="role"]', "accountant");
  await submit(owner, 'form[action="/settings/members"] button[type="submit"]');
  const invitee = await (await browser.newContext({
    locale: "is-IS", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  })).newPage();
  await invitee.goto(`${app}/login`);
  await invitee.fill('input[name="email"]', "books@e2e.example");
  await invitee.click('form[action="/login"] button[type="submit"]');
  await invitee.waitForURL(/\/login\/code/);
  await invitee.fill('input[name="code"]', await ask("code", "books@e2e.example"));
  await invitee.click('form[action="/login/code"] button[type="submit"]');
  await invitee.waitForURL(`${app}/invitations`);
  const offer = await invitee.textContent("[data-invitation]");
  expect(offer.includes("býður þér") && offer.includes("bókari"), `the invitation in Icelandic: ${offer}`);
  const invitationWidths = await phoneWidths(invitee);
  expect(invitationWidths.page <= invitationWidths.width && invitationWidths.wide.length === 0,
    `/invitations on a phone: ${JSON.stringify(invitationWidths)}`);
  await check(invitee, "30-phone-invitation-is");
  await submit(invitee, 'form[action$="/join"] button[type="submit"]');
  expect(invitee.url() === `${app}/`, `joining opens the business: ${invitee.url()}`);
  await check(invitee, "31-phone-joined-is");

  // --- The accountant imports the bank statement on the phone, in Icelandic ------------
  // One payment names no invoice: it waits with the reason and the Match controls.
  const statement = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>E2E</MsgId></GrpHdr>
<Stmt><Id>1</Id><Acct><Id><IBAN>IS140159260076545510730339</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-12-04</Dt></BookgDt>
<AcctSvcrRef>E2E-1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>Jón Jónsson</Nm></Pty></Dbtr></RltdPties>
<RmtInf><Ustrd>Greiðsla fyrir vefhönnun og hýsingu í nóvember og desember</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
  await invitee.goto(`${app}/bank`);
  await invitee.setInputFiles("#file", { name: "landsbankinn-yfirlit.xml", mimeType: "application/xml", buffer: Buffer.from(statement) });
  await submit(invitee, 'form[action="/bank/import"] button[type="submit"]');
  const imported = await invitee.textContent("[data-imported]");
  expect(imported.includes("1 ný greiðsla"), `the import summary in Icelandic: ${imported}`);
  expect((await invitee.textContent("[data-reason]")).includes("Engin tilvísun"), "why it waits, in Icelandic");
  const bankWidths = await phoneWidths(invitee);
  expect(bankWidths.page <= bankWidths.width && bankWidths.wide.length === 0, `/bank on a phone: ${JSON.stringify(bankWidths)}`);
  const bankList = await listCellsOffScreen(invitee);
  expect(bankList.cells > 0 && bankList.off.length === 0, `/bank's imports on a phone, every cell in sight: ${JSON.stringify(bankList)}`);
  await check(invitee, "32-phone-bank-is");
  await owner.goto(`${app}/bank`);
  await check(owner, "15g-bank");

  // --- The accountant receives a supplier's e-invoice (CII) on the phone, in Icelandic --
  const supplierInvoice = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>HS-2026-0815</ram:ID><ram:TypeCode>380</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="102">20261201</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
<rsm:SupplyChainTradeTransaction>
<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
<ram:SpecifiedTradeProduct><ram:Name>Hýsing og lén fyrir vefverslunina, desember 2026</ram:Name></ram:SpecifiedTradeProduct>
<ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>12900</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
<ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
<ram:SpecifiedLineTradeSettlement><ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>24</ram:RateApplicablePercent></ram:ApplicableTradeTax>
<ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>12900</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>
<ram:ApplicableHeaderTradeAgreement><ram:SellerTradeParty><ram:Name>Hýsingarþjónustan ehf.</ram:Name>
<ram:PostalTradeAddress><ram:PostcodeCode>105</ram:PostcodeCode><ram:LineOne>Borgartún 1</ram:LineOne><ram:CityName>Reykjavík</ram:CityName><ram:CountryID>IS</ram:CountryID></ram:PostalTradeAddress>
<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">IS98765</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
<ram:BuyerTradeParty><ram:Name>Kaupandi</ram:Name><ram:PostalTradeAddress><ram:CountryID>IS</ram:CountryID></ram:PostalTradeAddress></ram:BuyerTradeParty></ram:ApplicableHeaderTradeAgreement>
<ram:ApplicableHeaderTradeDelivery/>
<ram:ApplicableHeaderTradeSettlement><ram:PaymentReference>0815</ram:PaymentReference><ram:InvoiceCurrencyCode>ISK</ram:InvoiceCurrencyCode>
<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>30</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>IS750001121234563108962099</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
<ram:ApplicableTradeTax><ram:CalculatedAmount>3096</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount>12900</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>24</ram:RateApplicablePercent></ram:ApplicableTradeTax>
<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20261215</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>12900</ram:LineTotalAmount><ram:TaxBasisTotalAmount>12900</ram:TaxBasisTotalAmount>
<ram:TaxTotalAmount currencyID="ISK">3096</ram:TaxTotalAmount><ram:GrandTotalAmount>15996</ram:GrandTotalAmount><ram:DuePayableAmount>15996</ram:DuePayableAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>`;
  await invitee.goto(`${app}/bills`);
  await invitee.setInputFiles("#file", { name: "hysing-0815.xml", mimeType: "application/xml", buffer: Buffer.from(supplierInvoice) });
  await submit(invitee, 'form[action="/bills/upload"] button[type="submit"]');
  expect(/\/bills\/[0-9a-f-]{36}/.test(invitee.url()), `the upload opens the bill: ${invitee.url()}`);
  const received = await invitee.textContent("[data-received]");
  expect(received.includes("Tekið var við reikningnum"), `received, in Icelandic: ${received}`);
  const payable = await invitee.textContent("[data-payable]");
  expect(payable.includes("15.996"), `the amount as Icelandic writes it: ${payable}`);
  const billWidths = await phoneWidths(invitee);
  expect(billWidths.page <= billWidths.width && billWidths.wide.length === 0, `a bill on a phone: ${JSON.stringify(billWidths)}`);
  await check(invitee, "33-phone-bill-is");
  await submit(invitee, "[data-mark-paid]");
  expect((await invitee.textContent("[data-state]")).includes("Greiddur"), "marked paid, in Icelandic");
  await invitee.goto(`${app}/bills`);
  const inbound = (await invitee.textContent("[data-inbound-address]")).trim();
  expect(/^[a-z0-9-]+-[a-z2-7]{10}@in\.e2e\.example$/.test(inbound), `the business's own address for e-invoices by email: ${inbound}`);
  expect((await invitee.textContent("[data-inbound]")).includes("Birgjar geta sent"), "the address explained, in Icelandic");
  expect((await invitee.$('form[action="/bills/inbound-address"]')) === null, "only an owner may make a new address");
  const billsWidths = await phoneWidths(invitee);
  expect(billsWidths.page <= billsWidths.width && billsWidths.wide.length === 0, `/bills on a phone: ${JSON.stringify(billsWidths)}`);
  const billsList = await listCellsOffScreen(invitee);
  expect(billsList.cells > 0 && billsList.off.length === 0, `/bills on a phone, every cell of the list in sight: ${JSON.stringify(billsList)}`);
  await check(invitee, "34-phone-bills-is");

  // The invoice list on a laptop: a table with every column (a phone shows cards).
  await owner.goto(`${app}/invoices`);
  expect(await owner.$eval("table.list thead", (h) => getComputedStyle(h).display !== "none"), "the list's headings on a laptop");
  await check(owner, "15i-invoices");

  // --- E-invoicing settings: the owner's page, and what an accountant sees on a phone ---
  await owner.goto(`${app}/settings/e-invoicing`);
  expect((await owner.textContent("[data-peppol-state]")).includes("Not connected"), "not connected yet");
  await check(owner, "15h-e-invoicing");
  await invitee.goto(`${app}/settings/e-invoicing`);
  const peppolWidths = await phoneWidths(invitee);
  expect(peppolWidths.page <= peppolWidths.width && peppolWidths.wide.length === 0, `/settings/e-invoicing on a phone: ${JSON.stringify(peppolWidths)}`);
  await check(invitee, "35-phone-e-invoicing-is");

  // --- An operator signs in with password and TOTP, and suspends the owner --------------
  const adminContext = await browser.newContext({ locale: "en-GB" });
  const admin = await adminContext.newPage();
  await admin.goto(`${app}/admin/login`);
  await check(admin, "16-admin-login");
  await admin.fill('[name="username"]', env("ADMIN_USERNAME"));
  await admin.fill('[name="password"]', env("ADMIN_PASSWORD"));
  await admin.click('form[action="/admin/login"] button');
  await admin.waitForURL(/\/admin\/enrol/);
  await admin.click('form[action="/admin/enrol/start"] button');
  await admin.waitForSelector("#secret");
  await check(admin, "17-admin-enrol");
  const secret = (await admin.textContent("#secret")).trim();
  await admin.fill('[name="code"]', await ask("totp", secret));
  await admin.click('form[action="/admin/enrol"] button');
  await admin.waitForSelector("#recovery-codes");
  await admin.goto(`${app}/admin/users?q=${encodeURIComponent(email)}`);
  await check(admin, "18-admin-users");
  await admin.click(`a[href^="/admin/users/"]`);
  await admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await submit(admin, 'form[action$="/suspend"] button');
  await check(admin, "19-admin-user-suspended");

  // The owner's next click lands on the login page.
  await owner.click('a[href="/invoices"]');
  await owner.waitForURL(/\/login/);
  await check(owner, "20-after-suspension");

  expect(violations.length === 0, `accessibility (axe-core), serious or critical:\n${violations.join("\n")}`);
  console.log("DONE");
} catch (error) {
  // What each page showed when the flow failed, beside the other screenshots.
  let n = 0;
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      await page.screenshot({ path: `${shots}/failed-${++n}.png`, fullPage: true }).catch(() => {});
      console.log(`failed-${n}.png: ${page.url()}`);
    }
  }
  throw error;
} finally {
  await browser.close();
}
// The answers channel (stdin) would keep the process alive.
process.exit(0);
