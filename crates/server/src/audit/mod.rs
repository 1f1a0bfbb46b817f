//! The audit log (issue 7): one append-only table of security-relevant events that
//! every capability writes to through [`record`], inside its own transaction so the
//! event and the change it describes commit together (or neither does).
//!
//! ```ignore
//! audit::record(&mut *tx, &AuditEvent::new(now, Category::Payment, "payment.webhook.verified")
//!     .business(business_id)
//!     .target(&stripe_event_id)
//!     .request(&meta)                      // ip, user agent, request id
//!     .details(json!({ "type": "checkout.session.completed", "amount": 1200 })))
//!     .await?;
//! ```
//!
//! Details must never hold a secret (codes, tokens, keys, message bodies); the canary
//! test searches every row. Sealing into the hash chain happens afterwards, off the
//! request path ([`chain`]); the retention purge is [`retention`].

pub mod chain;
pub mod checkpoints;
pub mod group_commit;
pub mod retention;
pub mod schedule;

use serde_json::Value;
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// What kind of event; decides retention (`audit.retention_months.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Viewing or downloading invoices, exports, settings pages with secrets, API token use.
    Access,
    /// Codes issued, logins, failures, lockouts, logouts.
    Auth,
    /// Operator actions in the admin console or CLI.
    Admin,
    /// Email and SMS dispatches.
    Dispatch,
    /// Payments and payment-provider webhooks.
    Payment,
    /// Key rotation, configuration changes, purges, backups.
    Security,
}

impl Category {
    pub const ALL: [Category; 6] =
        [Category::Access, Category::Auth, Category::Admin, Category::Dispatch, Category::Payment, Category::Security];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Access => "access",
            Category::Auth => "auth",
            Category::Admin => "admin",
            Category::Dispatch => "dispatch",
            Category::Payment => "payment",
            Category::Security => "security",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Who acted. Ids, never secrets: a token is named by its row id, not its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User(Uuid),
    /// An operator, by username ("cli" for the command line).
    Admin(String),
    ApiToken(Uuid),
    /// Someone holding an invoice's customer link (no account).
    CustomerLink,
    System,
    /// Nobody signed in (a failed login names the pseudonymised address in details).
    Anonymous,
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Admin(_) => "admin",
            Actor::ApiToken(_) => "api_token",
            Actor::CustomerLink => "customer_link",
            Actor::System => "system",
            Actor::Anonymous => "anonymous",
        }
    }

    pub fn name(&self) -> String {
        match self {
            Actor::User(id) | Actor::ApiToken(id) => id.to_string(),
            Actor::Admin(name) => name.clone(),
            Actor::CustomerLink => "customer link".into(),
            Actor::System => "system".into(),
            Actor::Anonymous => "anonymous".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    /// Refused for lack of permission (no session, wrong role, another business's row).
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// Where a request came from, for events made while serving it.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
    pub request_id: String,
}

/// One event, built with [`AuditEvent::new`] and the setters.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at: OffsetDateTime,
    pub category: Category,
    /// Dotted lower-case name, e.g. `auth.login.success` (`^[a-z0-9_.-]{1,80}$`).
    pub action: String,
    pub actor: Actor,
    pub business_id: Option<Uuid>,
    pub target: String,
    pub outcome: Outcome,
    pub meta: RequestMeta,
    pub details: Value,
}

impl AuditEvent {
    /// A successful event by the system, with no business, target or request yet.
    pub fn new(at: OffsetDateTime, category: Category, action: &str) -> Self {
        Self {
            at,
            category,
            action: action.to_owned(),
            actor: Actor::System,
            business_id: None,
            target: String::new(),
            outcome: Outcome::Success,
            meta: RequestMeta::default(),
            details: Value::Object(Default::default()),
        }
    }

    pub fn actor(mut self, actor: Actor) -> Self {
        self.actor = actor;
        self
    }

    pub fn business(mut self, business_id: Uuid) -> Self {
        self.business_id = Some(business_id);
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = target.into();
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn request(mut self, meta: &RequestMeta) -> Self {
        self.meta = meta.clone();
        self
    }

    pub fn ip(mut self, ip: &str) -> Self {
        self.meta.ip = ip.to_owned();
        self
    }

    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.meta.user_agent = user_agent.to_owned();
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends one event. Pass the caller's transaction (`&mut *tx`) so the event commits
/// with the change it records, or the pool for an event on its own.
/// Records many events in one statement (a bank file's automatic matches): the same
/// rows [`record`] writes, in order, without a round trip each.
pub async fn record_many(db: impl PgExecutor<'_>, events: &[AuditEvent]) -> Result<(), sqlx::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let column = |f: &dyn Fn(&AuditEvent) -> String| events.iter().map(f).collect::<Vec<String>>();
    let at: Vec<OffsetDateTime> =
        events.iter().map(|e| e.at.replace_nanosecond(e.at.microsecond() * 1000).unwrap_or(e.at)).collect();
    let business: Vec<Option<Uuid>> = events.iter().map(|e| e.business_id).collect();
    let details: Vec<Value> = events.iter().map(|e| e.details.clone()).collect();
    sqlx::query!(
        r#"INSERT INTO audit_events
               (at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent, request_id, details)
           SELECT * FROM UNNEST($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[],
                                $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::jsonb[])"#,
        &at,
        &column(&|e| e.category.as_str().to_owned()),
        &column(&|e| e.action.clone()),
        &column(&|e| e.actor.kind().to_owned()),
        &column(&|e| e.actor.name()),
        &business as &[Option<Uuid>],
        &column(&|e| clip(&e.target, 200)),
        &column(&|e| e.outcome.as_str().to_owned()),
        &column(&|e| clip(&e.meta.ip, 64)),
        &column(&|e| clip(&e.meta.user_agent, 200)),
        &column(&|e| clip(&e.meta.request_id, 64)),
        &details
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn record(db: impl PgExecutor<'_>, event: &AuditEvent) -> Result<(), sqlx::Error> {
    // The table keeps microseconds; truncate here so the sealed hash is over exactly
    // what is stored.
    let at = event.at.replace_nanosecond(event.at.microsecond() * 1000).unwrap_or(event.at);
    sqlx::query!(
        r#"INSERT INTO audit_events
               (at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent, request_id, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"#,
        at,
        event.category.as_str(),
        event.action,
        event.actor.kind(),
        event.actor.name(),
        event.business_id,
        clip(&event.target, 200),
        event.outcome.as_str(),
        clip(&event.meta.ip, 64),
        clip(&event.meta.user_agent, 200),
        clip(&event.meta.request_id, 64),
        event.details
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An address as dispatch events show it: enough to recognise, not to harvest
/// (`a***@example.com`).
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".into(),
    }
}

/// For `bench/audit.sh`: records `count` typical access events one at a time, as a
/// request does, and returns each call's duration in microseconds.
pub async fn bench_record(db: &sqlx::PgPool, count: usize) -> Result<Vec<u64>, sqlx::Error> {
    let meta = RequestMeta {
        ip: "203.0.113.7".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) bench".into(),
        request_id: Uuid::new_v4().simple().to_string(),
    };
    let mut micros = Vec::with_capacity(count);
    for n in 0..count {
        let event = AuditEvent::new(OffsetDateTime::now_utc(), Category::Access, "invoice.view")
            .actor(Actor::User(Uuid::new_v4()))
            .business(Uuid::new_v4())
            .target(format!("/invoices/{}", Uuid::new_v4()))
            .request(&meta)
            .details(serde_json::json!({ "method": "GET", "status": 200, "n": n }));
        let started = std::time::Instant::now();
        record(db, &event).await?;
        micros.push(started.elapsed().as_micros() as u64);
    }
    Ok(micros)
}

/// A dispatch recipient as events show it: a masked address, or a phone number with
/// only its last two digits (`+354 *****67`).
pub fn mask_recipient(recipient: &str) -> String {
    if recipient.contains('@') {
        return mask_email(recipient);
    }
    let digits: Vec<char> = recipient.chars().filter(char::is_ascii_digit).collect();
    let last: String = digits.iter().skip(digits.len().saturating_sub(2)).collect();
    format!("+*****{last}")
}

fn clip(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}
