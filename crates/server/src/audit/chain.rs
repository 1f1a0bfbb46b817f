//! Tamper evidence (LOG-7): events are chained by hash per segment, a segment being
//! one category on one UTC day, and each closed segment gets a head record chained
//! across the days of its category.
//!
//! Writers never wait for each other: [`record`](super::record) is a plain INSERT. The
//! sealer ([`seal_pending`]) runs shortly afterwards on one instance at a time (an
//! advisory lock) and gives each unsealed event, in id order, its place in its segment:
//! `seq`, `prev_hash` and `hash = SHA-256(prev_hash || canonical(event))`. A segment is
//! closed [`HORIZON`] after its day ended, when its head is written; nothing is sealed
//! into a closed segment, so an event inserted into an old day stays unsealed and
//! [`verify`] reports it. Segments per category (not per day alone) let the retention
//! purge delete whole segments of one category while the others stay verifiable.

use std::collections::HashMap;

use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use time::{Date, Duration, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use super::Category;

/// How long after a day ends its segments stay open for events still being committed.
pub const HORIZON: Duration = Duration::minutes(10);
/// One instance seals at a time (pg_try_advisory_xact_lock key; "audit-seal").
const SEAL_LOCK: i64 = 0x6175_6469_7473_6561;
const BATCH: i64 = 2000;

/// An event as hashed: every stored column except the seal, plus its place.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChainedEvent {
    pub id: i64,
    pub at: OffsetDateTime,
    pub category: String,
    pub action: String,
    pub actor_kind: String,
    pub actor: String,
    pub business_id: Option<Uuid>,
    pub target: String,
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
    /// jsonb's own text form, which is canonical for a stored value.
    pub details: String,
}

/// The UTC day an event belongs to.
pub fn day_of(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

/// SHA-256(prev_hash || length-prefixed fields), so no two events share an encoding.
pub fn event_hash(prev_hash: &[u8], e: &ChainedEvent, day: Date, seq: i64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev_hash);
    let micros = e.at.unix_timestamp_nanos() / 1000;
    let business = e.business_id.map(|b| b.to_string()).unwrap_or_default();
    for field in [
        e.id.to_string().as_bytes(),
        micros.to_string().as_bytes(),
        e.category.as_bytes(),
        e.action.as_bytes(),
        e.actor_kind.as_bytes(),
        e.actor.as_bytes(),
        business.as_bytes(),
        e.target.as_bytes(),
        e.outcome.as_bytes(),
        e.ip.as_bytes(),
        e.user_agent.as_bytes(),
        e.request_id.as_bytes(),
        e.details.as_bytes(),
        day.to_string().as_bytes(),
        seq.to_string().as_bytes(),
    ] {
        h.update((field.len() as u32).to_be_bytes());
        h.update(field);
    }
    h.finalize().into()
}

/// Where a segment's chain starts: bound to its category and day, so a segment cannot
/// be moved to another day.
pub fn segment_start(category: &str, day: Date) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"fastfaktura audit segment\0")
        .chain_update(category.as_bytes())
        .chain_update(b"\0")
        .chain_update(day.to_string().as_bytes())
        .finalize()
        .into()
}

/// Where a category's chain of heads starts.
pub fn heads_start(category: &str) -> [u8; 32] {
    Sha256::new().chain_update(b"fastfaktura audit heads\0").chain_update(category.as_bytes()).finalize().into()
}

pub fn head_hash(prev_head_hash: &[u8], category: &str, day: Date, count: i64, last_hash: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update(prev_head_hash)
        .chain_update(category.as_bytes())
        .chain_update(b"\0")
        .chain_update(day.to_string().as_bytes())
        .chain_update(count.to_be_bytes())
        .chain_update(last_hash)
        .finalize()
        .into()
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SealReport {
    pub sealed: u64,
    pub heads: u64,
    /// The keyed checkpoint written, when anything changed and a key was given.
    pub checkpoint: Option<super::checkpoints::Anchor>,
}

/// Seals every unsealed event whose segment is still open, then writes the heads of
/// segments that have closed and, with `checkpoint_key`, a keyed checkpoint when
/// anything changed. Returns at once if another instance holds the lock.
pub async fn seal_pending(
    db: &PgPool,
    now: OffsetDateTime,
    checkpoint_key: Option<&crate::crypto::DerivedKey>,
) -> Result<SealReport, sqlx::Error> {
    let mut report = SealReport::default();
    // Keyset over ids: each batch starts after the last one, so the scan never walks
    // back over the index entries the previous batches left dead.
    let mut after = 0;
    loop {
        let mut tx = db.begin().await?;
        if !try_lock(&mut tx).await? {
            return Ok(report);
        }
        let (sealed, last) = seal_batch(&mut tx, after).await?;
        tx.commit().await?;
        report.sealed += sealed;
        after = last;
        if sealed < BATCH as u64 {
            break;
        }
    }
    let mut tx = db.begin().await?;
    if try_lock(&mut tx).await? {
        report.heads = write_heads(&mut tx, now).await?;
        if let Some(key) = checkpoint_key
            && (report.sealed > 0 || report.heads > 0 || !has_checkpoint(&mut tx).await?)
        {
            report.checkpoint = Some(super::checkpoints::write_checkpoint(&mut tx, key, now).await?);
        }
        tx.commit().await?;
    }
    Ok(report)
}

async fn has_checkpoint(tx: &mut Transaction<'_, Postgres>) -> Result<bool, sqlx::Error> {
    let any: Option<bool> =
        sqlx::query_scalar!("SELECT EXISTS (SELECT 1 FROM audit_checkpoints)").fetch_one(&mut **tx).await?;
    Ok(any == Some(true))
}

async fn try_lock(tx: &mut Transaction<'_, Postgres>) -> Result<bool, sqlx::Error> {
    let locked: Option<bool> =
        sqlx::query_scalar!("SELECT pg_try_advisory_xact_lock($1)", SEAL_LOCK).fetch_one(&mut **tx).await?;
    Ok(locked == Some(true))
}

/// Seals up to [`BATCH`] events with ids above `after`; returns how many and the last id.
async fn seal_batch(tx: &mut Transaction<'_, Postgres>, after: i64) -> Result<(u64, i64), sqlx::Error> {
    let rows = sqlx::query_as!(
        ChainedEvent,
        r#"SELECT id, at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent,
                  request_id, details::text AS "details!"
           FROM audit_events e
           WHERE hash IS NULL AND id > $2
             AND NOT EXISTS (SELECT 1 FROM audit_heads h
                             WHERE h.category = e.category AND h.day >= (e.at AT TIME ZONE 'UTC')::date)
           ORDER BY id LIMIT $1"#,
        BATCH,
        after
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut tails: HashMap<(String, Date), (i64, Vec<u8>)> = HashMap::new();
    let (mut ids, mut days, mut seqs, mut prevs, mut hashes) = (vec![], vec![], vec![], vec![], vec![]);
    for event in &rows {
        let day = day_of(event.at);
        let key = (event.category.clone(), day);
        if !tails.contains_key(&key) {
            let tail = sqlx::query!(
                r#"SELECT seq AS "seq!", hash AS "hash!" FROM audit_events
                   WHERE category = $1 AND chain_day = $2 AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1"#,
                event.category,
                day
            )
            .fetch_optional(&mut **tx)
            .await?;
            let tail = tail.map_or_else(|| (0, segment_start(&event.category, day).to_vec()), |t| (t.seq, t.hash));
            tails.insert(key.clone(), tail);
        }
        let tail = tails.get_mut(&key).expect("inserted above");
        let seq = tail.0 + 1;
        let hash = event_hash(&tail.1, event, day, seq);
        ids.push(event.id);
        days.push(day);
        seqs.push(seq);
        prevs.push(std::mem::replace(&mut tail.1, hash.to_vec()));
        hashes.push(hash.to_vec());
        tail.0 = seq;
    }
    let Some(&last) = ids.last() else { return Ok((0, after)) };
    sqlx::query!(
        r#"UPDATE audit_events e SET chain_day = u.day, seq = u.seq, prev_hash = u.prev, hash = u.hash
           FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bytea[], $5::bytea[]) AS u(id, day, seq, prev, hash)
           WHERE e.id = u.id"#,
        &ids,
        &days,
        &seqs,
        &prevs,
        &hashes
    )
    .execute(&mut **tx)
    .await?;
    Ok((ids.len() as u64, last))
}

/// Writes, in day order per category, the head of every segment whose day ended more
/// than [`HORIZON`] ago and that has none yet.
async fn write_heads(tx: &mut Transaction<'_, Postgres>, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let closed_before = day_of(now - HORIZON);
    let segments = sqlx::query!(
        r#"SELECT e.category, e.chain_day AS "day!", max(e.seq) AS "last_seq!"
           FROM audit_events e
           WHERE e.hash IS NOT NULL AND e.chain_day < $1
             AND e.chain_day > COALESCE((SELECT max(day) FROM audit_heads h WHERE h.category = e.category), '-infinity'::date)
           GROUP BY e.category, e.chain_day ORDER BY e.category, e.chain_day"#,
        closed_before
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut written = 0;
    for segment in segments {
        let last_hash: Vec<u8> = sqlx::query_scalar!(
            r#"SELECT hash AS "hash!" FROM audit_events WHERE category = $1 AND chain_day = $2 AND seq = $3"#,
            segment.category,
            segment.day,
            segment.last_seq
        )
        .fetch_one(&mut **tx)
        .await?;
        let prev: Option<Vec<u8>> = sqlx::query_scalar!(
            "SELECT head_hash FROM audit_heads WHERE category = $1 ORDER BY day DESC LIMIT 1",
            segment.category
        )
        .fetch_optional(&mut **tx)
        .await?;
        let prev = prev.unwrap_or_else(|| heads_start(&segment.category).to_vec());
        let head = head_hash(&prev, &segment.category, segment.day, segment.last_seq, &last_hash);
        sqlx::query!(
            r#"INSERT INTO audit_heads (category, day, event_count, last_hash, prev_head_hash, head_hash, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
            segment.category,
            segment.day,
            segment.last_seq,
            last_hash,
            prev,
            &head[..],
            now
        )
        .execute(&mut **tx)
        .await?;
        written += 1;
    }
    Ok(written)
}

/// What `verify` found wrong: the first problem of each category, and every event
/// that was never sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub category: String,
    pub day: Option<Date>,
    pub event_id: Option<i64>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The stored hash does not match the event's content.
    Altered,
    /// An event is missing before this one, at the end of its day, or a whole day.
    Deleted,
    /// An event that is not part of the chain (forged into it, or added to a closed day).
    Inserted,
    /// The chain of day heads is broken: a head was removed or changed.
    HeadBroken,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let day = self.day.map(|d| d.to_string()).unwrap_or_default();
        let id = self.event_id.map(|i| i.to_string()).unwrap_or_default();
        let cat = &self.category;
        match self.kind {
            ProblemKind::Altered => {
                write!(f, "{cat} {day}: event {id} was altered (its hash does not match its content)")
            }
            ProblemKind::Deleted if self.event_id.is_some() => {
                write!(f, "{cat} {day}: an event just before event {id} was deleted (the chain skips a link)")
            }
            ProblemKind::Deleted => {
                write!(f, "{cat} {day}: events of this day were deleted (fewer than its head records)")
            }
            ProblemKind::Inserted if self.event_id.is_some() => {
                write!(f, "{cat} {day}: event {id} was inserted outside the chain")
            }
            ProblemKind::Inserted => write!(f, "{cat} {day}: events were added after the day's head was written"),
            ProblemKind::HeadBroken => {
                write!(f, "{cat} {day}: the chain of day heads is broken here (a day was removed or a head changed)")
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct VerifyReport {
    pub events: u64,
    pub segments: u64,
    pub purged_segments: u64,
    pub problems: Vec<Problem>,
    /// What the keyed checks found (checkpoints, anchor), in words.
    pub checkpoint_problems: Vec<String>,
    /// Whether the keyed checks ran (a key was given).
    pub keyed: bool,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.checkpoint_problems.is_empty()
    }
}

struct Head {
    day: Date,
    event_count: i64,
    last_hash: Vec<u8>,
    purged: bool,
}

/// Recomputes every chain and compares it with the heads. Read-only. `now` decides
/// which unsealed events are overdue (older than [`HORIZON`]). With `guard` (the key),
/// a purged day counts only with its purge MAC and past retention, and the keyed
/// checkpoints are checked too; without it (a restored backup, whose signature already
/// vouches for it) only the chain is.
pub async fn verify(
    db: &mut PgConnection,
    now: OffsetDateTime,
    guard: Option<&super::checkpoints::Guard<'_>>,
) -> Result<VerifyReport, sqlx::Error> {
    let mut report = VerifyReport::default();
    for category in Category::ALL {
        verify_category(&mut *db, category.as_str(), guard, &mut report).await?;
    }
    unsealed_problems(db, now, &mut report).await?;
    if let Some(guard) = guard {
        report.keyed = true;
        report.checkpoint_problems = super::checkpoints::verify_checkpoints(db, guard).await?;
    }
    Ok(report)
}

/// [`verify`] with the categories checked on up to `parallel` pooled connections at
/// once (the command line; PostgreSQL's hashing is the bulk of the work).
pub async fn verify_pool(
    db: &PgPool,
    now: OffsetDateTime,
    parallel: usize,
    guard: Option<&super::checkpoints::Guard<'_>>,
) -> Result<VerifyReport, sqlx::Error> {
    use futures::{StreamExt, TryStreamExt};
    let partials: Vec<VerifyReport> = futures::stream::iter(Category::ALL)
        .map(|category| async move {
            let mut conn = db.acquire().await?;
            let mut partial = VerifyReport::default();
            verify_category(&mut conn, category.as_str(), guard, &mut partial).await?;
            Ok::<_, sqlx::Error>(partial)
        })
        .buffered(parallel.max(1))
        .try_collect()
        .await?;
    let mut report = VerifyReport::default();
    for partial in partials {
        report.events += partial.events;
        report.segments += partial.segments;
        report.purged_segments += partial.purged_segments;
        report.problems.extend(partial.problems);
    }
    let mut conn = db.acquire().await?;
    unsealed_problems(&mut conn, now, &mut report).await?;
    if let Some(guard) = guard {
        report.keyed = true;
        report.checkpoint_problems = super::checkpoints::verify_checkpoints(&mut conn, guard).await?;
    }
    Ok(report)
}

/// Events never sealed although their segment has closed: added to an old day.
async fn unsealed_problems(
    db: &mut PgConnection,
    now: OffsetDateTime,
    report: &mut VerifyReport,
) -> Result<(), sqlx::Error> {
    let unsealed = sqlx::query!(
        r#"SELECT id, at, category FROM audit_events WHERE hash IS NULL AND at < $1 ORDER BY id LIMIT 100"#,
        now - HORIZON
    )
    .fetch_all(&mut *db)
    .await?;
    for e in unsealed {
        report.problems.push(Problem {
            category: e.category,
            day: Some(day_of(e.at)),
            event_id: Some(e.id),
            kind: ProblemKind::Inserted,
        });
    }
    Ok(())
}

async fn verify_category(
    db: &mut PgConnection,
    category: &str,
    guard: Option<&super::checkpoints::Guard<'_>>,
    report: &mut VerifyReport,
) -> Result<(), sqlx::Error> {
    let mut problem: Option<Problem> = None;
    let mut note = |p: Problem| {
        if problem.is_none() {
            problem = Some(p);
        }
    };
    let mk = |day: Date, event_id: Option<i64>, kind| Problem {
        category: category.to_owned(),
        day: Some(day),
        event_id,
        kind,
    };

    // The heads, chained across days.
    let rows = sqlx::query!(
        "SELECT day, event_count, last_hash, prev_head_hash, head_hash, purged_at, purge_mac FROM audit_heads WHERE category = $1 ORDER BY day",
        category
    )
    .fetch_all(&mut *db)
    .await?;
    let mut prev = heads_start(category).to_vec();
    let mut heads: HashMap<Date, Head> = HashMap::new();
    for h in rows {
        let expected = head_hash(&prev, category, h.day, h.event_count, &h.last_hash);
        if h.prev_head_hash != prev || h.head_hash != expected {
            note(mk(h.day, None, ProblemKind::HeadBroken));
        }
        // A purge marker counts only when we wrote it (its MAC) for a day past retention;
        // one set with SQL alone leaves the day's events simply missing.
        let purged = h.purged_at.is_some()
            && guard.is_none_or(|g| g.purge_is_genuine(category, h.day, &h.head_hash, h.purge_mac.as_deref()));
        prev = h.head_hash;
        report.segments += 1;
        if purged {
            report.purged_segments += 1;
        }
        heads.insert(h.day, Head { day: h.day, event_count: h.event_count, last_hash: h.last_hash, purged });
    }

    // The events, segment by segment. PostgreSQL recomputes each hash (its SHA-256 over
    // the same length-prefixed encoding as `event_hash`, which the sealer uses), so only
    // the links travel to us: two implementations of the encoding check each other, and
    // 10 million events stream in well under a minute.
    let mut events = sqlx::query_as!(
        SealedLink,
        r#"SELECT id, chain_day AS "chain_day!", seq AS "seq!", prev_hash AS "prev_hash!", hash AS "hash!",
                  sha256(prev_hash
                      || int4send(octet_length(id::text)) || convert_to(id::text, 'UTF8')
                      -- Unix microseconds, exact on every PostgreSQL version (before 14,
                      -- extract returns a double, exact only for whole numbers like these).
                      || int4send(octet_length((extract(epoch FROM date_trunc('second', at))::bigint * 1000000
                                               + extract(microseconds FROM at)::bigint % 1000000)::text))
                      || convert_to((extract(epoch FROM date_trunc('second', at))::bigint * 1000000
                                     + extract(microseconds FROM at)::bigint % 1000000)::text, 'UTF8')
                      || int4send(octet_length(category)) || convert_to(category, 'UTF8')
                      || int4send(octet_length(action)) || convert_to(action, 'UTF8')
                      || int4send(octet_length(actor_kind)) || convert_to(actor_kind, 'UTF8')
                      || int4send(octet_length(actor)) || convert_to(actor, 'UTF8')
                      || int4send(octet_length(coalesce(business_id::text, '')))
                      || convert_to(coalesce(business_id::text, ''), 'UTF8')
                      || int4send(octet_length(target)) || convert_to(target, 'UTF8')
                      || int4send(octet_length(outcome)) || convert_to(outcome, 'UTF8')
                      || int4send(octet_length(ip)) || convert_to(ip, 'UTF8')
                      || int4send(octet_length(user_agent)) || convert_to(user_agent, 'UTF8')
                      || int4send(octet_length(request_id)) || convert_to(request_id, 'UTF8')
                      || int4send(octet_length(details::text)) || convert_to(details::text, 'UTF8')
                      || int4send(octet_length(to_char(chain_day, 'YYYY-MM-DD')))
                      || convert_to(to_char(chain_day, 'YYYY-MM-DD'), 'UTF8')
                      || int4send(octet_length(seq::text)) || convert_to(seq::text, 'UTF8')) = hash AS "intact!"
           FROM audit_events WHERE category = $1 AND hash IS NOT NULL ORDER BY chain_day, seq"#,
        category
    )
    .fetch(db);
    let mut current: Option<(Date, i64, Vec<u8>)> = None;
    let mut seen_days = Vec::new();
    while let Some(row) = events.try_next().await? {
        report.events += 1;
        let day = row.chain_day;
        if current.as_ref().is_none_or(|c| c.0 != day) {
            if let Some((d, seq, last)) = current.take() {
                check_segment_end(&heads, d, seq, &last, &mut note, &mk);
            }
            seen_days.push(day);
            if heads.get(&day).is_some_and(|h| h.purged) {
                note(mk(day, Some(row.id), ProblemKind::Inserted));
            }
            current = Some((day, 0, segment_start(category, day).to_vec()));
        }
        let (_, seq, running) = current.as_mut().expect("set above");
        if row.seq != *seq + 1 || row.prev_hash != *running {
            let kind = if row.seq > *seq + 1 { ProblemKind::Deleted } else { ProblemKind::Inserted };
            note(mk(day, Some(row.id), kind));
        }
        if !row.intact {
            note(mk(day, Some(row.id), ProblemKind::Altered));
        }
        *seq = row.seq;
        *running = row.hash;
    }
    if let Some((d, seq, last)) = current.take() {
        check_segment_end(&heads, d, seq, &last, &mut note, &mk);
    }
    // A head that is not purged but has no events left: the whole day was deleted.
    let mut emptied: Vec<&Head> = heads.values().filter(|h| !h.purged && !seen_days.contains(&h.day)).collect();
    emptied.sort_by_key(|h| h.day);
    if let Some(h) = emptied.first() {
        note(mk(h.day, None, ProblemKind::Deleted));
    }
    report.problems.extend(problem);
    Ok(())
}

fn check_segment_end(
    heads: &HashMap<Date, Head>,
    day: Date,
    last_seq: i64,
    last_hash: &[u8],
    note: &mut impl FnMut(Problem),
    mk: &impl Fn(Date, Option<i64>, ProblemKind) -> Problem,
) {
    let Some(head) = heads.get(&day) else { return };
    if head.purged {
        return;
    }
    if last_seq < head.event_count {
        note(mk(day, None, ProblemKind::Deleted));
    } else if last_seq > head.event_count || head.last_hash != last_hash {
        note(mk(day, None, ProblemKind::Inserted));
    }
}

struct SealedLink {
    id: i64,
    chain_day: Date,
    seq: i64,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
    /// The stored hash matches the event's content.
    intact: bool,
}
