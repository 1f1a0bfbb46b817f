# FastFaktura user interface: Icelandic (íslenska).
# Same ids as en.ftl (a unit test checks both ways).

## Header and navigation

nav-label = Aðalvalmynd
nav-dashboard = Yfirlit
nav-invoices = Reikningar
nav-customers = Viðskiptavinir
nav-products = Vörur og þjónusta
nav-settings = Stillingar
nav-members = Meðlimir
nav-api = API
nav-account = Aðgangur
skip-to-content = Fara beint í efni
nav-log-out = Útskrá
nav-log-out-everywhere = Útskrá alls staðar
language-switch-label = Tungumál
language-unknown = Óþekkt tungumál: veldu ensku eða íslensku.

## Shared words

button-save = Vista
button-cancel = Hætta við
button-search = Leita
button-archive = Setja í geymslu
page-previous = ← Fyrri
page-next = Næsta →
saved = Vistað.
form-correct-fields = Vinsamlegast lagfærðu merktu reitina hér fyrir neðan.
# Heiti reits, síðan hvað er að: „Nafn: vantar“.
field-error = { $label }: { $message }
form-required = vantar
form-max-chars = má vera í mesta lagi { $max } stafir
form-language = verður að vera enska eða íslenska
form-not-negative = má ekki vera neikvætt
form-percent-range = verður að vera á bilinu 0 til 100 %
form-date = verður að vera raunveruleg dagsetning á forminu ÁÁÁÁ-MM-DD
form-not-a-number = er ekki tala (skrifaðu t.d. 1.490,50)
form-decimals = má hafa í mesta lagi { $max } aukastafi
form-too-large = er of há tala
form-number-ambiguous = gæti þýtt { $decimal } eða { $grouped }: á þessari síðu skilur „.“ að þúsundir og „,“ aukastafi, svo skrifaðu { $decimal } fyrir tugabrot
never = aldrei

## Roles

role-owner = eigandi
role-member = meðlimur
role-accountant = bókari
role-accountant-read-only = bókari (aðeins lesaðgangur)

## Field labels

label-name = Nafn
label-legal-name = Skráð heiti
label-type = Tegund
label-email = Netfang
label-email-address = Netfang
label-phone = Sími
label-address = Heimilisfang
label-postal-code = Póstnúmer
label-city = Staður
label-country = Land
label-country-iso = Land (ISO-kóði)
label-vat-number = VSK-númer
label-registration-id = Kennitala
label-registration-id-long = Kennitala (eða skráningarnúmer fyrirtækis í öðru landi)
label-iban = IBAN
label-bic = BIC
label-currency = Gjaldmiðill
label-default-currency = Sjálfgefinn gjaldmiðill
label-payment-terms = Greiðslufrestur
label-payment-terms-days = Greiðslufrestur (dagar)
label-invoice-language = Tungumál reikninga
label-language = Tungumál
label-unit = Eining
label-price = Verð
label-price-net = Verð (án VSK)
label-vat-category = VSK-flokkur
label-vat-rate = VSK-hlutfall
label-vat-rate-percent = VSK-hlutfall %
label-customer = Viðskiptavinur
label-document = Skjal
label-prices = Verð
label-prices-entered = Verð eru slegin inn
label-invoice-discount = Afsláttur af reikningi
label-invoice-discount-percent = Afsláttur af reikningi %
label-note = Athugasemd
label-note-on-invoice = Athugasemd á reikningi
label-description = Lýsing
label-quantity = Magn
label-discount = Afsláttur
label-exemption-reason = Ástæða undanþágu
label-date = Dagsetning
label-amount = Upphæð
label-method = Greiðslumáti
label-reference = Tilvísun
label-role = Hlutverk
label-scope = Heimildir
label-prefix = Forskeyti
label-digits = Fjöldi tölustafa

## Login

login-title = Innskráning
login-heading = Skráðu þig inn eða stofnaðu aðgang
login-intro = Sláðu inn netfangið þitt og við sendum þér sex stafa kóða. Ekkert lykilorð þarf.
login-send-code = Senda mér kóða
code-title = Sláðu inn kóðann
code-heading = Athugaðu tölvupóstinn þinn
code-intro = Sláðu inn sex stafa kóðann sem við sendum þér. Hann gildir í 10 mínútur.
code-sent-to = Við sendum sex stafa kóða á
code-valid-for = Hann gildir í 10 mínútur.
code-label = Kóði
code-submit = Skrá inn
code-no-mail = Enginn póstur? Athugaðu ruslpóstsmöppuna, eða
code-ask-new = biddu um nýjan kóða
start-again-title = Byrja aftur
start-again-heading = Vinsamlegast byrjaðu aftur
start-again-link = Fá nýjan innskráningarkóða
login-no-challenge = Þessi innskráning er útrunnin eða var hafin í öðrum vafra. Sláðu netfangið þitt inn aftur til að fá nýjan kóða.
login-wrong-code = Kóðinn er ekki réttur eða hann er útrunninn.
login-attempts-left =
    { $attempts ->
        [one] Þú átt { $attempts } tilraun eftir með þessum kóða.
       *[other] Þú átt { $attempts } tilraunir eftir með þessum kóða.
    }
login-code-empty = Sláðu inn sex stafa kóðann úr tölvupóstinum.
login-code-not-six-digits = Kóðinn er nákvæmlega 6 tölustafir (0–9). Athugaðu hann og sláðu hann inn aftur.
login-burned = Kóðinn var rangur fimm sinnum og virkar því ekki lengur. Biddu um nýjan kóða.
login-locked = Þessi kóði var sleginn rangt inn of oft og virkar ekki lengur, jafnvel þótt hann sé réttur. Biddu um nýjan kóða.
login-suspended = Of margir rangir kóðar voru slegnir inn fyrir þennan aðgang, svo innskráning með kóða liggur niðri í bili. Þú getur reynt aftur { $wait }.
login-account-suspended = Þessi aðgangur hefur verið gerður óvirkur af FastFaktura. Hafðu samband við þjónustuver.
login-too-many-for-address = Beðið hefur verið um of marga kóða fyrir þetta netfang. Bíddu aðeins áður en þú biður um nýjan.
login-too-many-from-network = Beðið hefur verið um of marga kóða frá netinu þínu. Bíddu aðeins áður en þú biður um nýjan.
mail-code-subject = Innskráningarkóðinn þinn fyrir FastFaktura
mail-code-body =
    Góðan dag,

    Innskráningarkóðinn þinn fyrir FastFaktura er:

    {"    "}{ $code }

    Hann gildir í 10 mínútur og er aðeins hægt að nota einu sinni.

    Beðið var um hann { $when } (UTC) frá IP-tölunni { $ip }.
    Ef þetta varst ekki þú skaltu hunsa þennan póst: enginn kemst inn án kóðans og aðgangurinn þinn er öruggur.

    FastFaktura

## Waiting

wait-minute = eftir mínútu
wait-minutes =
    { $minutes ->
        [one] eftir { $minutes } mínútu
       *[other] eftir { $minutes } mínútur
    }
wait-hours =
    { $hours ->
        [one] eftir um { $hours } klukkustund
       *[other] eftir um { $hours } klukkustundir
    }

## Error pages

error-back = Aftur í FastFaktura
error-title-bad-request = Þetta tókst ekki
error-title-too-large = Of stórt
error-title-forbidden = Ekki leyft
error-title-conflict = Ekki vistað
error-title-not-found = Fannst ekki
error-title-too-many = Augnablik
error-title-unavailable = Ekki tiltækt í bili
error-title-unexpected = Eitthvað fór úrskeiðis
error-not-found = Engin síða er á þessari slóð.
error-try-again = { $message } Þú getur reynt aftur { $wait }.
error-unavailable = FastFaktura nær ekki sambandi við gagnagrunninn sinn í augnablikinu. Ekkert glataðist; reyndu aftur eftir mínútu.
error-unexpected = Eitthvað fór úrskeiðis hjá okkur. Engu var breytt; reyndu aftur.
error-form-too-large = Eyðublaðið var allt of stórt. Farðu til baka og reyndu aftur.
error-form-unreadable = Ekki tókst að lesa eyðublaðið. Farðu til baka, endurhladdu síðuna og reyndu aftur.
error-query-unreadable = Á þessari slóð er leitar- eða síðugildi sem við gátum ekki lesið. Farðu til baka og reyndu aftur.
error-cross-origin = Þessi beiðni kom frá öðru vefsvæði og var því hafnað til að vernda aðganginn þinn. Opnaðu FastFaktura beint og reyndu aftur.
error-owner-only = Aðeins eigandi fyrirtækisins getur gert þetta.
error-owner-only-money = Aðeins eigandi getur breytt því hvert greiðslur fara (bankareikningi, lyklum kortagreiðslna og SMS). Biddu eiganda fyrirtækisins.
error-read-only = Hlutverk þitt í þessu fyrirtæki er aðeins lesaðgangur (bókari), svo þú getur engu breytt hér.
error-issued-immutable = Útgefnum reikningum er ekki hægt að breyta; gerðu kreditreikning til að leiðrétta.
error-draft-conflict = Einhver annar vistaði þessi drög eftir að þú opnaðir þau, svo breytingarnar þínar voru ekki vistaðar. Opnaðu reikninginn aftur til að sjá nýjustu útgáfuna og gerðu svo breytingarnar aftur.

## Dashboard

dashboard-title = Yfirlit
dashboard-signed-in-as = Innskráð netfang: { $email } ({ $role }).
dashboard-start-1 = Byrjaðu á því að
dashboard-start-profile = skrá upplýsingar um fyrirtækið
dashboard-start-2 = (nafn, heimilisfang, VSK-númer, bankareikning): þær birtast á hverjum reikningi. Síðan getur þú
dashboard-start-customer = bætt við viðskiptavini
dashboard-start-3 = og
dashboard-start-invoice = skrifað fyrsta reikninginn
dashboard-no-issued = Engir reikningar hafa verið gefnir út enn.
dashboard-outstanding = Útistandandi
dashboard-overdue = Gjaldfallið
dashboard-paid-this-month = Greitt í þessum mánuði
dashboard-new-invoice = Nýr reikningur
dashboard-other-businesses = Önnur fyrirtæki þín
dashboard-switch-to = Skipta yfir í { $name }

## Business settings

settings-title = Stillingar fyrirtækis
settings-payment-terms-range = verður að vera fjöldi daga frá 0 til 365

logo-title = Merki
logo-intro = Birtist efst á reikningunum þínum. PNG- eða JPEG-mynd, í mesta lagi 512 KiB og 2000 × 2000 dílar; breitt merki með gegnsæjum eða hvítum bakgrunni kemur best út.
logo-back = Aftur í
logo-back-link = stillingar fyrirtækis
logo-saved = Merkið var vistað.
logo-current-alt = Núverandi merki
logo-none = Ekkert merki enn.
logo-replace-with = Skipta út fyrir
logo-choose = Veldu skrá
logo-upload = Hlaða upp merki
logo-remove = Fjarlægja merki
logo-choose-file = Veldu skrána með merkinu á eyðublaðinu hér fyrir neðan.
logo-too-large = Merkið má vera í mesta lagi 512 KiB; veldu minni skrá.
logo-unreadable = Ekki tókst að lesa skrána sem var hlaðið upp; reyndu aftur.

## Numbering

numbering-title = Númeraraðir
numbering-intro = Hvert útgefið skjal fær næsta númer í sinni röð, án eyðna. Teljarinn helst þótt sniðinu sé breytt.
numbering-yearly-reset = Byrja upp á nýtt á hverju ári (ártal í númerinu)
numbering-next = Næsta númer:
series-invoice = Reikningar
series-credit-note = Kreditreikningar
series-quote = Tilboð
numbering-error-series = Röð: veldu reikninga, kreditreikninga eða tilboð.
numbering-error-prefix = Forskeyti: í mesta lagi 20 bókstafir, tölustafir og táknin - / _ .
numbering-error-digits = Fjöldi tölustafa: tala frá 1 til 10.

## Members

members-title = Meðlimir
members-remove = Fjarlægja
members-invited = { $role } · boðið { $date }
members-revoke = Afturkalla boð
members-invite-heading = Bjóða einhverjum
members-role-member = Meðlimur: getur gert reikninga og skráð greiðslur
members-role-accountant = Bókari: sér allt en getur engu breytt
members-send = Senda boð
members-error-role = Hlutverk: veldu meðlim eða bókara (aðeins lesaðgangur).
members-already-member = { $email } er þegar meðlimur.
members-already-invited = { $email } á þegar opið boð.
members-invitation-sent = Boð sent á { $email }.

## API tokens

api-title = API-lyklar
api-intro = Með lyklum getur annar hugbúnaður þinn notað API FastFaktura
api-openapi-link = OpenAPI-lýsing
api-intro-send = Sendu lykil sem
api-new-token-shown = Nýi lykillinn þinn (afritaðu hann núna: hann verður ekki sýndur aftur):
api-col-created = Stofnaður
api-col-last-used = Síðast notaður
api-scope-read-write = lesa og skrifa
api-scope-read = aðeins lesa
api-revoke = Afturkalla
api-new-heading = Nýr lykill
api-name-placeholder = t.d. Tenging við bókhald
api-option-read = Aðeins lesa
api-option-write = Lesa og skrifa
api-create = Búa til lykil
api-col-created-by = Búinn til af
api-col-expires = Rennur út
api-no-expiry = Aldrei
api-label-expires = Rennur út
api-expires-in-days = Eftir { $days } daga
api-error-lifetime = Veldu hve lengi lykillinn gildir: 30, 90 eða 365 daga, eða alltaf.
api-tokens-belong = Lykill starfar fyrir þig: hann hættir að virka ef þú hættir í fyrirtækinu eða aðgangi þínum er lokað. Lykill bókara les aðeins.
api-scope-owner = lesa, skrifa og aðgerðir eiganda
api-option-owner = Lesa, skrifa og aðgerðir eiganda
api-error-owner-scope = Aðeins eigandinn getur veitt lykli aðgerðir eiganda.
api-owner-scope-note = Með aðgerðum eiganda getur lykill líka breytt númeraröðum, afturkallað pörun bankagreiðslna, fjarlægt greiðslur og lesið atvikaskrána. Hvert viðskiptavinir greiða (bankareikningi, greiðslu- og SMS-þjónustum) breytir aðeins þú, innskráð(ur).

## Customers

customers-title = Viðskiptavinir
customers-search-placeholder = Leita eftir nafni eða netfangi
customers-search-label = Leita að viðskiptavinum
customers-new = Nýr viðskiptavinur
customers-none = Engir viðskiptavinir.
customers-none-match = Engir viðskiptavinir passa við „{ $q }“.
customer-title = Viðskiptavinur
customer-edit = Breyta viðskiptavini
customer-kind-business = Fyrirtæki
customer-kind-person = Einstaklingur
customer-kind-error = verður að vera fyrirtæki eða einstaklingur
customer-registration-hint = Kennitala eða skráningarnúmer fyrirtækis í öðru landi. Hún er prentuð á reikninga og notuð til að senda rafræna reikninga.
customer-language-auto = Eftir landi
customer-archive = Setja viðskiptavin í geymslu
customer-archive-hint = Viðskiptavinir í geymslu hverfa úr listum; reikningarnir þeirra haldast.

## Products

products-title = Vörur og þjónusta
products-search-placeholder = Leita eftir heiti
products-search-label = Leita að vörum og þjónustu
products-new = Ný vara eða þjónusta
products-none = Ekkert í vöruskránni.
products-none-match = Ekkert í vöruskránni passar við „{ $q }“.
product-title = Vara eða þjónusta
product-edit = Breyta vöru eða þjónustu
product-unit-placeholder = klst., stk., mán.

## VAT categories (EN 16931)

vat-standard = Almennt þrep
vat-zero = Núllskattað
vat-exempt = Undanþegið
vat-reverse-charge = Öfug skattskylda
vat-intra-community = Afhending innan ESB
vat-export = Útflutningur út fyrir ESB
vat-outside-scope = Utan gildissviðs VSK

## Invoices: list

invoices-title = Reikningar
invoices-search-placeholder = Leita eftir viðskiptavini eða númeri
invoices-search-label = Leita í reikningum
invoices-filter-label = Sýna
filter-all = Alla
filter-open = Ógreidda
filter-overdue = Gjaldfallna
filter-paid = Greidda
filter-draft = Drög
filter-quote = Tilboð
filter-credit-note = Kreditreikninga
invoices-new = Nýr reikningur eða tilboð
invoices-recurring = Endurteknir
invoices-none = Engir reikningar.
invoices-none-match = Engir reikningar passa við „{ $q }“.
invoices-draft-number = (drög)
invoices-credit-note-badge = kreditreikningur
col-number = Númer
col-issued = Útgáfudagur
col-due = Gjalddagi
col-total = Samtals
col-open = Ógreitt
col-status = Staða

## Document kinds and statuses

doc-invoice = Reikningur
doc-credit-note = Kreditreikningur
doc-quote = Tilboð
status-draft = Drög
status-credit-note = Kreditreikningur
status-quote = Bíður svars
status-quote-converted = Breytt í reikning
status-quote-accepted = Samþykkt
status-quote-declined = Hafnað
status-quote-expired = Útrunnið
status-credited = Kreditfærður
status-paid = Greiddur
status-overdue = Gjaldfallinn
status-partially-paid = Greiddur að hluta
status-issued = Útgefinn

## Invoices: new and editor

invoice-new-first = Fyrst þarftu að
invoice-new-first-link = bæta við viðskiptavininum
invoice-new-first-after = sem þú ætlar að rukka.
invoice-kind-quote-long = Tilboð (sem viðskiptavinurinn getur samþykkt; þú breytir því síðar í reikning)
prices-net = án VSK
prices-gross = með VSK
invoice-create-draft = Stofna drög
invoice-choose-customer = Viðskiptavinur: veldu hverjum reikningurinn er stílaður á.
editor-title =
    { $kind ->
        [credit_note] Drög að kreditreikningi
        [quote] Drög að tilboði
       *[other] Drög að reikningi
    }
editor-intro = Drög hafa ekkert númer enn; þau fá næsta númer í sinni röð þegar þú gefur þau út. Eftir það er ekki hægt að breyta þeim.
editor-lines = Línur
editor-col-qty = Magn
editor-col-unit-price = Einingarverð
editor-col-unit-price-gross = Einingarverð með VSK
editor-col-discount = Afsl. %
editor-col-vat = VSK
editor-col-net = Nettó
editor-add-from-catalogue = Bæta við úr vöruskrá
editor-add = Bæta við
editor-save = Vista og reikna aftur
editor-issue =
    { $kind ->
        [credit_note] Gefa út kreditreikning
        [quote] Gefa út tilboð
       *[other] Gefa út reikning
    }
editor-delete = Eyða drögum
# Reitur í reikningslínu, í villuboðum: „Lína 2, einingarverð“.
line-field = Lína { $n }, { $field }
line-description = lýsing
line-quantity = magn
line-unit = eining
line-unit-price = einingarverð
line-discount = afsláttur
line-vat-category = VSK-flokkur
line-vat-rate = VSK-hlutfall
line-exemption-reason = ástæða undanþágu
line-amount = upphæð
line-not-negative-on-invoice = má ekki vera neikvætt á reikningi (leiðréttu útgefinn reikning með kreditreikningi)

## Totals

totals-label = Samtölur
totals-lines = Samtala lína
totals-discount = Afsláttur
totals-without-vat = Samtals án VSK
totals-vat-rate = VSK { $rate }%
totals-vat-on = { $label } af { $taxable }
totals-rounding = Námundun
totals-total = Samtals

## Invoices: view, payments, credit notes, quotes, recurring

view-to = Til
view-issued = útgáfudagur { $date }
view-due = gjalddagi { $date }
view-corrects = Leiðréttir reikning
view-quote-converted = Þessu tilboði var breytt í reikning
view-convert = Breyta í reikning
view-convert-hint = Býr til drög að reikningi með sama viðskiptavini og sömu línum.
view-payments = Greiðslur
view-no-payments = Engar greiðslur skráðar.
view-payment-refunded = { $amount } endurgreitt
view-still-open = Ógreitt:
view-owed-to-customer = Greitt { $amount } umfram það sem skuldað er þegar kreditreikningar eru taldir með: viðskiptavinurinn á það inni (endurgreiddu það eða dragðu það frá síðari reikningi).
view-record-payment-heading = Skrá greiðslu
view-record-payment = Skrá greiðslu
view-repeat-label = Endurtaka: ný drög á
view-repeat-months = mánaða fresti
view-repeat = Endurtaka
view-credit = Leiðrétta með kreditreikningi
view-credit-hint = Útgefnum reikningum er ekki hægt að breyta. Kreditreikningur bakfærir þennan reikning að öllu leyti eða að hluta.
method-bank-transfer = Millifærsla
method-cash = Reiðufé
method-card = Kort
method-other = Annað
payment-amount-positive = verður að vera hærri en núll
payment-method-error = verður að vera millifærsla, reiðufé, kort eða annað
recurring-title = Endurteknir reikningar
recurring-intro = Á hverjum tilsettum degi verða til drög, afrit af reikningnum, sem þú yfirferð og gefur út, eða, ef þú valdir það, er hann gefinn út og sendur viðskiptavininum sjálfkrafa í tölvupósti. Byrjaðu á útgefnum reikningi.
recurring-none = Engir endurteknir reikningar.
recurring-col-invoice = Reikningur
recurring-col-every = Tíðni
recurring-col-next = Næstu drög
recurring-every =
    { $months ->
        [one] á { $months } mánaðar fresti
       *[other] á { $months } mánaða fresti
    }
recurring-stop = Stöðva
view-repeat-auto-send = Gefa út og senda viðskiptavini sjálfkrafa í tölvupósti
recurring-auto-send = gefinn út og sendur sjálfkrafa

## Hlekkur viðskiptavinar (hlið eiganda) og síða viðskiptavinar

link-heading = Hlekkur fyrir viðskiptavin
link-hint = Hver sem er með þennan hlekk getur séð skjalið, án aðgangs. Sendu hann viðskiptavininum.
link-none = Deildu skjalinu með viðskiptavininum í gegnum einkahlekk: hann sér það í vafranum, án aðgangs.
link-create = Búa til hlekk
link-open = Opna
link-rotate = Skipta um hlekk
link-revoke = Slökkva á hlekk
link-not-viewed = Viðskiptavinurinn hefur ekki opnað skjalið enn.
link-viewed = Opnað { $count ->
    [one] { $count } sinni
   *[other] { $count } sinnum
}, fyrst { $first }.
customer-pay-heading = Greiðsla
customer-pay-by-transfer = Vinsamlegast greiðið með millifærslu á:
customer-pay-by-card = Greiða með korti
customer-pay-unavailable = Ekki er hægt að greiða með korti eins og er. Reyndu aftur eftir smástund eða greiddu með millifærslu.
customer-pay-not-chargeable = Ekki er hægt að greiða þessa upphæð með korti. Vinsamlegast greiddu með millifærslu.
customer-payment-confirming = Takk fyrir. Verið er að staðfesta greiðsluna og hún birtist hér innan skamms.
customer-invoice-paid = Þessi reikningur er greiddur. Ekkert er ógreitt.
customer-invoice-paid-owed = Þessi reikningur er greiddur og kreditreikningar hans skilja eftir { $amount } sem þú átt inni.
customer-page-too-many = Of margar beiðnir frá þínu neti. Bíddu aðeins og reyndu aftur.
downloads-label = Sækja:
view-pdf = Skoða PDF
download-pdf = PDF
download-ubl = UBL rafrænn reikningur (Peppol)
download-cii = CII rafrænn reikningur (Factur-X)

## Senda skjöl

send-heading = Senda viðskiptavini
send-to = Netfang
send-attach-xml = Hengja einnig rafrænu skrárnar við (UBL og CII)
send-button = Senda
send-by-email = Í tölvupósti
send-by-sms = Með SMS
send-phone = Farsímanúmer
send-sms-not-set-up = SMS er ekki í boði: engin SMS-þjónusta er uppsett (Stillingar → SMS).
send-col-channel = Leið
send-no-channel = Veldu tölvupóst, SMS eða hvort tveggja.
send-bad-email = Netfang: þetta lítur ekki út eins og netfang; það þarf eitt @ með nafni á undan og léni eins og example.com á eftir.
send-bad-phone = Farsímanúmer: sláðu það inn á alþjóðlegu formi með landsnúmeri, t.d. +354 555 1234.
send-sms-unavailable = SMS er ekki uppsett: bættu við SMS-þjónustu í Stillingar → SMS eða biddu rekstraraðilann um að setja hana upp.
delivery-sending = Í sendingu
delivery-channel-email = Tölvupóstur
delivery-channel-sms = SMS
delivery-kind-reminder = { $channel } (áminning)
delivery-kind-recurring = { $channel } (endurtekinn)
sms-invoice = { $seller }: reikningur { $number }, { $amount } á gjalddaga { $due }. Skoða og greiða: { $link }
sms-credit-note = { $seller }: kreditreikningur { $number } að upphæð { $amount }. Skoða: { $link }
sms-quote = { $seller }: tilboð { $number }, { $amount }, gildir til { $due }. Skoða, samþykkja eða hafna: { $link }
sms-reminder = { $seller }: áminning: reikningur { $number }, { $amount }, gjalddagi { $due }. Skoða og greiða: { $link }
send-none = Ekki sent enn.
send-col-when = Sett í biðröð
send-col-to = Til
send-col-status = Staða
delivery-queued = Í biðröð
delivery-retrying = Seinkar, reynt aftur: { $reason }
delivery-sent = Sent { $when }
delivery-failed = Mistókst: { $reason }
delivery-retry = Reyna aftur
mail-document-subject = { $document } { $number } frá { $seller }
mail-invoice-body =
    Góðan dag,

    { $seller } sendir þér reikning { $number } að upphæð { $amount }, gjalddagi { $due }.
mail-credit-note-body =
    Góðan dag,

    { $seller } sendir þér kreditreikning { $number } að upphæð { $amount }.
mail-quote-body =
    Góðan dag,

    { $seller } sendir þér tilboð { $number } að upphæð { $amount }, sem gildir til { $due }. Þú getur samþykkt það eða hafnað því á síðu þess.
mail-document-link = Þú getur skoðað hann á netinu og sótt PDF og rafrænan reikning hér: { $link }
mail-document-attached = PDF-skjalið fylgir þessum pósti. Svaraðu póstinum til að ná í sendandann.
mail-reminder-subject = Áminning: { $document } { $number } frá { $seller }
mail-reminder-body-before =
    Góðan dag,

    Vinsamleg áminning: reikningur { $number } frá { $seller } að upphæð { $amount } er á gjalddaga { $due }.
mail-reminder-body-after =
    Góðan dag,

    Reikningur { $number } frá { $seller } var á gjalddaga { $due } og { $amount } er enn ógreitt. Ef þú hefur þegar greitt, takk fyrir, og vinsamlegast hunsaðu þessa áminningu.

## Greiðslustillingar

payments-title = Greiðslur
payments-intro = Tengdu Stripe svo viðskiptavinir geti greitt með korti. Notaðu takmarkaðan lykil (rk_…) með aðeins þeim heimildum sem FastFaktura þarf, eða leynilykil.
payments-secret-key = Leynilykill Stripe
payments-webhook-secret = Undirritunarleyndarmál Stripe-vefkróka
payments-saved-ending = Vistað: endar á { $last4 }.
payments-remove = Fjarlægja
payments-write-only = Leyndarmál eru geymd dulkóðuð og aldrei sýnd aftur; skildu reit eftir auðan til að halda því sem er vistað.
payments-bad-secret-key = Leynilykill Stripe: hann byrjar á sk_live_, sk_test_, rk_live_ eða rk_test_ og svo bókstöfum og tölustöfum.
payments-bad-webhook-secret = Undirritunarleyndarmál vefkróka: það byrjar á whsec_.
payments-key-rejected = Stripe samþykkti ekki þennan lykil (hann er rangur, afturkallaður eða skortir heimildir). Ekkert var vistað.
payments-key-unchecked = Ekki náðist í Stripe til að athuga lykilinn. Ekkert var vistað; reyndu aftur.
payments-previous-secret = Fyrri undirritunarlykill vefkróka er enn samþykktur til { $until } (UTC) á meðan þú skiptir honum út í Stripe.
payments-webhook-heading = Slóð fyrir vefkróka
payments-webhook-intro = Bættu þessari slóð við í stjórnborði Stripe og límdu undirritunarlykil hennar hér að ofan. Greiðslur birtast þá á reikningunum þínum innan nokkurra sekúndna.
payments-webhook-events = Atburðir sem á að senda:
security-title = Öryggi
security-intro = Þessi síða er búin til úr stillingunum sem þjónustan keyrir með: hún lýsir því sem þessi uppsetning gerir í raun.
security-transport-heading = Dulkóðun í flutningi
security-transport-acme = Öll umferð fer eingöngu um HTTPS (TLS 1.2 eða 1.3, millistigs-dulmálssöfn Mozilla). Skilríkið er sótt og endurnýjað sjálfvirkt hjá ACME-vottunaraðila (Let's Encrypt nema annað sé tekið fram hér fyrir neðan). Venjulegt HTTP vísar aðeins áfram á HTTPS.
security-transport-files = Öll umferð fer eingöngu um HTTPS (TLS 1.2 eða 1.3, millistigs-dulmálssöfn Mozilla), með skilríki sem rekstraraðili setur upp og er endurhlaðið þegar það er endurnýjað. Venjulegt HTTP vísar aðeins áfram á HTTPS.
security-transport-proxy = HTTPS er slitið í milliþjóni rekstraraðila fyrir framan þjónustuna; þjónustan sjálf keyrir án TLS á lokuðu hlið þess milliþjóns.
security-transport-none = Þessi uppsetning dulkóðar ekki umferð: hún keyrir á venjulegu HTTP og er eingöngu ætluð til þróunar.
security-acme-directory = Vottunaraðili: { $url }
security-hsts = Vöfrum er sagt að nota eingöngu HTTPS (HSTS) í { $days } daga.
security-hsts-subdomains = Þetta nær til allra undirléna.
security-hsts-preload = Lénið má setja á HSTS-forhleðslulista vafranna.
security-headers = Hvert svar ber strangar öryggisfyrirsagnir: Content-Security-Policy sem leyfir ekkert efni frá þriðja aðila og engar skriftur nema okkar eigin litlu skriftu í reikningaritlinum (hún reiknar samtölur jafnóðum og þú skrifar), aðrar vefsíður mega ekki birta okkur í ramma, engin tilvísun (referrer) er send öðrum vefsíðum og slökkt er á eiginleikum vafrans eins og myndavél, hljóðnema og staðsetningu.
security-rest-heading = Dulkóðun gagna í geymslu
security-rest = Leyndarmál sem þjónustan geymir (innskráningarpóstur sem bíður sendingar, lyklar viðskiptavinatengla, einkalyklar TLS, lyklar SMS-þjónustu) eru dulkóðuð með AES-256-GCM með lyklum leiddum af aðallykli sem er geymdur utan gagnagrunnsins. Innskráningarkóðar og setutókar eru aðeins geymdir sem tætigildi.
security-signin-heading = Innskráning
security-signin = Engin lykilorð eru notuð: þú skráir þig inn með einnota kóða sem sendur er í tölvupósti. Í mesta lagi { $codes } kóða má biðja um fyrir eitt netfang á 15 mínútum, og eftir { $failures } ranga kóða á einum degi er netfanginu læst það sem eftir er dags.
security-sessions = Setu lýkur eftir { $idle } mínútur án virkni, og í síðasta lagi { $absolute } klukkustundum eftir innskráningu. Þú getur lokið öllum setum þínum í einu.
security-logs-heading = Annálar og geymslutími
security-logs = Færslum um hraðatakmarkanir, sem geyma IP-tölur, er eytt eftir { $hours ->
        [one] { $hours } klukkustund
       *[other] { $hours } klukkustundir
    }. Færslum um innskráningarkóða er eytt { $days ->
        [one] { $days } degi
       *[other] { $days } dögum
    } eftir að þeir renna út, og útrunnar setur eru fjarlægðar. Annálar innihalda hvorki netföng, kóða, vafrakökur né tóka.
security-backups-heading = Afrit
security-backups-none = Þjónustan tekur ekki afrit sjálf: afritataka er á ábyrgð rekstraraðila þessarar uppsetningar.
security-patches-heading = Hugbúnaðaruppfærslur
security-patches = Sérhver breyting er borin saman við RustSec-gagnagrunninn um þekkta veikleika áður en hún er gefin út. Alvarlegir veikleikar eru lagfærðir innan 7 daga og veikleikar í háum flokki innan 30 daga.
security-disclosure-heading = Að tilkynna veikleika
security-disclosure = Vinsamlegast tilkynntu veikleika eins og lýst er í security.txt-skránni okkar (RFC 9116):
security-contact = Tengiliður vegna öryggismála:
security-contact-none = Rekstraraðili þessarar uppsetningar hefur ekki skráð tengilið vegna öryggismála.
privacy-title = Persónuvernd
privacy-intro = Þessi síða er búin til úr stillingunum sem þjónustan keyrir með.
privacy-data-heading = Hvað við geymum
privacy-data = Netfangið þitt og seturnar sem þú opnar (með auðkenni vafrans og IP-tölu), fyrirtækjaupplýsingar þínar, viðskiptavini, vörur og skjölin sem þú býrð til. Viðskiptavinir sem opna deildan reikningstengil eru taldir, ekki auðkenndir.
privacy-sending = Þegar þú sendir skjal skráum við hvenær, á hvaða netfang eða farsímanúmer, hver sendi og hvernig gekk, en ekki skilaboðin sjálf. Skilaboð send með SMS fara í gegnum SMS-þjónustuna (46elks eða Twilio), sem fær símanúmer viðskiptavinarins og stuttan texta með tengli á reikninginn.
privacy-cookies-heading = Vafrakökur
privacy-cookies = Við notum setuköku (hún rennur út eftir { $idle } mínútur án virkni), skammlífa köku meðan á innskráningu stendur og köku sem man tungumálið ef þú velur það. Engar rakningar- eða auglýsingakökur og ekkert efni frá þriðja aðila.
privacy-retention-heading = Hversu lengi við geymum gögnin
privacy-documents = Útgefnir reikningar og kreditreikningar eru geymdir eins lengi og bókhaldslög krefjast; þeim er ekki hægt að breyta eftir útgáfu.
privacy-transport-heading = Dulkóðun
security-backups-daily-s3 = Gagnagrunnurinn er afritaður á hverjum degi kl. { $time } UTC, dulkóðaður áður en hann fer af þjóninum (age, með lykli sem rekstraraðili geymir utan nets; þjónninn getur ekki afkóðað hann) og geymdur í aðskilinni S3-samhæfðri geymslu. Endurheimt er æfð reglulega.
security-backups-daily-local = Gagnagrunnurinn er afritaður á hverjum degi kl. { $time } UTC, dulkóðaður áður en hann er skrifaður (age, með lykli sem rekstraraðili geymir utan nets; þjónninn getur ekki afkóðað hann) í aðskilda möppu.
security-operators-heading = Rekstraraðilar
security-operators-totp = Þeir sem reka þjónustuna skrá sig inn í aðskilda stjórnborðið með lykilorði sem er minnst 15 stafir og einnota kóða úr auðkenningarforriti (TOTP); setum þeirra lýkur eftir 15 mínútna óvirkni.
security-operators-password = Þeir sem reka þjónustuna skrá sig inn í aðskilda stjórnborðið með lykilorði sem er minnst 15 stafir; þessi uppsetning krefst ekki annars þáttar fyrir þá.
audit-title = Atburðaskrá
audit-intro = Innskráningar, send skjöl, greiðslur, skoðanir og niðurhal og breytingar á öryggisstillingum í þessu fyrirtæki, nýjast fyrst. Tímar eru í UTC. Færslum er eytt sjálfkrafa að loknum þeim tíma sem tilgreindur er á öryggissíðunni.
audit-link = Atburðaskrá
audit-show = Sýna
audit-all = Allt
audit-filter = Sýna
audit-empty = Ekkert hefur verið skráð enn.
audit-older = Eldri færslur
audit-col-when = Hvenær (UTC)
audit-col-kind = Tegund
audit-col-what = Hvað
audit-col-who = Hver
audit-col-outcome = Niðurstaða
audit-col-address = IP-tala
audit-category-access = Skoðanir og niðurhal
audit-category-auth = Innskráningar
audit-category-admin = Aðgerðir rekstraraðila
audit-category-dispatch = Send skjöl
audit-category-payment = Greiðslur
audit-category-security = Öryggisstillingar
audit-outcome-success = Tókst
audit-outcome-failure = Mistókst
audit-outcome-denied = Hafnað
audit-actor-api-token = API-lykill { $id }
audit-actor-customer-link = Viðskiptavinahlekkur
audit-actor-operator = Rekstraraðili FastFaktura
audit-actor-system = FastFaktura
audit-actor-anonymous = Ekki innskráður
audit-retention-intro = Sérhver skoðun eða niðurhal reikninga, upplýsinga um viðskiptavini og stillinga sem geyma leyndarmál, sérhver innskráning, sérhver aðgerð rekstraraðila, sérhver sendur tölvupóstur, sérhver greiðsla og sérhver breyting á öryggisstillingum er skráð með tíma. Þessum færslum er eytt sjálfkrafa eftir:
audit-retention-line = { $what }: { $months ->
        [one] { $months } mánuður
       *[other] { $months } mánuðir
    }
audit-tamper = Færslurnar eru keðjaðar saman með tætigildum, dag fyrir dag, svo rekstraraðilinn getur sannað að engri hafi verið breytt eða eytt; sérhver sjálfvirk eyðing er líka skráð.
export-title = Sækja öll gögnin þín
export-intro = ZIP-skrá með öllu sem þetta fyrirtæki hefur vistað hér, sem JSON (upplýsingar um fyrirtækið, meðlimir, viðskiptavinir, vörur, reikningar, greiðslur, sendingar, atburðaskráin), og sérhver útgefinn reikningur og kreditreikningur sem PDF, UBL og CII. Hún er útbúin í bakgrunni; við sendum þér tölvupóst þegar hún er tilbúin og hægt er að sækja hana í 7 daga. Vistaðir greiðslulyklar fylgja ekki með.
export-start = Útbúa nýja útflutningsskrá
export-col-requested = Beðið um (UTC)
export-col-status = Staða
export-col-expires = Aðgengileg til
export-status-queued = Bíður
export-status-building = Í vinnslu: { $percent } %
export-status-ready = Tilbúin
export-status-failed = Mistókst; vinsamlegast útbúðu nýja
export-download = Sækja ({ $size })
export-mail-subject = Gögnin þín frá FastFaktura eru tilbúin
export-mail-body = Halló,

    Útflutningsskráin með gögnum fyrirtækisins sem þú baðst um er tilbúin. Sæktu hana (innskráð(ur) sem eigandi fyrirtækisins) hér:

    { $link }

    Hægt er að sækja hana í { $days } daga.

    FastFaktura
customer-erase = Eyða persónuupplýsingum
customer-erase-hint = Að beiðni viðskiptavinarins (GDPR): fjarlægir nafn, heimilisfang og samskiptaupplýsingar úr drögum og tilboðum strax. Reikningar og kreditreikningar sem þegar hafa verið gefnir út halda þeim óbreyttum eins lengi og bókhaldslög krefjast.
privacy-rights-heading = Gögnin þín og gögn viðskiptavina þinna
privacy-export = Eigandi fyrirtækis getur hvenær sem er sótt öll gögn þess (Stillingar → Sækja öll gögnin þín): ZIP-skrá með öllu sem JSON og sérhverjum útgefnum reikningi og kreditreikningi sem PDF, UBL og CII.
privacy-erasure = Þegar viðskiptavinur biður um að gleymast getur eigandinn eytt persónuupplýsingum hans: drög og tilboð missa nafn, heimilisfang og samskiptaupplýsingar strax. Reikningar og kreditreikningar sem þegar hafa verið gefnir út verða að haldast óbreyttir eins lengi og bókhaldslög krefjast (til dæmis 7 ár á Íslandi og í Svíþjóð, 5 í Danmörku og Noregi, 6 í Finnlandi, 10 í Þýskalandi og Frakklandi); þeir eru geymdir, faldir úr listum, og ástæðan er skráð.
close-title = Loka þessum aðgangi
close-intro = Við lokun er strax fjarlægt allt sem ekki þarf vegna bókhalds: drög og tilboð, viðskiptavinir sem eru ekki á neinum útgefnum reikningi, vörur, endurteknir reikningar, API-lyklar, greiðslulyklar, viðskiptavinahlekkir, skrár um sendan póst og aðgangur allra meðlima. Enginn getur skráð sig inn í þetta fyrirtæki aftur.
close-kept = Útgefnir reikningar og kreditreikningar, ásamt viðskiptavinum þeirra og greiðslum, verða að geymast óbreyttir í { $years } ár frá lokum þess árs sem sá síðasti var gefinn út (bókhaldslög í landi fyrirtækisins). Þeir eru geymdir faldir og óbreytanlegir og þeim er eytt sjálfkrafa að því loknu.
close-export-first = Þú gætir viljað sækja öll gögnin þín fyrst:
close-confirm = Ég skil að ekki er hægt að afturkalla þetta.
close-button = Loka aðganginum
close-confirm-missing = Hakaðu í reitinn til að staðfesta að þú viljir loka aðganginum.
privacy-closure = Eigandinn getur lokað aðganginum: öllu sem ekki þarf vegna bókhalds er eytt strax og enginn getur skráð sig inn í fyrirtækið aftur. Útgefnir reikningar og kreditreikningar, ásamt viðskiptavinum þeirra og greiðslum, eru geymdir faldir og óbreytanlegir þann tíma sem lög í landi fyrirtækisins krefjast eftir ár þess síðasta (í árum: { $years }, þar sem * er hvert annað land) og þeim síðan eytt sjálfkrafa.

## SMS settings

sms-title = SMS
sms-platform-available = FastFaktura getur sent SMS fyrir þig með eigin þjónustuaðgangi. Bættu aðeins við þínum eigin aðgangi hér að neðan ef skilaboðin eiga að fara í gegnum hann (og vera rukkuð á þig).
sms-platform-missing = Engin SMS-þjónusta er uppsett í þessu FastFaktura. Til að senda reikninga með SMS skaltu bæta við eigin aðgangi að 46elks eða Twilio hér að neðan.
sms-own-account = Þinn eigin aðgangur er notaður: { $provider }, { $account }.
sms-sender-is = Sendandi: { $sender }.
sms-remove-own = Fjarlægja minn aðgang
sms-provider = Þjónusta
sms-account = API-notandanafn (46elks) eða Account SID (Twilio)
sms-secret = API-lykilorð (46elks) eða Auth Token (Twilio)
sms-sender = Sendandi: símanúmer á alþjóðlegu formi eða nafn með allt að 11 bókstöfum og tölustöfum
sms-write-only = Lykilorðið eða tókinn er geymdur dulkóðaður og aldrei sýndur aftur; sláðu hann inn aftur í hvert sinn sem þú vistar.
sms-bad-provider = Þjónusta: veldu 46elks eða Twilio.
sms-bad-account = Aðgangur: API-notandanafn hjá 46elks eða Account SID hjá Twilio (AC og 32 sextándakerfisstafir).
sms-bad-secret = API-lykilorð eða tóki: minnst 8 stafir, engin bil.
sms-bad-sender = Sendandi: símanúmer eins og +46 70 123 45 67 eða nafn með 1 til 11 bókstöfum og tölustöfum (a.m.k. einum bókstaf).

## Áminningar

reminders-title = Áminningar
reminders-intro = FastFaktura minnir viðskiptavini þína á ógreidda reikninga samkvæmt þessari áætlun, á þeirra tungumáli, með hlekk á reikninginn. Áminningar hætta um leið og reikningur er greiddur eða kreditfærður.
reminders-off = Áminningar eru óvirkar þar til þú vistar áætlun. Hakað er við tillögu okkar.
reminders-col-when = Hvenær
reminder-rule-before-3 = 3 dögum fyrir gjalddaga
reminder-rule-due = Á gjalddaga
reminder-rule-after-7 = 7 dögum eftir gjalddaga
reminder-rule-after-14 = 14 dögum eftir gjalddaga
delivery-cancelled = Hætt við: { $reason }

## Dagsetningar og tilvísanir á skjölum
label-issue-date = Útgáfudagur
label-due-date = Gjalddagi
label-valid-until = Gildir til
label-delivery-date = Afhendingardagur
label-period-start = Tímabil frá
label-period-end = Tímabil til
label-buyer-reference = Tilvísun kaupanda
label-order-reference = Pöntunarnúmer
editor-dates-heading = Dagsetningar og tilvísanir
editor-issue-date-hint = Autt: dagurinn sem skjalið er gefið út.
editor-due-date-hint = Autt: samkvæmt greiðsluskilmálum.
editor-valid-until-hint = Autt: 30 dögum eftir dagsetningu tilboðs.
editor-buyer-reference-hint = Tilvísunin sem viðskiptavinurinn bað um, t.d. deildarnúmer.
invoice-period-order = tímabilinu verður að ljúka á eða eftir fyrsta degi þess
invoice-period-incomplete = tilgreindu bæði fyrsta og síðasta dag tímabilsins
invoice-due-before-issue = Gjalddagi: má ekki vera á undan útgáfudegi
label-period = Tímabil
view-valid-until = gildir til { $date }
view-credit-notes = Kreditreikningar:
quote-accepted-on = Viðskiptavinurinn samþykkti þetta tilboð { $date }.
quote-declined-on = Viðskiptavinurinn hafnaði þessu tilboði { $date }.
quote-already-answered = Þessu tilboði hefur þegar verið svarað.
quote-already-converted = Þessu tilboði hefur þegar verið breytt í reikning.
quote-expired = Þetta tilboð er ekki lengur í gildi. Biddu sendandann um nýtt.
quote-answer-unknown = Veldu Samþykkja eða Hafna.
customer-quote-heading = Þitt svar
customer-quote-accept = Samþykkja tilboð
customer-quote-decline = Hafna
customer-quote-accepted = Þú samþykktir þetta tilboð { $date }. Takk fyrir!
customer-quote-declined = Þú hafnaðir þessu tilboði { $date }.
customer-quote-converted = Þessu tilboði hefur verið breytt í reikning.
customer-quote-expired = Gildistími þessa tilboðs er liðinn og ekki er lengur hægt að svara því hér.
mail-quote-accepted-subject = Tilboð { $number } var samþykkt
mail-quote-accepted-body =
    Góðar fréttir: viðskiptavinurinn samþykkti tilboð { $number }.

    Þú getur breytt því í reikning hér: { $link }
mail-quote-declined-subject = Tilboði { $number } var hafnað
mail-quote-declined-body =
    Viðskiptavinurinn hafnaði tilboði { $number }.

    Sjá tilboðið hér: { $link }
privacy-controller-heading = Ábyrgðaraðili
privacy-controller = Ábyrgðaraðili persónuupplýsinga sem þjónustan vinnur um notendur sína er:
privacy-dpo = Persónuverndarfulltrúi:
privacy-controller-missing = Rekstraraðili þjónustunnar hefur ekki enn gefið upp nafn sitt og netfang hér. Þangað til má skrifa á öryggisnetfangið hér að neðan.
privacy-processor = Um viðskiptavini og skjöl sem fyrirtæki skráir er fyrirtækið sjálft ábyrgðaraðili og þjónustan vinnsluaðili fyrir þess hönd.
privacy-rights-intro = Samkvæmt persónuverndarreglugerðinni (GDPR) og lögum nr. 90/2018 um persónuvernd og vinnslu persónuupplýsinga á hver sá sem við vinnum upplýsingar um rétt:
privacy-right-access = til að vita hvaða upplýsingar við geymum um hann og fá afrit (aðgangur);
privacy-right-rectification = til að fá rangar upplýsingar leiðréttar (leiðrétting);
privacy-right-erasure = til að fá upplýsingum eytt þegar þeirra er ekki lengur þörf, nema lög skyldi okkur til að geyma þær (eyðing);
privacy-right-restriction = til að fá vinnslu takmarkaða meðan úr ágreiningi er leyst (takmörkun);
privacy-right-portability = til að fá upplýsingar sínar á tölvulesanlegu sniði (flutningur);
privacy-right-objection = til að andmæla vinnslu sem byggir á lögmætum hagsmunum (andmæli).
privacy-complaint = Skrifaðu á netfangið hér að ofan til að nýta þessi réttindi; við svörum innan mánaðar. Einnig má alltaf kvarta til eftirlitsstjórnvaldsins:
settings-new-documents-only = Breytingar hér gilda um skjöl sem gefin eru út héðan í frá. Útgefin skjöl halda þeim upplýsingum sem þau voru gefin út með.

## Staðfesting, forskoðun, afritun
confirm-issue-title = Yfirfara og gefa út
confirm-issue-intro = Eftir útgáfu verður skjalið { $number } og því er ekki hægt að breyta: leiðréttingar eru gerðar með kreditreikningi. Skoðaðu forskoðunina fyrst.
confirm-issue-preview = Opna forskoðun (PDF, merkt DRÖG)
confirm-issue-problems = Áður en hægt er að gefa þetta út þarf að laga:
confirm-issue-now = Gefa út núna
confirm-back-to-editing = Aftur í breytingar
confirm-delete-title = Eyða þessum drögum?
confirm-delete-intro = Drögunum ({ $kind }) og línum þeirra verður eytt. Það er ekki hægt að afturkalla.
confirm-delete-now = Eyða drögum
confirm-keep-draft = Halda þeim
view-duplicate = Afrita sem ný drög
payment-remove = Fjarlægja
payment-remove-hint = Aðeins fyrir greiðslu sem var skráð fyrir mistök; fjarlægingin er geymd í atvikaskránni.
editor-exemption-hint = Veldu undanþágu frá VSK á línu til að skrá ástæðuna sem reikningurinn verður að tilgreina.
settings-section-business = Fyrirtækið
settings-business-link = Upplýsingar um fyrirtækið
settings-section-paid = Greiðslur
settings-section-data = Gögnin þín
settings-section-danger = Lokun aðgangs

## Auðkenni
id-country = verður að vera tveggja stafa landskóði, t.d. IS, SE eða DE
id-vat-characters = má aðeins innihalda bókstafi og tölustafi (mest 16)
id-check-digit = hefur ranga vartölu; athugaðu hvort innsláttarvilla leynist í því
id-shape = ætti að líta út eins og { $example }
id-vat-prefix = VSK-númer frá { $country } byrjar á { $prefix } og svo númerinu
id-vat-digits = verður að vera VSK-númerið, með tölustöfum
id-iban = verður að líta út eins og IS14 0159 2600 7654 5510 7303 39 (land, vartölur, reikningur)
id-bic = verður að hafa 8 eða 11 bókstafi og tölustafi, t.d. NBIIISRE
id-phone = verður að vera á alþjóðlegu formi, t.d. +354 555 1234
id-registration = verður að vera skráningarnúmerið, með tölustöfum (mest 40 stafir)
email-malformed = lítur ekki út eins og netfang: það þarf eitt @ með nafni á undan og léni eins og example.com á eftir
dashboard-attention = Þarfnast athygli
dashboard-attention-none = Ekkert þarfnast athygli þinnar núna.
dashboard-attention-overdue = { $count ->
        [one] { $count } reikningur kominn fram yfir gjalddaga
       *[other] { $count } reikningar komnir fram yfir gjalddaga
    }
dashboard-attention-failed = { $count ->
        [one] { $count } sending mistókst; opnaðu reikninginn til að reyna aftur
       *[other] { $count } sendingar mistókust; opnaðu reikningana til að reyna aftur
    }
dashboard-attention-unsent = { $count ->
        [one] { $count } útgefið skjal hefur hvorki verið sent né deilt
       *[other] { $count } útgefin skjöl hafa hvorki verið send né deilt
    }
dashboard-attention-drafts = { $count ->
        [one] { $count } drög bíða
       *[other] { $count } drög bíða
    }
dashboard-paid-per-month = Greitt á mánuði ({ $currency })
dashboard-aging = Útistandandi eftir aldri ({ $currency })
dashboard-recent = Nýjustu skjölin
aging-current = Ekki komið á gjalddaga
aging-30 = 1–30 dögum of seint
aging-60 = 31–60 dögum of seint
aging-90 = 61–90 dögum of seint
aging-older = Meira en 90 dögum of seint
customer-balance = Staða
customer-nothing-owed = Ekkert er útistandandi.
customer-statement = Hreyfingayfirlit (PDF)
customer-statement-hint = Allir reikningar, kreditreikningar og greiðslur með stöðu eftir hverja færslu, á tungumáli viðskiptavinarins, til að senda þegar spurt er hvað sé ógreitt.
customer-documents = Skjöl
customer-no-documents = Engin skjöl enn.
customer-col-number = Skjal
customer-col-open = Ógreitt

## Það sem hindrar útgáfu skjals
doc-fix-before-issue = Áður en hægt er að gefa þetta út sem löglegt skjal þarf að laga: { $problems }. Upplýsingar fyrirtækisins eru undir Stillingar → Fyrirtæki, viðskiptavinarins á síðu hans.
doc-party-seller = Seljandi
doc-party-buyer = Kaupandi
doc-calculation = Upphæðir: { $detail }
doc-party-name = { $party }: nafn vantar
doc-party-country = { $party }: land verður að vera tveggja stafa ISO 3166 kóði, t.d. IS, SE eða DE
doc-party-address-lines = { $party }: í mesta lagi þrjár heimilisfangslínur
doc-party-address = { $party }: heimilisfang og staður verða að fylgja
doc-party-postcode = { $party }: póstnúmer vantar í íslenskt heimilisfang
doc-party-endpoint = { $party }: rafrænt heimilisfang þarf bæði kerfi og auðkenni
doc-number = Skjal: númer vantar
doc-due-before-issue = Skjal: gjalddagi er á undan útgáfudegi
doc-no-lines = Skjal: að minnsta kosti ein lína verður að vera
doc-currency-decimals = Skjal: rafrænir reikningar (EN 16931) leyfa í mesta lagi tvo aukastafi, en { $currency } hefur fleiri
doc-credited-number = Kreditreikningur: númer reikningsins sem hann leiðréttir vantar
doc-line-description = Lína { $n }: lýsingu vantar
doc-line-unit = Lína { $n }: eining verður að vera UN/ECE kóði, t.d. C62, HUR, DAY eða KGM
doc-outside-scope-mixed = VSK: línum utan virðisaukaskatts (O) má ekki blanda saman við aðra VSK-flokka
doc-seller-vat = Seljandi: VSK-númer vantar fyrir virðisaukaskattskyldan seljanda
doc-seller-vat-or-registration = Seljandi: VSK-númer eða kennitölu vantar
doc-buyer-vat-k = Kaupandi: VSK-númer vantar fyrir sölu innan EES (K)
doc-buyer-vat-ae = Kaupandi: VSK-númer eða skráningarnúmer vantar fyrir öfuga skattskyldu (AE)
doc-delivery-k = Skjal: afhendingardag eða tímabil vantar fyrir sölu innan EES (K)
doc-period-order = Skjal: afhendingartímabilinu lýkur áður en það hefst
doc-bic-without-iban = Greiðsla: BIC þarf IBAN
doc-iban = Greiðsla: { $iban } er ekki gilt IBAN
doc-seller-iban = Seljandi: IBAN vantar, þar sem greitt er með millifærslu
refusal-already-issued = Þetta skjal hefur þegar verið gefið út.
refusal-not-creditable = Aðeins útgefna reikninga er hægt að kreditfæra.
refusal-already-credited = Þessi reikningur hefur þegar verið kreditfærður að fullu.
refusal-not-payable = Greiðslur er aðeins hægt að skrá á útgefna reikninga sem ekki hafa verið kreditfærðir.
refusal-not-an-issued-quote = Aðeins útgefnum tilboðum er hægt að breyta í reikninga.
refusal-already-converted = Þessu tilboði hefur þegar verið breytt í reikning ({ $number }).
refusal-not-repeatable = Aðeins útgefna reikninga er hægt að endurtaka.
refusal-no-lines = Bættu við a.m.k. einni línu áður en skjalið er gefið út.
refusal-credit-exceeds = Þessi kreditreikningur ({ $credit }) er hærri en það sem eftir er að kreditfæra á reikningi { $number } ({ $left }).
refusal-amount-decimals = Upphæðir í { $currency } hafa mest { $places } aukastafi.
refusal-overpayment = Aðeins { $open } er ógreitt á þessum reikningi; ofgreiðsla er ekki skráð (endurgreiddu viðskiptavininum mismuninn).
refusal-repeat-interval = Endurtaka þarf á 1 til 24 mánaða fresti.
refusal-issue-date-future = Útgáfudagur getur ekki verið í framtíðinni.
refusal-issue-date-before-series = Útgáfudagur getur ekki verið fyrir { $date }, dagsetningu síðasta útgefna skjals í þessari röð (númer fylgja dagsetningum).
refusal-due-before-issue = Gjalddagi getur ekki verið á undan útgáfudegi.
calc-total-too-large = Heildarupphæð skjalsins er of há (mest 999.999.999.999,99).
vat-error-unknown-category = er ekki VSK-flokkur; veldu einn af listanum
vat-error-standard-needs-rate = verður að vera yfir 0 % í almennum flokki (S)
vat-error-must-be-zero = verður að vera 0 í flokki { $category }, sem ber 0 % VSK
vat-error-bad-rate = verður að vera á bilinu 0 til 100 % með mest tvo aukastafi
vat-error-reason-required = verður að segja hvers vegna línan er undanþegin VSK
lines-too-many = Reikningur getur haft mest { $max } línur.
lines-blank = Hver lína þarf lýsingu, magn og einingarverð.
quota-email = Þetta fyrirtæki hefur sent eins marga tölvupósta og það má í bili. Ný fyrirtæki byrja með litla daglega heimild sem vex með sögu þeirra; reyndu aftur síðar eða biddu þjónustuna að hækka hana.
quota-sms = Þetta fyrirtæki hefur sent eins mörg SMS og það má í bili (númer erlendis hafa minni heimild). Reyndu aftur síðar eða biddu þjónustuna að hækka hana.
quota-invitation = Of mörg boð í bili. Reyndu aftur síðar.
quota-export = Of margar gagnaútflutningsbeiðnir í bili. Reyndu aftur á morgun.

## Boð, eins og sá sem er boðið sér þau
invitations-title = Boð
invitations-none = Engin opin boð bíða þín.
invitations-offer = { $business } býður þér að slást í hópinn sem { $role }.
invitations-invited-by = Sent af { $inviter }; opið til { $date }.
invitations-join = Þiggja boðið
invitations-decline = Hafna
invitations-back = Aftur á yfirlitið
invitations-own-intro = Eða stofnaðu þitt eigið fyrirtæki til að senda þínum viðskiptavinum reikninga.
invitations-own = Stofna mitt eigið fyrirtæki
invitations-already-member = Þú tilheyrir nú þegar fyrirtæki.
dashboard-invitations = { $count ->
    [one] Þú átt boð sem bíður svars.
   *[other] Þú átt { $count } boð sem bíða svars.
}
dashboard-invitations-link = Skoða boð

ref-empty = er tómt
ref-not-digits = má aðeins innihalda tölustafi
ref-invalid-character = má aðeins innihalda bókstafina A–Z og tölustafi
ref-too-short = er of stutt: það þarf minnst { $min } tölustafi
ref-too-long = er of langt: það má mest hafa { $max } tölustafi
ref-length-digit = hefur ranga lengdartölu (næstsíðasta tölustafinn)
ref-length-not-agreed = hefur ekki þá lengd sem samið var um við bankann
ref-no-check-digit = fær enga vartölu með MOD11; veldu annað númer
ref-not-rf = verður að byrja á RF
ref-wrong-country = verður að vera IBAN frá { $country }
ref-not-kennitala = endar ekki á gildri kennitölu
reference-scheme-unknown = er ekki ein þeirra tilvísana sem í boði eru
label-reference-scheme = Greiðslutilvísun á reikningum
label-bankgiro = Bankgiro-númer
label-fik-creditor = FI-kröfuhafanúmer (Danmörk)
reference-scheme-automatic = Sjálfvirkt: sú sem tíðkast í mínu landi
reference-scheme-rf = RF-tilvísun kröfuhafa (allir SEPA-bankar)
reference-scheme-kid_mod10 = KID, MOD10 (Noregur)
reference-scheme-kid_mod11 = KID, MOD11 (Noregur)
reference-scheme-se_ocr = OCR-númer (Svíþjóð, með Bankgiro)
reference-scheme-fi_reference = Viitenumero (Finnland)
reference-scheme-dk_fik71 = FI-kort 71 (Danmörk)
reference-scheme-invoice_number = Reikningsnúmerið
settings-reference-hint = Viðskiptavinir greiða með þessari tilvísun, svo greiðslan parast við reikninginn þegar þú flytur inn bankayfirlitið.
label-account-no = Reikningsnúmer
label-kennitala = Kennitala viðtakanda
label-kid = KID
label-ocr = OCR-númer
label-viitenumero = Tilvísun (viitenumero)
label-virtual-barcode = Sýndarstrikamerki
label-fik-line = FI-greiðslulína
button-copy = Afrita
copied = Afritað
bank-file-empty = Skráin er tóm. Veldu yfirlitsskrána sem bankinn lét þig fá.
bank-file-unknown = Þetta er ekki bankaskrá sem við getum lesið. Hladdu upp ISO 20022 camt.053 yfirliti, camt.054 tilkynningu, BgMax- eða OCR giro-skrá frá bankanum.
bank-file-unreadable = Ekki tókst að lesa skrána og ekkert var flutt inn: { $detail }
bank-file-foreign-account = Þetta yfirlit er fyrir reikning { $account }, sem er ekki reikningur fyrirtækisins. Ekkert var flutt inn. Athugaðu skrána, eða IBAN og Bankgiro í stillingum.
bank-entry-not-waiting = Þessi greiðsla bíður ekki lengur; síðan var ekki uppfærð.
bank-entry-not-matched = Þessi greiðsla er ekki pöruð við reikning.
bank-match-not-payable = Veldu útgefinn reikning sem er ekki ógiltur.
bank-match-currency = Þessi greiðsla er í { $currency }; veldu reikning í { $currency }.
bank-match-already-paid = Sá reikningur er þegar greiddur.
bank-title = Bankagreiðslur
bank-upload-heading = Flytja inn bankayfirlit
bank-upload-hint = camt.053 yfirlit, camt.054 tilkynning (ISO 20022 XML), BgMax (Svíþjóð) eða OCR giro (Noregur). Greiðslur með þekkta tilvísun skrást strax á reikninginn sinn; sama skrá flutt inn aftur skráir ekkert tvisvar.
bank-file-label = Yfirlitsskrá
bank-import-button = Flytja inn
bank-imported = { $file }: { $payments ->
    [one] { $payments } ný greiðsla
   *[other] { $payments } nýjar greiðslur
}, { $matched } skráðar á reikninga, { $duplicates } fluttar inn áður.
bank-waiting-heading = Bíða eftir þér ({ $count })
bank-waiting-none = Engar greiðslur bíða. Allt sem var flutt inn er parað.
bank-matched-heading = Skráðar á reikninga
bank-imports-heading = Innfluttar skrár
bank-col-date = Bókað
bank-col-payer = Greiðandi
bank-col-reference = Tilvísun eða skilaboð
bank-col-amount = Upphæð
bank-col-invoice = Reikningur
bank-col-file = Skrá
bank-col-format = Snið
bank-col-payments = Greiðslur
bank-col-matched = Paraðar
bank-col-duplicates = Fluttar inn áður
bank-suggested = Tillögur:
bank-match-button = Para við { $number }
bank-match-other = Reikningsnúmer
bank-match-other-button = Para
bank-dismiss-button = Ekki greiðsla reiknings
bank-undo-button = Afturkalla
bank-by-automatic = sjálfvirkt
bank-by-person = handvirkt
bank-overpaid = { $amount } umfram það sem var ógreitt: endurgreiddu eða kreditfærðu.
bank-reason-no_reference = Engin tilvísun
bank-reason-unknown_reference = Tilvísunin á ekki við neinn reikning
bank-reason-ambiguous = Tilvísunin á við fleiri en einn reikning
bank-reason-already_paid = Reikningurinn sem hún vísar á er þegar greiddur
bank-reason-currency = Í annarri mynt en reikningurinn sem hún vísar á
bank-reason-not_payable = Reikningurinn sem hún vísar á er ógiltur eða ekki til greiðslu
bank-no-suggestions = Enginn opinn reikningur passar; sláðu inn reikningsnúmerið.
bank-match-unknown-number = Enginn útgefinn reikningur hefur þetta númer.
dashboard-unmatched-payments = { $count ->
    [one] 1 bankagreiðsla bíður pörunar
   *[other] { $count } bankagreiðslur bíða pörunar
}
nav-bank = Banki
bank-match-number-required = Sláðu inn númer reikningsins sem þessi greiðsla er fyrir.
bank-file-too-large = Skráin er stærri en 50 MB. Sæktu styttra tímabil úr bankanum.
label-bank-claim = Krafa í netbanka
claims-heading = Kröfur í netbanka
claims-intro = Tengdu kröfuþjónustu bankans (IOBWS): hver reikningur í krónum til viðskiptavinar með kennitölu birtist þá líka sem krafa í netbanka hans og merkist greiddur þegar hann greiðir hana þar.
claims-api-url = Slóð kröfuþjónustu bankans
claims-template = Kröfusniðmát (úr samningi við bankann)
claims-token = Aðgangslykill (aðeins skrifaður)
claims-template-shape = Kröfusniðmátið er þrír bókstafir eða tölustafir, t.d. 001.
label-payment-reference = Greiðslutilvísun
claim-state-pending = á leið til bankans
claim-state-open = í netbanka viðskiptavinar
claim-state-paid = greidd í netbanka
claim-state-cancelled = felld niður
claim-state-failed = bankinn hafnaði
claims-url-invalid = Slóð kröfuþjónustu bankans verður að byrja á https:// og má ekki innihalda fyrirspurn eða notandanafn.
claims-token-invalid = Aðgangslykillinn má aðeins innihalda sýnileg tákn, engin bil.
bank-col-imported = Flutt inn
label-peppol-id = Peppol-auðkenni
customer-peppol-hint = Fyrir rafræna reikninga um Peppol, t.d. 0196:5902697199. Sé það autt er það leitt af kennitölu eða VSK-númeri.
peppol-id-format = á að vera kóði auðkenniskerfis, tvípunktur og auðkennið, t.d. 0196:5902697199
peppol-id-unknown-scheme = notar auðkenniskerfi { $code }, sem Peppol þekkir ekki
peppol-id-removed-scheme = notar auðkenniskerfi { $code }, sem Peppol hætti að nota { $date }
peppol-id-characters = má aðeins innihalda bókstafi, tölustafi og - . _ ~ á eftir kerfiskóðanum
