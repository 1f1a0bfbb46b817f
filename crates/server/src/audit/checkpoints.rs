//! Keyed checkpoints and authenticated purge markers: what makes the audit log's hash
//! chain hold against someone with SQL access alone (LOG-7 under attack).
//!
//! The chain itself has no secret: whoever can write SQL can recompute every hash,
//! delete the newest events, or mark a day purged. So:
//! - after sealing, a **checkpoint** records, per category, the newest day head and the
//!   tip (last sequence number and hash) of every open day, with an HMAC keyed from
//!   the master key (which the database never holds). `audit verify` checks every
//!   checkpoint's MAC and that the newest one's heads and tips are still in the chain:
//!   a deleted tail or a rewritten chain no longer matches;
//! - the retention purge writes a **purge MAC** on each head it purges, and `verify`
//!   honours a purge only with a valid MAC and only for a day past its category's
//!   retention; any other missing day is reported as deleted;
//! - the newest checkpoint is **anchored** outside the database: written to a file the
//!   operator keeps (`audit.anchor_file`, by default `<data_dir>/audit-anchor.json`)
//!   and to the log. `verify` with the anchor refuses a database whose checkpoints
//!   stop before it (someone deleted the newest events *and* the newest checkpoints).
//!
//! What SQL access alone still allows: deleting events newer than the newest
//! checkpoint (at most one seal interval, a few seconds) without a trace when the
//! anchor is not consulted, and deleting everything (which `verify` reports, as it
//! reports any missing head). It does not allow rewriting, shortening or purging the
//! sealed history undetected.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};

use super::Category;
use crate::{
    config::RetentionMonths,
    crypto::{DerivedKey, digests_equal},
};

/// What verification needs beyond the database: the key and the retention policy.
pub struct Guard<'a> {
    pub key: &'a DerivedKey,
    pub retention: &'a RetentionMonths,
    pub now: OffsetDateTime,
    /// The checkpoint the operator kept outside the database, if any.
    pub anchor: Option<Anchor>,
}

impl Guard<'_> {
    /// Whether a purge of `category`'s `day` is genuine: MAC'd by us and past retention.
    pub fn purge_is_genuine(&self, category: &str, day: Date, head_hash: &[u8], mac: Option<&[u8]>) -> bool {
        let Some(category_enum) = Category::ALL.into_iter().find(|c| c.as_str() == category) else { return false };
        let keep_from =
            super::retention::first_kept_day(super::chain::day_of(self.now), self.retention.months(category_enum));
        day < keep_from && mac.is_some_and(|m| digests_equal(m, &purge_mac(self.key, category, day, head_hash)))
    }
}

/// The MAC written on a head when its day is purged.
pub fn purge_mac(key: &DerivedKey, category: &str, day: Date, head_hash: &[u8]) -> [u8; 32] {
    key.mac(&[b"fastfaktura audit purge", category.as_bytes(), day.to_string().as_bytes(), head_hash])
}

/// One category's place in the chain when the checkpoint was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryState {
    pub category: String,
    /// The newest closed day and its head hash (hex).
    pub head: Option<(Date, String)>,
    /// Open days: (day, last sequence number, its hash in hex).
    pub tips: Vec<(Date, i64, String)>,
}

/// A checkpoint as kept outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The MAC (hex): identifies the checkpoint and proves we wrote it.
    pub mac: String,
}

fn checkpoint_mac(key: &DerivedKey, at: OffsetDateTime, state: &str) -> [u8; 32] {
    let micros = (at.unix_timestamp_nanos() / 1000).to_string();
    key.mac(&[b"fastfaktura audit checkpoint", micros.as_bytes(), state.as_bytes()])
}

/// The chain's state now: per category, the newest head and the open days' tips.
async fn current_state(conn: &mut PgConnection) -> Result<Vec<CategoryState>, sqlx::Error> {
    let mut states = Vec::new();
    for category in Category::ALL {
        let category = category.as_str();
        let head = sqlx::query!(
            "SELECT day, head_hash FROM audit_heads WHERE category = $1 ORDER BY day DESC LIMIT 1",
            category
        )
        .fetch_optional(&mut *conn)
        .await?;
        let after = head.as_ref().map(|h| h.day);
        let tips = sqlx::query!(
            r#"SELECT DISTINCT ON (chain_day) chain_day AS "day!", seq AS "seq!", hash AS "hash!"
               FROM audit_events
               WHERE category = $1 AND hash IS NOT NULL AND ($2::date IS NULL OR chain_day > $2)
               ORDER BY chain_day, seq DESC"#,
            category,
            after
        )
        .fetch_all(&mut *conn)
        .await?;
        states.push(CategoryState {
            category: category.to_owned(),
            head: head.map(|h| (h.day, hex::encode(h.head_hash))),
            tips: tips.into_iter().map(|t| (t.day, t.seq, hex::encode(t.hash))).collect(),
        });
    }
    Ok(states)
}

/// Writes a checkpoint of the chain as it is (inside the sealer's transaction) and
/// returns it as an anchor for outside keeping.
pub async fn write_checkpoint(
    conn: &mut PgConnection,
    key: &DerivedKey,
    now: OffsetDateTime,
) -> Result<Anchor, sqlx::Error> {
    let at = now.replace_nanosecond(now.microsecond() * 1000).unwrap_or(now);
    let state = serde_json::to_string(&current_state(&mut *conn).await?).expect("the state serialises");
    let mac = checkpoint_mac(key, at, &state);
    sqlx::query!("INSERT INTO audit_checkpoints (at, state, mac) VALUES ($1, $2, $3)", at, state, &mac[..])
        .execute(&mut *conn)
        .await?;
    Ok(Anchor { at, mac: hex::encode(mac) })
}

/// How long checkpoints are kept (the newest one always is): `verify` needs only the
/// newest, and the anchor names one from the last seal run.
pub const CHECKPOINTS_KEPT: time::Duration = time::Duration::days(7);

/// Deletes checkpoints older than [`CHECKPOINTS_KEPT`], never the newest; returns how
/// many went. Uses the purge switch the append-only trigger honours.
pub async fn prune_checkpoints(db: &sqlx::PgPool, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query_scalar!("SELECT set_config('fastfaktura.audit_purge', 'on', true)").fetch_one(&mut *tx).await?;
    let deleted = sqlx::query!(
        "DELETE FROM audit_checkpoints WHERE at < $1 AND at < (SELECT max(at) FROM audit_checkpoints)",
        now - CHECKPOINTS_KEPT
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query_scalar!("SELECT set_config('fastfaktura.audit_purge', 'off', true)").fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// Keeps `anchor` in `path` (written whole, then renamed, so a crash leaves the old one).
pub fn keep_anchor(path: &Path, anchor: &Anchor) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, serde_json::to_vec_pretty(anchor).expect("anchors serialise"))?;
    std::fs::rename(&temporary, path)
}

/// The anchor kept in `path`, if the file exists.
pub fn read_anchor(path: &Path) -> Result<Option<Anchor>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// What is wrong with the checkpoints, in words for the operator (empty: all hold).
pub async fn verify_checkpoints(conn: &mut PgConnection, guard: &Guard<'_>) -> Result<Vec<String>, sqlx::Error> {
    let mut problems = Vec::new();
    let rows =
        sqlx::query!("SELECT id, at, state, mac FROM audit_checkpoints ORDER BY at, id").fetch_all(&mut *conn).await?;
    let mut newest: Option<(OffsetDateTime, String)> = None;
    for row in &rows {
        if !digests_equal(&row.mac, &checkpoint_mac(guard.key, row.at, &row.state)) {
            problems.push(format!("checkpoint {} ({}) was not written by us: forged or changed", row.id, row.at));
            continue;
        }
        newest = Some((row.at, row.state.clone()));
    }
    if let Some(anchor) = &guard.anchor {
        let kept = rows.iter().any(|r| r.at == anchor.at && hex::encode(&r.mac) == anchor.mac);
        if !kept {
            problems.push(format!(
                "the checkpoint kept outside the database ({}) is not in it: the newest events and checkpoints were deleted (rolled back)",
                anchor.at
            ));
        }
    }
    let Some((at, state)) = newest else { return Ok(problems) };
    let Ok(states) = serde_json::from_str::<Vec<CategoryState>>(&state) else {
        problems.push(format!("the checkpoint of {at} cannot be read"));
        return Ok(problems);
    };
    for s in states {
        if let Some((day, hash)) = &s.head {
            let stored: Option<Vec<u8>> = sqlx::query_scalar!(
                "SELECT head_hash FROM audit_heads WHERE category = $1 AND day = $2",
                s.category,
                day
            )
            .fetch_optional(&mut *conn)
            .await?;
            if stored.map(hex::encode).as_deref() != Some(hash.as_str()) {
                problems.push(format!(
                    "{} {day}: the day heads differ from the checkpoint of {at}: the chain was rewritten or cut",
                    s.category
                ));
            }
        }
        for (day, seq, hash) in &s.tips {
            let stored: Option<Vec<u8>> = sqlx::query_scalar!(
                r#"SELECT hash AS "hash!" FROM audit_events WHERE category = $1 AND chain_day = $2 AND seq = $3"#,
                s.category,
                day,
                seq
            )
            .fetch_optional(&mut *conn)
            .await?;
            match stored {
                Some(stored) if hex::encode(&stored) == *hash => {}
                Some(_) => problems.push(format!(
                    "{} {day}: event {seq} of the day differs from the checkpoint of {at}: the chain was rewritten",
                    s.category
                )),
                None if purged_genuinely(conn, guard, &s.category, *day).await? => {}
                None => problems.push(format!(
                    "{} {day}: events sealed up to number {seq} by the checkpoint of {at} are gone: the newest events were deleted",
                    s.category
                )),
            }
        }
    }
    Ok(problems)
}

async fn purged_genuinely(
    conn: &mut PgConnection,
    guard: &Guard<'_>,
    category: &str,
    day: Date,
) -> Result<bool, sqlx::Error> {
    let head = sqlx::query!(
        "SELECT head_hash, purge_mac, purged_at FROM audit_heads WHERE category = $1 AND day = $2",
        category,
        day
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(head.is_some_and(|h| {
        h.purged_at.is_some() && guard.purge_is_genuine(category, day, &h.head_hash, h.purge_mac.as_deref())
    }))
}

/// For `bench/guards.sh`: each call's microseconds, side by side in one run.
#[derive(Debug, Default)]
pub struct GuardTimings {
    /// An empty transaction (BEGIN, COMMIT): the floor of any request that writes.
    pub empty: Vec<u64>,
    /// `crate::quotas::take` for one email: everything a send adds for its quota.
    pub quota: Vec<u64>,
    /// Sealing one new event without a checkpoint, then with one.
    pub seal_plain: Vec<u64>,
    pub seal_keyed: Vec<u64>,
}

/// Times `count` rounds of each, interleaved so both sides see the same machine.
pub async fn bench_guards(db: &sqlx::PgPool, key: &DerivedKey, count: usize) -> Result<GuardTimings, sqlx::Error> {
    let mut t = GuardTimings::default();
    // Fifty real businesses, each allowed plenty by an operator so no send is refused
    // (a refusal would take the other path): the windows fill as they would.
    let now = OffsetDateTime::now_utc();
    let mut businesses = Vec::new();
    for n in 0..50 {
        let mut tx = db.begin().await?;
        let email = format!("bench-{n}-{}@guards.fastfaktura.test", uuid::Uuid::new_v4().simple());
        let landing = crate::db::users::find_or_create_for_login(&mut tx, &email, now).await?;
        let Some(business) = landing.business_id else { continue };
        crate::db::quotas::set_override(&mut *tx, business, "email", Some(1_000_000), "bench", now).await?;
        tx.commit().await?;
        businesses.push(business);
    }
    let elapsed = |started: std::time::Instant| started.elapsed().as_micros() as u64;
    for n in 0..count {
        let started = std::time::Instant::now();
        db.begin().await?.commit().await?;
        t.empty.push(elapsed(started));

        let business = businesses[n % businesses.len()];
        let started = std::time::Instant::now();
        let counted = crate::quotas::take(
            db,
            OffsetDateTime::now_utc(),
            business,
            &super::Actor::System,
            crate::quotas::Quota::Email,
        )
        .await?;
        t.quota.push(elapsed(started));
        if counted.is_err() {
            return Err(sqlx::Error::Protocol("the bench's quota was refused".into()));
        }

        let event = super::AuditEvent::new(OffsetDateTime::now_utc(), Category::Access, "invoice.view")
            .details(serde_json::json!({ "n": n }));
        super::record(db, &event).await?;
        let keyed = n % 2 == 1;
        let started = std::time::Instant::now();
        super::chain::seal_pending(db, OffsetDateTime::now_utc(), keyed.then_some(key)).await?;
        if keyed { &mut t.seal_keyed } else { &mut t.seal_plain }.push(elapsed(started));
    }
    Ok(t)
}
