//! The logo upload as a user meets it: a real PNG or JPEG is stored and shown, anything
//! else is refused with a message saying why, and a refused upload changes nothing; the
//! same through the API.

use reqwest::multipart::{Form, Part};

use crate::helpers::{TestApp, new_client};

const PNG: &[u8] = include_bytes!("../fixtures/logo.png");
const JPEG: &[u8] = include_bytes!("../fixtures/logo.jpg");

async fn upload(app: &TestApp, client: &reqwest::Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("logo", Part::bytes(bytes).file_name(name.to_owned()));
    client.post(app.url("/settings/logo")).multipart(form).send().await.unwrap()
}

async fn current_logo(app: &TestApp, client: &reqwest::Client) -> Option<(String, Vec<u8>)> {
    let response = app.get(client, "/settings/logo/image").await;
    if response.status() == 404 {
        return None;
    }
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    Some((content_type, response.bytes().await.unwrap().to_vec()))
}

#[tokio::test]
async fn a_png_or_jpeg_logo_is_stored_shown_replaced_and_removed() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "logo-owner@example.com").await;
    assert!(app.get(&client, "/settings/logo").await.text().await.unwrap().contains("No logo yet."));
    assert_eq!(current_logo(&app, &client).await, None);

    let saved = upload(&app, &client, "logo.png", PNG.to_vec()).await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    assert_eq!(saved.headers()["location"], "/settings/logo?saved=1");
    let page = app.get(&client, "/settings/logo?saved=1").await.text().await.unwrap();
    assert!(page.contains("Logo saved.") && page.contains(r#"src="/settings/logo/image""#), "{page}");
    assert_eq!(current_logo(&app, &client).await, Some(("image/png".into(), PNG.to_vec())));

    assert_eq!(upload(&app, &client, "logo.jpg", JPEG.to_vec()).await.status(), 303);
    assert_eq!(current_logo(&app, &client).await, Some(("image/jpeg".into(), JPEG.to_vec())));

    // Another business sees only its own (absent) logo: the route takes no id to guess.
    let other = new_client();
    app.log_in(&other, "logo-other@example.com").await;
    assert_eq!(current_logo(&app, &other).await, None);

    let removed = app.post_form(&client, "/settings/logo/remove", &[]).await;
    assert_eq!(removed.status(), 303);
    assert_eq!(current_logo(&app, &client).await, None);
}

#[tokio::test]
async fn files_that_are_not_good_logos_are_refused_and_the_old_logo_stays() {
    let app = TestApp::spawn().await;
    let client = new_client();
    app.log_in(&client, "logo-refusals@example.com").await;
    assert_eq!(upload(&app, &client, "logo.png", PNG.to_vec()).await.status(), 303);

    let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec();
    let cases: [(&str, Vec<u8>, u16, &str); 4] = [
        ("logo.svg", svg, 422, "The logo must be a PNG or JPEG image."),
        ("cut.png", PNG[..PNG.len() - 30].to_vec(), 422, "This PNG file is damaged or incomplete"),
        ("empty.png", Vec::new(), 422, "Choose an image file to upload."),
        ("huge.png", vec![0x89; 700 * 1024], 413, "The logo can be at most 512 KiB"),
    ];
    for (name, bytes, status, message) in cases {
        let refused = upload(&app, &client, name, bytes).await;
        assert_eq!(refused.status(), status, "{name}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(message), "{name}: {page}");
        assert_eq!(current_logo(&app, &client).await, Some(("image/png".into(), PNG.to_vec())), "{name}");
    }

    // A form without a file field at all is the same clear refusal, not a 500.
    let no_file = client.post(app.url("/settings/logo")).multipart(Form::new().text("x", "y")).send().await.unwrap();
    assert_eq!(no_file.status(), 422);
    let not_multipart = app.post_form(&client, "/settings/logo", &[("logo", "x")]).await;
    assert_eq!(not_multipart.status(), 400);
    assert!(not_multipart.text().await.unwrap().contains("Please choose the logo file"));
}

#[tokio::test]
async fn an_integrator_replaces_reads_and_removes_the_logo_through_the_api() {
    let app = TestApp::spawn().await;
    let (client, write) = crate::api::token(&app, "logo-api@example.com", "write").await;
    let url = app.url("/api/v1/business/logo");
    let put = |token: &str, content_type: &str, bytes: Vec<u8>| {
        let request =
            reqwest::Client::new().post(&url).bearer_auth(token).header("content-type", content_type).body(bytes);
        async move { request.send().await.unwrap() }
    };
    let get = || async { reqwest::Client::new().get(&url).bearer_auth(&write).send().await.unwrap() };
    assert_eq!(get().await.status(), 404);

    assert_eq!(put(&write, "image/png", PNG.to_vec()).await.status(), 204);
    let logo = get().await;
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.bytes().await.unwrap().to_vec(), PNG.to_vec());
    assert_eq!(current_logo(&app, &client).await, Some(("image/png".into(), PNG.to_vec())), "the page shows it");

    // Refusals say why as problem+json and keep the logo.
    for (bytes, status, says) in
        [(b"GIF89a not really".to_vec(), 422, "PNG or JPEG"), (vec![0x89; 600 * 1024], 413, "at most 512 KiB")]
    {
        let refused = put(&write, "image/png", bytes).await;
        assert_eq!(refused.status(), status);
        assert_eq!(refused.headers()["content-type"], "application/problem+json");
        let problem = refused.text().await.unwrap();
        assert!(problem.contains(says), "{problem}");
    }
    let (_, read) = crate::api::token(&app, "logo-api@example.com", "read").await;
    assert_eq!(put(&read, "image/jpeg", JPEG.to_vec()).await.status(), 403);
    assert_eq!(get().await.bytes().await.unwrap().to_vec(), PNG.to_vec(), "unchanged");

    let removed = reqwest::Client::new().delete(&url).bearer_auth(&write).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    assert_eq!(get().await.status(), 404);
}
