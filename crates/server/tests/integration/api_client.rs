//! A client generated from `/api/v1/openapi.json` (openapi-python-client, installed by
//! scripts/install-deps) runs an integrator's flow against a real server: create a
//! customer and a draft with lines, issue it, send it by email, list its deliveries,
//! turn on its customer link, record a payment and read the invoice back as paid.
//! The script (`tests/api_client/flow.py`) uses only the generated functions and
//! models, so the document cannot say something the server does not do.

use std::{path::Path, process::Command};

use crate::{
    api::token,
    attack_tools::{run_tool, scratch_dir},
    helpers::TestApp,
};

#[tokio::test]
async fn a_client_generated_from_the_openapi_document_runs_the_invoicing_flow() {
    let app = TestApp::spawn().await;
    let (_, token) = token(&app, "generated@client.example", "write").await;
    let dir = scratch_dir("generated-client");
    let document = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().bytes().await.unwrap();
    std::fs::write(dir.join("openapi.json"), &document).unwrap();
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api_client");

    let mut generate = Command::new("openapi-python-client");
    generate.current_dir(&dir).env("HOME", &dir).env("NO_COLOR", "1").args([
        "generate",
        "--path",
        "openapi.json",
        "--output-path",
        "client/fastfaktura_client",
        "--meta",
        "none",
        "--config",
    ]);
    generate.arg(here.join("config.yaml"));
    let (generated, output) = run_tool(generate, "openapi-python-client").await;
    assert!(generated, "the client could not be generated:\n{output}");
    // Every operation and response is understood: a warning means part of the
    // document was left out of the client.
    assert!(!output.contains("WARNING"), "the generator skipped part of the document:\n{output}");

    let recipient = "ap@generated-client.example";
    let mut flow = Command::new("python3");
    flow.current_dir(&dir)
        .env("FF_BASE_URL", app.url(""))
        .env("FF_API_TOKEN", &token)
        .env("FF_CLIENT_DIR", dir.join("client"))
        .env("FF_TODAY", app.clock_now().date().to_string())
        .env("FF_RECIPIENT", recipient)
        .arg(here.join("flow.py"));
    let (ran, output) = run_tool(flow, "python3").await;
    assert!(ran && output.contains("flow ok"), "the generated client's flow failed:\n{output}");

    // The email the flow sent really left.
    let to_buyer = |m: &crate::smtp_sink::ReceivedMail| m.to.iter().any(|t| t == recipient);
    let mail = app.smtp.wait_for_matching(1, to_buyer).await.pop().unwrap();
    assert!(mail.data.contains("application/pdf"));
    std::fs::remove_dir_all(&dir).ok();
}
