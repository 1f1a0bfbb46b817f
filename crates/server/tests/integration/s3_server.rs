//! A real S3-compatible server on loopback that checks SigV4 signatures: moto with
//! IAM enforced (`tests/s3/moto_s3.py`), one per test process, installed by
//! `scripts/install-deps`. Each test uses its own key prefix in the one bucket.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{LazyLock, Mutex},
};

#[derive(Debug, Clone, serde::Deserialize)]
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

static SERVER: LazyLock<(S3Server, Mutex<Child>)> = LazyLock::new(|| {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/s3/moto_s3.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start python3 for the S3 test server (run scripts/install-deps)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let server: S3Server = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("the S3 test server (moto) did not start: {e}: {line:?}; run scripts/install-deps"));
    // Its stdin stays open while we live; when this process exits the server stops.
    (server, Mutex::new(child))
});

pub fn s3() -> &'static S3Server {
    &SERVER.0
}
