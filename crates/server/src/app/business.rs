//! The business as its own pages show it: the dashboard's figures, the logo printed on
//! its documents, its activity log, and closing the account.

use uuid::Uuid;

use super::{Caller, Error, error::Result};
pub use crate::db::{
    audit::Row as ActivityRow,
    dashboard::{Aging, Attention, CurrencySummary, DashboardView, MonthPaid},
    invoice_lists::ListedInvoice,
    logos::StoredLogo,
    members::Membership,
};
use crate::{
    audit::{Category, RequestMeta},
    db,
    gdpr::closure,
    logo::check_logo,
    state::AppState,
};

/// What the signed-in home page shows.
pub struct Dashboard {
    /// Who is signed in, for which business, in which role.
    pub view: DashboardView,
    /// Outstanding, overdue and paid this month, one row per currency.
    pub summary: Vec<CurrencySummary>,
    /// The address a legal invoice needs is missing.
    pub profile_incomplete: bool,
    /// Open invitations to other businesses waiting for the user's answer.
    pub invitations: usize,
    /// The user's other businesses, to switch to.
    pub other_businesses: Vec<Membership>,
    /// Overdue invoices, drafts, documents never sent, failed deliveries.
    pub attention: Attention,
    /// Received per month and currency over the last six months (this one included).
    pub paid_per_month: Vec<MonthPaid>,
    /// The first day of each of those six months, oldest first.
    pub months: Vec<time::Date>,
    /// What is owed per currency by age.
    pub aging: Vec<Aging>,
    /// The latest documents.
    pub recent: Vec<ListedInvoice>,
}

/// The first day of the month `back` months before `date`'s.
fn month_start(date: time::Date, back: i32) -> time::Date {
    let first = date.replace_day(1).unwrap_or(date);
    crate::app::invoicing::add_months(first, -back)
}

pub async fn dashboard(state: &AppState, caller: &Caller, user_id: Uuid) -> Result<Dashboard> {
    let now = state.clock.now();
    let today = now.date();
    let months: Vec<time::Date> = (0..6).rev().map(|back| month_start(today, back)).collect();
    // One statement (`db::dashboard::page` says why) on a page-read connection: one
    // snapshot, and a generic plan, which PostgreSQL would otherwise replan for every view.
    let mut conn = super::page_read(state, caller).await?;
    let figures = db::dashboard::page(&mut *conn, caller.business_id, user_id, today, months[0], now)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Dashboard {
        invitations: usize::try_from(figures.invitations).unwrap_or_default(),
        view: figures.view,
        summary: figures.summary,
        profile_incomplete: figures.profile_incomplete,
        other_businesses: figures.other_businesses,
        attention: figures.attention,
        paid_per_month: figures.paid_per_month,
        aging: figures.aging,
        recent: figures.recent,
        months,
    })
}

pub async fn has_logo(state: &AppState, caller: &Caller) -> Result<bool> {
    Ok(db::logos::exists(&state.db, caller.business_id).await?)
}

/// Replaces the logo with `bytes` once they are checked to be a PNG or JPEG within the
/// limits (`crate::logo`); a refused file leaves the previous logo in place and is an
/// error at the field `logo`.
pub async fn replace_logo(state: &AppState, caller: &Caller, bytes: &[u8]) -> Result<()> {
    let checked = check_logo(bytes).map_err(|e| Error::field("logo", e.to_string()))?;
    db::logos::replace(&state.db, caller.business_id, &checked, bytes, state.clock.now()).await?;
    tracing::info!(business_id = %caller.business_id, bytes = bytes.len(), "logo replaced");
    Ok(())
}

pub async fn logo_image(state: &AppState, caller: &Caller) -> Result<StoredLogo> {
    db::logos::find(&state.db, caller.business_id).await?.ok_or(Error::NotFound)
}

pub async fn remove_logo(state: &AppState, caller: &Caller) -> Result<()> {
    db::logos::remove(&state.db, caller.business_id).await?;
    tracing::info!(business_id = %caller.business_id, "logo removed");
    Ok(())
}

/// A page of the business's own audit events, newest first: of one category or all,
/// older than the event `before`.
pub async fn activity_log(
    state: &AppState,
    caller: &Caller,
    category: Option<Category>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<ActivityRow>> {
    caller.require_owner()?;
    let filter = db::audit::Filter {
        category: category.map(|c| c.as_str().to_owned()),
        business_id: Some(caller.business_id),
        before_id: before,
        ..db::audit::Filter::default()
    };
    let mut reads = super::reads(state, caller).await?;
    Ok(db::audit::search(&mut *reads, &filter, limit).await?)
}

/// How many years the business's records are kept after it closes (by its country).
pub async fn retention_years(state: &AppState, caller: &Caller) -> Result<u32> {
    let profile = db::businesses::profile(&state.db, caller.business_id).await?;
    Ok(state.settings.gdpr.years_for(&profile.country))
}

/// Closes the account (see `gdpr::closure`); `user_id` is the owner who asked.
pub async fn close_account(state: &AppState, caller: &Caller, user_id: Uuid, meta: &RequestMeta) -> Result<()> {
    closure::close_business(&state.db, &state.settings.gdpr, caller.business_id, user_id, meta, state.clock.now())
        .await?;
    Ok(())
}
