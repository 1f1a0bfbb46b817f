//! The application layer: one function per user operation, shared by the web pages,
//! the JSON API and the job worker.
//!
//! An operation takes a typed input (the web form and the API body map into the same
//! one), owns its transaction, its validation, its audit event and its job enqueue,
//! and returns a typed result or an [`Error`]. It knows nothing of HTTP: `http/`
//! extracts, calls one operation and renders; it never calls `db::` itself. Below this
//! layer sit the pure `domain` crate (rules and types) and `db/` (one module per
//! aggregate, checked SQL). See docs/ARCHITECTURE.md for the layering rule.

pub mod access_point_events;
pub mod admin;
pub mod admin_tools;
pub mod api_tokens;
pub mod bank_claims;
pub mod bank_statements;
pub mod bills;
pub mod business;
pub mod catalogue;
pub mod customers;
pub mod data_export;
pub mod error;
pub mod fields;
pub mod health;
pub mod idempotency;
pub mod invitations;
pub mod invoicing;
pub mod members;
pub mod metrics;
pub mod money_routing;
pub mod payment_keys;
pub mod peppol;
pub mod quotas;
pub mod settings;
pub mod sign_in;
pub mod webhooks;

pub use error::Error;

use uuid::Uuid;

/// What a caller's reads must see, and the log positions that say it (`http/` names them here).
pub use crate::db::replica::{ReadAfter, WalPosition};
use crate::{db::replica::ReadOnly, state::AppState};

/// Who performs an operation on which business: the signed-in user of a web
/// session, or the API token of an integrator. Operations record it in audit events,
/// and the ones only an owner may perform check it with [`Caller::require_owner`]
/// themselves, so no page or endpoint can forget the check.
#[derive(Debug, Clone)]
pub struct Caller {
    pub business_id: Uuid,
    pub actor: crate::audit::Actor,
    /// The user's role in this business is "owner", or an API token with the owner
    /// scope whose creator is the owner. Where money goes is still a signed-in owner's
    /// alone ([`Caller::require_owner_in_person`]).
    is_owner: bool,
    read_only: bool,
    /// The member an API token acts for (its creator): who asked for a delivery.
    token_creator: Option<Uuid>,
    /// What this caller's reads must see (their own last write): decides whether a
    /// replica may serve them. Everything (the primary) unless the caller says less.
    reads_after: ReadAfter,
}

impl Caller {
    /// A signed-in user with their `role` in the business (owner, member or accountant).
    pub fn user(business_id: Uuid, user_id: Uuid, role: &str) -> Self {
        Caller {
            business_id,
            actor: crate::audit::Actor::User(user_id),
            is_owner: role == "owner",
            read_only: role == "accountant",
            token_creator: None,
            reads_after: ReadAfter::Primary,
        }
    }

    pub fn api_token(business_id: Uuid, token_id: Uuid) -> Self {
        Caller {
            business_id,
            actor: crate::audit::Actor::ApiToken(token_id),
            is_owner: false,
            read_only: false,
            token_creator: None,
            reads_after: ReadAfter::Primary,
        }
    }

    /// The platform acting for a business on its behalf (a bank file dropped into the
    /// business's import folder): not an owner, audited as `system`.
    pub fn system(business_id: Uuid) -> Self {
        Caller {
            business_id,
            actor: crate::audit::Actor::System,
            is_owner: false,
            read_only: false,
            token_creator: None,
            reads_after: ReadAfter::Primary,
        }
    }

    /// The caller's reads need only see up to `after` (a browser's last write, which it
    /// remembers in a cookie), so a replica that has replayed it may serve them.
    pub fn reading_after(mut self, after: ReadAfter) -> Self {
        self.reads_after = after;
        self
    }

    /// An API token's caller acting for `user`, the member who created the token.
    pub fn created_by(mut self, user: Uuid) -> Self {
        self.token_creator = Some(user);
        self
    }

    /// An API token with the owner scope, whose creator is the owner now
    /// (`api_tokens::authenticate` checks both): it may do what the owner may, but for
    /// changing where money goes.
    pub fn acting_as_owner(mut self, owner: bool) -> Self {
        if matches!(self.actor, crate::audit::Actor::ApiToken(_)) {
            self.is_owner = owner;
        }
        self
    }

    /// The member behind the request: the signed-in user, or the creator of the API
    /// token; None for the platform itself.
    pub fn acting_user(&self) -> Option<Uuid> {
        match &self.actor {
            crate::audit::Actor::User(user) => Some(*user),
            crate::audit::Actor::ApiToken(_) => self.token_creator,
            _ => None,
        }
    }

    /// Whether the caller only reads (an accountant).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Whether the caller is the business's owner (pages show the owner's controls).
    pub fn is_owner(&self) -> bool {
        self.is_owner
    }

    /// Refuses anyone but the business's owner (or a token with the owner scope).
    pub fn require_owner(&self) -> Result<(), Error> {
        if self.is_owner { Ok(()) } else { Err(Error::Forbidden(crate::i18n::Text::key("error-owner-only"))) }
    }

    /// Whether the caller is the owner signed in: what changing where customers' money
    /// goes needs, since a leaked token must not be able to redirect payments.
    pub fn is_owner_in_person(&self) -> bool {
        self.is_owner && matches!(self.actor, crate::audit::Actor::User(_))
    }
}

/// A connection for an operation that only reads (a list, the dashboard, an export, a
/// report): the replica's when it is fresh enough for `caller`, else the primary's.
/// Operations that write, or read to decide a write, use `state.db` instead.
pub async fn reads(state: &AppState, caller: &Caller) -> Result<ReadOnly, Error> {
    Ok(state.reads.acquire(caller.reads_after).await?)
}

/// A connection for a page that reads many figures in one statement (the dashboard;
/// see `db::page_read_pool`: read-only, generic plans), from the replica on the terms
/// of [`reads`].
pub async fn page_read(state: &AppState, caller: &Caller) -> Result<ReadOnly, Error> {
    Ok(state.reads.page_read(caller.reads_after).await?)
}

/// Where the primary's log is after a request that may have written, for the
/// browser to read after; None without a replica (every read is the primary's).
pub async fn written_up_to(state: &AppState) -> Result<Option<WalPosition>, Error> {
    Ok(state.reads.write_position().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_owner_passes_the_owner_check() {
        let (business, someone) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(Caller::user(business, someone, "owner").require_owner().is_ok());
        for role in ["member", "accountant", "Owner", ""] {
            assert!(
                matches!(Caller::user(business, someone, role).require_owner(), Err(Error::Forbidden(_))),
                "{role}"
            );
        }
        assert!(matches!(Caller::api_token(business, someone).require_owner(), Err(Error::Forbidden(_))));
    }
}
