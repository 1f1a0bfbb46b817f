//! The statement-import benchmark (bench/bank_import.sh): a business with many open
//! invoices, a camt.053 with many payments (most naming an invoice by its KID, the rest
//! without a reference), and the time to import it next to the time merely to parse
//! the same file, in one run, so the ratio shows what matching and storing cost.
//!
//! The invoices are written straight into the table (issuing 100,000 documents with
//! their PDFs would take the benchmark's whole budget and measure something else);
//! they carry exactly the columns an issued invoice has that the import reads.

use std::time::Instant;

use fastfaktura_documents::bank_statements::read_bank_file;
use fastfaktura_domain::{Decimal, Kid, KidMethod, REFERENCE_WIDTH, reference_key};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{app::Caller, audit::RequestMeta, db};

/// Milliseconds of each run.
pub struct BankImportTimings {
    pub parse_ms: Vec<f64>,
    pub import_ms: Vec<f64>,
    pub matched: usize,
    pub payments: usize,
}

const IBAN: &str = "NO9386011117947";

pub async fn bench_bank_import(
    pool: &sqlx::PgPool,
    invoices: usize,
    entries: usize,
    runs: usize,
) -> anyhow::Result<BankImportTimings> {
    let now = OffsetDateTime::now_utc();
    let year = now.year();
    let mut tx = pool.begin().await?;
    let email = format!("bench-{}@bank.fastfaktura.test", Uuid::new_v4().simple());
    let landing = db::users::find_or_create_for_login(&mut tx, &email, now).await?;
    let business_id = landing.business_id.ok_or_else(|| anyhow::anyhow!("a fresh address has a business"))?;
    let mut profile = db::businesses::profile(&mut *tx, business_id).await?;
    profile.country = "NO".into();
    profile.iban = IBAN.into();
    profile.default_currency = "NOK".into();
    profile.payment_reference_scheme = "kid_mod10".into();
    db::businesses::update_profile(&mut *tx, business_id, &profile).await?;
    let customer = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO customers (business_id, id, kind, name, country, currency, created_at)
         VALUES ($1, $2, 'business', 'Nordlys Handel AS', 'NO', 'NOK', $3)",
        business_id,
        customer,
        now
    )
    .execute(&mut *tx)
    .await?;
    let kids: Vec<String> = (1..=invoices as u64)
        .map(|seq| Kid::for_invoice(year, seq, REFERENCE_WIDTH, KidMethod::Mod10).map(|k| k.as_str().to_owned()))
        .collect::<Result<_, _>>()?;
    let keys: Vec<String> = kids.iter().map(|k| reference_key(k)).collect();
    let ids: Vec<Uuid> = kids.iter().map(|_| Uuid::new_v4()).collect();
    let seqs: Vec<i64> = (1..=invoices as i64).collect();
    sqlx::query!(
        r#"INSERT INTO invoices (business_id, id, kind, status, customer_id, currency, issue_date, due_date, number,
                                 number_year, number_seq, tax_exclusive, vat_total, payable, created_at, updated_at,
                                 issued_at, payment_reference, payment_reference_key)
           SELECT $1, i.id, 'invoice', 'issued', $2, 'NOK', $3::date, $3::date + 14, $4::int || '-' || lpad(i.seq::text, 6, '0'),
                  $4, i.seq, 1000, 250, 1250, $5, $5, $5, i.kid, i.key
           FROM UNNEST($6::uuid[], $7::bigint[], $8::text[], $9::text[]) AS i(id, seq, kid, key)"#,
        business_id,
        customer,
        now.date(),
        year,
        now,
        &ids,
        &seqs,
        &kids,
        &keys
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query("ANALYZE invoices").execute(pool).await?;

    // Nine in ten payments name an invoice (spread over all of them), one in ten has
    // no reference; amounts alternate between the whole and part of what is open.
    let step = (invoices / entries.max(1)).max(1);
    let credits: String = (0..entries)
        .map(|n| {
            let remittance = if n % 10 == 9 {
                "<Ustrd>payment</Ustrd>".to_owned()
            } else {
                format!("<Strd><CdtrRefInf><Ref>{}</Ref></CdtrRefInf></Strd>", kids[(n * step) % kids.len()])
            };
            let amount = if n % 2 == 0 { Decimal::new(1250, 0) } else { Decimal::new(500, 0) };
            format!(
                "<Ntry><Amt Ccy=\"NOK\">{amount}.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
                 <BookgDt><Dt>{date}</Dt></BookgDt><AcctSvcrRef>E{n}</AcctSvcrRef><NtryDtls><TxDtls>\
                 <Refs><AcctSvcrRef>E{n}-1</AcctSvcrRef></Refs><RltdPties><Dbtr><Pty><Nm>Payer {n}</Nm></Pty></Dbtr>\
                 </RltdPties><RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>",
                date = now.date()
            )
        })
        .collect();
    let file = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\
         <BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId></GrpHdr><Stmt><Id>1</Id><Acct><Id><IBAN>{IBAN}</IBAN></Id>\
         </Acct>{credits}</Stmt></BkToCstmrStmt></Document>"
    );

    let caller = Caller::api_token(business_id, Uuid::new_v4());
    let meta = RequestMeta::default();
    let mut timings = BankImportTimings { parse_ms: Vec::new(), import_ms: Vec::new(), matched: 0, payments: 0 };
    for _ in 0..runs {
        let started = Instant::now();
        let parsed = read_bank_file(file.as_bytes())?;
        timings.parse_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        timings.payments = parsed.payments.len();

        let started = Instant::now();
        let summary = super::import_at(pool, OffsetDateTime::now_utc(), &caller, &meta, "bench.xml", file.as_bytes())
            .await
            .map_err(|e| anyhow::anyhow!("import refused: {e}"))?;
        timings.import_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        timings.matched = summary.matched;
        // The next run imports the same payments afresh (not as duplicates).
        let mut tx = pool.begin().await?;
        sqlx::query!("DELETE FROM payments WHERE business_id = $1 AND bank_entry_id IS NOT NULL", business_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!("DELETE FROM bank_entries WHERE business_id = $1", business_id).execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM bank_imports WHERE business_id = $1", business_id).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok(timings)
}
