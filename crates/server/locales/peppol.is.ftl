# Peppol: leit að móttakanda og sending rafrænna reikninga um netið (issue 21).

## Stillingar → Rafrænir reikningar
peppol-settings-title = Rafrænir reikningar
peppol-settings-intro = Sendu reikninga um Peppol-netið beint í bókhaldskerfi viðskiptavina og taktu við rafrænum reikningum birgja, í gegnum aðgangspunkt.
peppol-own-id = Fyrirtækið þitt er { $id } á Peppol-netinu.
peppol-own-id-missing = Fyrirtækið þitt hefur ekkert Peppol-auðkenni enn: skráðu kennitölu eða VSK-númer undir Fyrirtæki, eða sláðu auðkennið inn hér fyrir neðan.
peppol-connected = Tengt: reikningar geta farið um Peppol.
peppol-not-connected = Ekki tengt: veldu aðgangspunkt og sláðu inn upplýsingarnar.
peppol-own-id-label = Peppol-auðkenni fyrirtækisins
peppol-own-id-hint = Sé það autt er það myndað úr kennitölu eða VSK-númeri, t.d. 0196:5902697199 fyrir íslenskt fyrirtæki.
peppol-provider = Aðgangspunktur
peppol-provider-none = Enginn
peppol-legal-entity = Auðkenni lögaðila hjá aðgangspunktinum
peppol-api-key = API-lykill
peppol-webhook-secret = Leyndarorð vefkróka
peppol-webhook-hint = Skráðu þessa slóð fyrir vefkróka hjá aðgangspunktinum, með sama leyndarorði:
peppol-write-only = Lykillinn og leyndarorðið eru geymd dulkóðuð og aldrei sýnd aftur; skildu reitina eftir auða til að halda þeim vistuðu.
peppol-provider-unknown = veldu aðgangspunkt af listanum
peppol-legal-entity-shape = á að vera númerið sem aðgangspunkturinn gaf lögaðilanum
peppol-secret-shape = má aðeins innihalda bókstafi, tölustafi og greinarmerki, mest 200 stafi

## Sending um Peppol
send-by-peppol = Um Peppol til { $id }
send-peppol-not-connected = Peppol er ekki uppsett: tengdu aðgangspunkt í Stillingum → Rafrænir reikningar.
send-peppol-no-participant = Viðskiptavinurinn hefur ekkert Peppol-auðkenni: skráðu kennitölu, VSK-númer eða Peppol-auðkenni hans.
send-peppol-not-checked = Peppol: ekki hefur enn tekist að fletta upp { $id }; athugaðu það á síðu viðskiptavinarins.
send-peppol-not-receiving = Peppol: { $id } tekur ekki við þessu skjali um Peppol, samkvæmt síðustu athugun á síðu viðskiptavinarins.
send-peppol-already = Þetta skjal hefur þegar verið sent um Peppol.
delivery-channel-peppol = Peppol
delivery-submitted = Afhent aðgangspunkti { $when }
delivery-delivered = Komið til aðgangspunkts viðskiptavinarins { $when }

## Síða viðskiptavinar
customer-peppol-heading = Rafrænir reikningar um Peppol
customer-peppol-id = Peppol-auðkenni: { $id }
customer-peppol-none = Ekkert Peppol-auðkenni: skráðu kennitölu, VSK-númer eða Peppol-auðkenni viðskiptavinarins til að sjá hvort hann tekur við rafrænum reikningum.
customer-peppol-unchecked = Ekki flett upp enn.
customer-peppol-invoices = reikningum
customer-peppol-credit-notes = kreditreikningum
customer-peppol-receives = Tekur við { $documents } um Peppol (athugað { $date }).
customer-peppol-registered-nothing = Skráður á Peppol, en ekki fyrir reikninga eða kreditreikninga (athugað { $date }).
customer-peppol-not-registered = Ekki á Peppol-netinu (athugað { $date }): sendu með tölvupósti í staðinn.
customer-peppol-refused = Ekki var hægt að treysta svari Peppol-skrárinnar (athugað { $date }): { $reason }
customer-peppol-unreachable = Peppol-skráin svaraði ekki (athugað { $date }): { $reason }. Reyndu aftur síðar.
customer-peppol-check = Athuga núna

## Stillingar → Fyrirtæki: tengiliður á skjölum
label-contact-name = Tengiliður
label-contact-email = Netfang tengiliðar
label-contact-phone = Sími tengiliðar
settings-contact-hint = Prentað á reikningana þína sem tengiliður. Þýskir opinberir kaupendur (XRechnung) krefjast alls þriggja.
contact-phone-shape = á að vera símanúmer með minnst þremur tölustöfum, t.d. +354 555 1234

## XRechnung (þýskir kaupendur): það sem skjalið vantar enn
xrechnung-not-an-invoice = XRechnung er fyrir reikninga og kreditreikninga, ekki tilboð ({ $rule })
xrechnung-seller-contact-name = XRechnung krefst tengiliðar: skráðu hann undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-seller-phone = XRechnung krefst síma tengiliðar: skráðu hann undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-seller-email = XRechnung krefst netfangs tengiliðar: skráðu það undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-seller-city = XRechnung krefst staðar fyrirtækisins: skráðu hann undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-seller-postcode = XRechnung krefst póstnúmers fyrirtækisins: skráðu það undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-buyer-city = XRechnung krefst staðar viðskiptavinarins ({ $rule })
xrechnung-buyer-postcode = XRechnung krefst póstnúmers viðskiptavinarins ({ $rule })
xrechnung-buyer-electronic-address = XRechnung krefst Peppol-auðkennis eða netfangs viðskiptavinarins ({ $rule })
xrechnung-payment-account = XRechnung krefst greiðsluupplýsinga: skráðu IBAN undir Stillingar → Fyrirtæki ({ $rule })
xrechnung-leitweg-id = Leitweg-ID viðskiptavinarins { $value } er ekki gilt ({ $rule })
xrechnung-buyer-reference = Tilvísun opinbers kaupanda á að vera Leitweg-ID hans { $value }, ekki { $reference } ({ $rule })
xrechnung-payment-terms-line = Greiðsluskilmálalínan { $value } er ekki gild Skonto-lína ({ $rule })

## Reglur rafrænna reikninga
doc-rules-failed = Rafræni reikningurinn brýtur þessar reglur og var því hvorki gefinn út né sendur: { $problems }

## Móttaka um Peppol
peppol-receive-heading = Taka við rafrænum reikningum
peppol-receive-intro = Skráðu Peppol-auðkenni fyrirtækisins hjá aðgangspunktinum, svo að rafrænir reikningar birgja sem sendir eru á það berist í Innhólf.
peppol-receive-button = Taka við rafrænum reikningum um Peppol
peppol-receiving = Skráð: rafrænir reikningar sendir á { $id } berast nú í Innhólf.
peppol-receive-no-id = Fyrirtækið þarf fyrst Peppol-auðkenni: skráðu kennitölu eða VSK-númer undir Fyrirtæki, eða sláðu auðkennið inn hér að ofan.
peppol-receive-refused = Aðgangspunkturinn hafnaði: { $reason }
