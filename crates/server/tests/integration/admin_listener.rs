//! The console served apart from the public site (issue 6 item 1): on its own
//! listener (`admin.listen`; `/admin` is then a 404 on the public one), or only for
//! one host name (`admin.hostname`). Sign-in works there, with the Origin check
//! expecting the console's own origin.

use crate::{
    admin::PASSWORD,
    helpers::{TestApp, new_client},
};

#[tokio::test]
async fn with_admin_listen_the_console_is_only_on_its_own_listener() {
    let app = TestApp::spawn_with(|s| {
        s.admin.listen = Some("127.0.0.1:0".parse().unwrap());
        s.admin.require_totp = false;
    })
    .await;
    fastfaktura::admin_cli::create(&app.db, "lena", PASSWORD.into()).await.unwrap();
    let console = app.admin_address.clone().expect("the admin listener is bound");
    assert_ne!(console, app.address);
    let client = new_client();
    for path in ["/admin", "/admin/login"] {
        assert_eq!(app.get(&client, path).await.status(), 404, "public {path}");
    }
    let refused = client
        .post(app.url("/admin/login"))
        .header("origin", &app.address)
        .form(&[("username", "lena"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404, "no admin sign-in on the public listener");
    assert_eq!(app.get(&client, "/login").await.status(), 200, "the public site is still there");

    let page = client.get(format!("{console}/admin/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let stylesheet = page.text().await.unwrap();
    let css = stylesheet.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(client.get(format!("{console}{css}")).send().await.unwrap().status(), 200, "the console has its styles");
    assert_eq!(client.get(format!("{console}/login")).send().await.unwrap().status(), 404, "only the console there");
    // The public origin is another origin for the console.
    let form = [("username", "lena"), ("password", PASSWORD)];
    let cross =
        client.post(format!("{console}/admin/login")).header("origin", &app.address).form(&form).send().await.unwrap();
    assert_eq!(cross.status(), 403);
    let signed_in =
        client.post(format!("{console}/admin/login")).header("origin", &console).form(&form).send().await.unwrap();
    assert_eq!(signed_in.status(), 303);
    let home = client.get(format!("{console}/admin")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Operator console"));
}

#[tokio::test]
async fn with_admin_hostname_the_console_answers_only_that_name() {
    let app = TestApp::spawn_with(|s| {
        s.admin.hostname = Some("console.localtest".into());
        s.admin.require_totp = false;
    })
    .await;
    fastfaktura::admin_cli::create(&app.db, "max", PASSWORD.into()).await.unwrap();
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let host = format!("console.localtest:{port}");
    let origin = format!("http://{host}");
    let client = new_client();
    assert_eq!(app.get(&client, "/admin/login").await.status(), 404, "by address: no console");
    let other =
        client.get(app.url("/admin/login")).header("host", format!("www.localtest:{port}")).send().await.unwrap();
    assert_eq!(other.status(), 404, "another name: no console");
    let page = client.get(app.url("/admin/login")).header("host", &host).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let upper = client.get(app.url("/admin/login")).header("host", "CONSOLE.localtest").send().await.unwrap();
    assert_eq!(upper.status(), 200, "names are case-insensitive and the port does not matter");

    let form = [("username", "max"), ("password", PASSWORD)];
    let post = |origin: String| {
        client.post(app.url("/admin/login")).header("host", &host).header("origin", origin).form(&form).send()
    };
    assert_eq!(post(app.address.clone()).await.unwrap().status(), 403, "the address's origin is not the console's");
    assert_eq!(post(origin.clone()).await.unwrap().status(), 303);
    let home = client.get(app.url("/admin")).header("host", &host).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let by_address = client.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(by_address.status(), 404, "the session does not open the console under another name");
}
