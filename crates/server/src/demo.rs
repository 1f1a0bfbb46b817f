//! Demo data for manual tries and benchmarks: `fastfaktura demo seed`.
//!
//! Each business gets an owner (`owner-N@demo.fastfaktura.test`, sign in with a code
//! from the dev outbox), a profile, customers, and its share of the invoices, most of
//! them issued (numbered through the real issuing path) and some paid.

use fastfaktura_domain::{Currency, InvoiceKind, PriceEntry};
use rust_decimal::Decimal;
use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{
    self,
    businesses::BusinessProfile,
    customers::CustomerFields,
    invoices::{Line, NewDraft, Payment},
};

#[derive(Debug)]
pub struct Seeded {
    pub businesses: usize,
    pub invoices: usize,
    pub issue_seconds: f64,
}

pub async fn seed(db: &PgPool, businesses: usize, invoices: usize) -> anyhow::Result<Seeded> {
    let now = OffsetDateTime::now_utc();
    let mut ids = Vec::with_capacity(businesses);
    for n in 0..businesses {
        let email = format!("owner-{}-{}@demo.fastfaktura.test", n + 1, &Uuid::new_v4().simple().to_string()[..6]);
        let mut tx = db.begin().await?;
        let landing = db::users::find_or_create_for_login(&mut tx, &email, now).await?;
        let business_id = anyhow::Context::context(landing.business_id, "a fresh demo address has no invitations")?;
        let profile = BusinessProfile {
            name: format!("Demo business {}", n + 1),
            address_line: "Laugavegur 1".into(),
            postal_code: "101".into(),
            city: "Reykjavík".into(),
            country: "IS".into(),
            vat_number: "12345".into(),
            registration_id: "590269-7199".into(),
            iban: "IS140159260076545510730339".into(),
            bic: "NBIIISRE".into(),
            default_currency: if n % 3 == 0 { "ISK".into() } else { "EUR".into() },
            payment_terms_days: 14,
            invoice_language: "en".into(),
            payment_reference_scheme: "automatic".into(),
            bankgiro: String::new(),
            fik_creditor: String::new(),
            ..Default::default()
        };
        db::businesses::update_profile(&mut *tx, business_id, &profile).await?;
        let mut customers = Vec::new();
        for c in 0..5 {
            let fields = CustomerFields {
                kind: "business".into(),
                name: format!("Customer {} of {}", c + 1, n + 1),
                email: format!("billing{}@customer.example", c + 1),
                country: "SE".into(),
                language: "en".into(),
                currency: profile.default_currency.clone(),
                ..CustomerFields::default()
            };
            customers.push(db::customers::create(&mut *tx, business_id, &fields, now).await?);
        }
        tx.commit().await?;
        ids.push((business_id, customers, profile.default_currency));
    }
    let mut drafts = Vec::with_capacity(invoices);
    for i in 0..invoices {
        let (business_id, customers, currency) = &ids[i % ids.len().max(1)];
        let mut tx = db.begin().await?;
        let id = db::invoices::create_draft(
            &mut tx,
            *business_id,
            NewDraft {
                kind: InvoiceKind::Invoice,
                customer_id: customers[i % customers.len()],
                currency: Currency::parse(currency)?,
                price_entry: PriceEntry::Net,
                credited_invoice_id: None,
            },
            now,
        )
        .await?;
        let lines: Vec<Line> = (0..3)
            .map(|l| Line {
                description: format!("Service {}", l + 1),
                quantity: Decimal::from((i % 7 + 1) as i64),
                unit: "h".into(),
                // Prices of a few to a couple of hundred units; krónur take no cents.
                unit_price: Decimal::new(
                    ((i * 37 + l * 11) % 20000 + 500) as i64,
                    if currency == "ISK" { 0 } else { 2 },
                ),
                discount_percent: Decimal::ZERO,
                vat_category: "S".into(),
                vat_rate: Decimal::from(24),
                exemption_reason: String::new(),
            })
            .collect();
        db::invoices::insert_lines(&mut tx, *business_id, id, &lines).await?;
        tx.commit().await?;
        drafts.push((*business_id, id, i));
    }
    // Nine in ten are issued (8 at a time, as several users would); a third of those
    // are paid.
    let started = std::time::Instant::now();
    let chunks: Vec<Vec<(Uuid, Uuid, usize)>> =
        (0..8).map(|k| drafts.iter().filter(|(_, _, i)| i % 8 == k).cloned().collect()).collect();
    let tasks: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let db = db.clone();
            tokio::spawn(async move {
                for (business_id, id, i) in chunk {
                    if i % 10 == 9 {
                        continue;
                    }
                    crate::app::invoicing::issue_at(&db, now, business_id, id).await?;
                    if i % 3 == 0 {
                        let invoice = db::invoices::find(&db, business_id, id)
                            .await?
                            .ok_or_else(|| anyhow::anyhow!("invoice vanished"))?;
                        let mut tx = db.begin().await?;
                        let payment = Payment {
                            paid_on: now.date(),
                            amount: invoice.payable.unwrap_or_default(),
                            method: "bank_transfer".into(),
                            reference: String::new(),
                        };
                        db::invoices::record_payment(&mut tx, business_id, id, &payment, now).await?;
                        tx.commit().await?;
                    }
                }
                Ok::<(), anyhow::Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(Seeded { businesses, invoices, issue_seconds: started.elapsed().as_secs_f64() })
}
