//! Security notifications for admins (ADM-11): a sign-in from an address not seen for
//! that admin before, a lock after consecutive failures, and any change to their
//! two-step verification or password go to the admin's own address; a new admin
//! account goes to the platform's security contact (`admin.security_alert_email`).
//!
//! Queued through the outbox (`integrations::email::enqueue`) in the caller's
//! transaction, so a mail exists exactly when the change it reports does. Mails say
//! what happened, when and from where, and never carry a code, secret or password.
//! An admin without an address is only logged (the event is recorded either way).

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::{crypto::DerivedKey, db::admins, integrations::email, state::AppState};

/// What sending a notice needs: the outbox key, the security contact, the time. From
/// the running app ([`Notifier::from_state`]) or from the CLI's settings.
pub struct Notifier<'a> {
    pub outbox: &'a DerivedKey,
    pub security_contact: Option<&'a str>,
    pub now: OffsetDateTime,
}

impl<'a> Notifier<'a> {
    pub fn from_state(state: &'a AppState) -> Self {
        Self {
            outbox: &state.keys.outbox,
            security_contact: state.settings.admin.security_alert_email.as_deref(),
            now: state.clock.now(),
        }
    }

    fn now_text(&self) -> String {
        format!("{} {:02}:{:02}", self.now.date(), self.now.hour(), self.now.minute())
    }
}

/// What to tell an admin about their own account.
pub enum Alert<'a> {
    NewAddress {
        ip: &'a str,
        user_agent: &'a str,
    },
    Locked {
        ip: &'a str,
    },
    /// `change` says what changed ("two-step verification was set up", ...).
    Changed {
        change: &'a str,
        by: &'a str,
        ip: &'a str,
    },
}

impl Alert<'_> {
    fn subject(&self) -> &'static str {
        match self {
            Alert::NewAddress { .. } => "FastFaktura admin: sign-in from a new address",
            Alert::Locked { .. } => "FastFaktura admin: your sign-in is locked",
            Alert::Changed { .. } => "FastFaktura admin: your sign-in settings changed",
        }
    }

    fn body(&self, username: &str, at: &str) -> String {
        let what = match self {
            Alert::NewAddress { ip, user_agent } => format!(
                "Your admin account {username} signed in at {at} UTC from {ip}, an address it has not signed in from before.\nBrowser: {user_agent}\n\nIf that was you, there is nothing to do."
            ),
            Alert::Locked { ip } => format!(
                "Your admin account {username} was locked at {at} UTC after 100 failed sign-ins in a row (the last from {ip}).\nAnother admin, or `fastfaktura admin unlock` on the server, can unlock it."
            ),
            Alert::Changed { change, by, ip } => format!(
                "On your admin account {username}, {change} at {at} UTC, by {by}{}.\n\nIf that was you, there is nothing to do.",
                if ip.is_empty() { String::new() } else { format!(" from {ip}") }
            ),
        };
        format!(
            "{what}\nIf it was not you, tell the other admins at once: someone may have your password.\n\n-- FastFaktura (this is an automatic security notice; it never contains codes)\n"
        )
    }
}

/// Queues `alert` to the admin called `username`, if they have an address.
pub async fn tell_admin(
    conn: &mut PgConnection,
    notifier: &Notifier<'_>,
    username: &str,
    alert: Alert<'_>,
) -> Result<(), sqlx::Error> {
    let Some((id, email)) = admins::contact_by_username(&mut *conn, username).await? else { return Ok(()) };
    let Some(email) = email else {
        tracing::warn!(admin_id = %id, subject = alert.subject(), "no address for this admin's security notice");
        return Ok(());
    };
    let body = alert.body(username, &notifier.now_text());
    let notice = email::Notice {
        kind: "admin_alert",
        business_id: None,
        recipient: &email,
        subject: alert.subject(),
        body: &body,
    };
    email::queue_notice(conn, notifier.outbox, notice, notifier.now).await?;
    Ok(())
}

/// Queues a notice to the security contact that admin `created` was made by `by`.
pub async fn tell_security_contact(
    conn: &mut PgConnection,
    notifier: &Notifier<'_>,
    created: &str,
    by: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let Some(contact) = notifier.security_contact else { return Ok(()) };
    let body = format!(
        "A new FastFaktura admin account, {created}, was created at {} UTC by {by}{}.\nAdmins can reach every business on the platform: if nobody expected this account, disable it (fastfaktura admin disable --username {created}) and find out who made it.\n\n-- FastFaktura (automatic security notice)\n",
        notifier.now_text(),
        if ip.is_empty() { String::new() } else { format!(" from {ip}") }
    );
    let subject = "FastFaktura: a new admin account";
    let notice =
        email::Notice { kind: "admin_created_alert", business_id: None, recipient: contact, subject, body: &body };
    email::queue_notice(conn, notifier.outbox, notice, notifier.now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_say_what_and_where_and_never_ask_for_a_code() {
        let body = Alert::NewAddress { ip: "203.0.113.9", user_agent: "Firefox" }.body("alice", "2026-11-24 10:00");
        assert!(body.contains("alice") && body.contains("203.0.113.9") && body.contains("2026-11-24 10:00"));
        let change = Alert::Changed { change: "two-step verification was reset", by: "cli", ip: "" };
        assert!(change.body("bob", "t").contains("by cli."));
    }
}
