//! The path to Citus (docs/scaling.md): every tenant table can be distributed by
//! `business_id` and colocated with its business, so a tenant's statements route to one
//! node. Citus needs the distribution column in every primary key and unique index, and
//! foreign keys between distributed tables to include it; a foreign key may point from a
//! distributed table to a reference table, never to a table that stays on the coordinator,
//! and from a coordinator table only to a reference table.
//!
//! The convention was only a convention until this test: it reads the migrated schema from
//! `pg_catalog` and fails when a table is not classified, when a tenant table lacks a
//! `NOT NULL business_id`, or when its primary key, a unique index or a foreign key does not
//! lead with it. The classification below is the distribution plan, table by table.

use sqlx::{Connection, PgConnection, Row};

/// Replicated to every node: global rows that tenant tables point to, written rarely.
const REFERENCE_TABLES: &[(&str, &str)] = &[
    (
        "businesses",
        "every tenant table points to it; found by its inbound email token before the business is known; changed only in settings",
    ),
    (
        "users",
        "a person signs in once and may belong to several businesses; members, tokens, invitations and deliveries point to them",
    ),
];

/// Stay on the coordinator: platform state, or rows found by a key that names no business.
const COORDINATOR_TABLES: &[(&str, &str)] = &[
    ("acme_cache", "the platform's TLS account and certificates"),
    ("acme_status", "the platform's certificate renewal state"),
    ("admin_known_ips", "operators, not tenants"),
    ("admin_login_failures", "operators, not tenants"),
    ("admin_recovery_codes", "operators, not tenants"),
    ("admin_sessions", "operators, not tenants"),
    ("admin_users", "operators, not tenants"),
    ("audit_checkpoints", "the seals of the platform-wide audit chain"),
    ("audit_heads", "the heads of the platform-wide audit chain"),
    (
        "audit_events",
        "one hash chain per category and day across the platform, including events of no business; append-only",
    ),
    ("backup_runs", "the platform's backups"),
    ("data_keys", "the platform's wrapped data keys"),
    ("jobs", "the one queue every worker claims from"),
    ("otp_challenges", "sign-in happens before any business is chosen"),
    ("outgoing_emails", "the mail queue, sealed bodies addressed to people"),
    ("peppol_participants", "public facts about the Peppol network, shared by every business"),
    ("rate_limit_buckets", "limits keyed by address or account, checked before a business is known"),
    ("rate_limit_events", "limits keyed by address or account, checked before a business is known"),
    ("reminder_runs", "one row per day the platform's reminder pass ran"),
    (
        "sessions",
        "found by the cookie's hash on every request before the business is known; business_id is the session's current choice",
    ),
    ("sms_provider_settings", "the platform's SMS account"),
];

struct Table {
    name: String,
    business_id_not_null: Option<bool>,
}

/// Every way the schema at `url` departs from the plan, in words; empty when it follows it.
async fn distribution_violations(url: &str) -> Vec<String> {
    let mut conn = PgConnection::connect(url).await.expect("connect to the migrated database");
    let tables: Vec<Table> = sqlx::query(
        "SELECT c.relname::text AS name,
                (SELECT a.attnotnull FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attname = 'business_id' AND NOT a.attisdropped) AS not_null
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'
          ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .into_iter()
    .map(|row| Table { name: row.get("name"), business_id_not_null: row.get("not_null") })
    .collect();

    let listed = |name: &str, list: &[(&str, &str)]| list.iter().any(|(table, _)| *table == name);
    let is_tenant = |name: &str| !listed(name, REFERENCE_TABLES) && !listed(name, COORDINATOR_TABLES);
    let mut violations = Vec::new();
    for (name, _) in REFERENCE_TABLES.iter().chain(COORDINATOR_TABLES) {
        if !tables.iter().any(|t| t.name == *name) {
            violations.push(format!("{name} is classified but no longer exists: update the plan"));
        }
    }

    for table in tables.iter().filter(|t| is_tenant(&t.name)) {
        match table.business_id_not_null {
            None => violations.push(format!(
                "{} has no business_id: a tenant table needs it, or the table belongs in the reference or coordinator list with why",
                table.name
            )),
            Some(false) => violations.push(format!("{}.business_id may be NULL", table.name)),
            Some(true) => {}
        }
        // Primary key and unique indexes (partial ones too): the first column.
        let keys = sqlx::query(
            "SELECT ic.relname::text AS index, i.indisprimary AS primary,
                    (SELECT a.attname::text FROM pg_attribute a
                      WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[0]) AS first_column
               FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
              WHERE i.indrelid = $1::regclass AND i.indisunique",
        )
        .bind(&table.name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        if !keys.iter().any(|k| k.get::<bool, _>("primary")) {
            violations.push(format!("{} has no primary key", table.name));
        }
        for key in keys {
            let first: Option<String> = key.get("first_column");
            if first.as_deref() != Some("business_id") {
                let what = if key.get::<bool, _>("primary") { "primary key" } else { "unique index" };
                violations.push(format!(
                    "{}: {what} {} leads with {} instead of business_id",
                    table.name,
                    key.get::<String, _>("index"),
                    first.as_deref().unwrap_or("an expression")
                ));
            }
        }
    }

    // Foreign keys, as (from, to, from's first column, to's first column).
    let foreign_keys = sqlx::query(
        "SELECT c.conname::text AS name, src.relname::text AS from_table, dst.relname::text AS to_table,
                (SELECT attname::text FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) AS from_column,
                (SELECT attname::text FROM pg_attribute WHERE attrelid = c.confrelid AND attnum = c.confkey[1]) AS to_column
           FROM pg_constraint c
           JOIN pg_class src ON src.oid = c.conrelid JOIN pg_class dst ON dst.oid = c.confrelid
           JOIN pg_namespace n ON n.oid = src.relnamespace
          WHERE c.contype = 'f' AND n.nspname = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for fk in foreign_keys {
        let (name, from, to): (String, String, String) = (fk.get("name"), fk.get("from_table"), fk.get("to_table"));
        let (from_column, to_column): (String, String) = (fk.get("from_column"), fk.get("to_column"));
        if is_tenant(&from) {
            let colocated = if is_tenant(&to) {
                from_column == "business_id" && to_column == "business_id"
            } else {
                listed(&to, REFERENCE_TABLES)
            };
            if !colocated {
                violations.push(format!(
                    "{from}: foreign key {name} to {to} ({from_column} -> {to_column}) does not lead with business_id or points to a coordinator table"
                ));
            }
        } else if is_tenant(&to) {
            violations
                .push(format!("{from}: foreign key {name} points to distributed table {to}, which Citus cannot keep"));
        }
    }
    conn.close().await.ok();
    violations
}

#[tokio::test]
async fn every_tenant_table_leads_its_keys_with_business_id() {
    let url = crate::helpers::fresh_database().await;
    let violations = distribution_violations(&url).await;
    assert!(violations.is_empty(), "the schema departs from the distribution plan:\n{}", violations.join("\n"));
}

#[tokio::test]
async fn the_check_finds_a_table_that_would_not_distribute() {
    let url = crate::helpers::fresh_database().await;
    let mut conn = PgConnection::connect(&url).await.unwrap();
    // Four ways to get it wrong: no business_id, a key by id alone, a unique index that
    // names no business, and a foreign key to a tenant table by id alone.
    sqlx::raw_sql(
        "CREATE TABLE widgets (id uuid PRIMARY KEY, name text);
         CREATE TABLE gadgets (business_id uuid NOT NULL, id uuid NOT NULL, serial text NOT NULL,
                               customer_id uuid NOT NULL, PRIMARY KEY (id));
         CREATE UNIQUE INDEX gadgets_serial ON gadgets (serial);
         ALTER TABLE customers ADD CONSTRAINT customers_id_alone UNIQUE (id);
         ALTER TABLE gadgets ADD CONSTRAINT gadgets_customer FOREIGN KEY (customer_id) REFERENCES customers (id);
         ALTER TABLE jobs ADD COLUMN customer_business uuid, ADD COLUMN customer uuid;
         ALTER TABLE jobs ADD CONSTRAINT jobs_customer FOREIGN KEY (customer_business, customer)
             REFERENCES customers (business_id, id);",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let violations = distribution_violations(&url).await.join("\n");
    for expected in [
        "widgets has no business_id",
        "gadgets: primary key gadgets_pkey leads with id",
        "gadgets: unique index gadgets_serial leads with serial",
        "customers: unique index customers_id_alone leads with id",
        "gadgets: foreign key gadgets_customer to customers (customer_id -> id)",
        "jobs: foreign key jobs_customer points to distributed table customers",
    ] {
        assert!(violations.contains(expected), "expected {expected:?} among:\n{violations}");
    }
}
