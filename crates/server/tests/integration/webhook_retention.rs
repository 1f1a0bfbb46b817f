//! How long webhook events are kept (issue 23): finished events go after 35 days with
//! their deliveries, one still being retried stays, and an overdue invoice whose event
//! was purged is not told again.

use crate::{
    api::token,
    helpers::TestApp,
    webhooks::{Receiver, app_with, customer, deliver_all, endpoint, issued_invoice, quiet_app},
};

#[tokio::test]
async fn events_are_kept_thirty_five_days_and_an_overdue_invoice_is_told_once_for_all_that() {
    let app = app_with(quiet_app).await;
    let receiver = Receiver::start();
    let (_, token) = token(&app, "keeper@webhooks.example", "write").await;
    let (_, secret) =
        endpoint(&app, &token, &format!("{}/in", receiver.url), &["invoice.issued", "invoice.overdue"]).await;
    receiver.trust(&[&secret]).await;
    let customer = customer(&app, &token).await;
    let delivered = issued_invoice(&app, &token, &customer).await;
    assert_eq!(deliver_all(&app).await, 1);
    // Due in 14 days: 16 days later it is overdue and told (once).
    app.clock.advance(time::Duration::days(30));
    let overdue = |app: &TestApp| {
        let (db, now) = (app.db.clone(), app.clock_now());
        async move { fastfaktura::webhooks::record_overdue(&db, now.date(), now).await.unwrap() }
    };
    assert_eq!(overdue(&app).await, 1);
    assert_eq!(deliver_all(&app).await, 1);
    // A third event stays pending: its receiver is down.
    receiver.fail_next(100, 503).await;
    issued_invoice(&app, &token, &customer).await;
    assert_eq!(deliver_all(&app).await, 1);
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db).await.unwrap() }
    };
    assert_eq!(count("SELECT count(*) FROM webhook_events").await, 3);

    // Nothing is old enough yet; 36 days after the first two, they go with their
    // deliveries, while the one still being retried stays whatever its age.
    let purge = |app: &TestApp| {
        let (db, now) = (app.db.clone(), app.clock_now());
        async move { fastfaktura::webhooks::purge_old_events(&db, now).await.unwrap() }
    };
    assert_eq!(purge(&app).await, 0);
    app.clock.advance(time::Duration::days(36));
    assert_eq!(purge(&app).await, 2);
    let left: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.event_type, d.status FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(left, [("invoice.issued".to_owned(), "pending".to_owned())]);
    let deliveries = count("SELECT count(*) FROM webhook_deliveries").await;
    assert_eq!(deliveries, 1, "the purged events' deliveries went with them");
    // The purged overdue event is not recorded again (that invoice fell due 52 days ago);
    // the second invoice, due 22 days ago, is told now.
    assert_eq!(overdue(&app).await, 1);
    let told: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events WHERE object_id = $1::uuid")
        .bind(&delivered)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(told, 0);
}
