//! The `fastfaktura` binary as an operator runs it: help, profiles, the embedded
//! database default, the data-directory lock and a clean stop on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

fn fastfaktura() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fastfaktura"));
    // A clean environment: no settings leak in from the developer's shell.
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).stdin(Stdio::null());
    cmd
}

#[test]
fn help_is_available_for_the_binary_and_each_subcommand() {
    let out = fastfaktura().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("serve") && text.contains("migrate"));
    for sub in ["serve", "migrate"] {
        let out = fastfaktura().args([sub, "--help"]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("--listen") && text.contains("--data-dir"), "{text}");
    }
}

#[test]
fn production_refuses_dev_conveniences_and_lists_everything_missing() {
    let out = fastfaktura().args(["serve"]).env("FASTFAKTURA_ENV", "production").output().unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8(out.stderr).unwrap();
    for needle in [
        "FASTFAKTURA_SMTP_HOST",
        "FASTFAKTURA_MASTER_KEY_FILE",
        "FASTFAKTURA_PUBLIC_BASE_URL",
        "FASTFAKTURA_DATABASE_URL",
    ] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
}

#[test]
fn a_mistyped_setting_is_reported() {
    let out = fastfaktura().args(["serve"]).env("FASTFAKTURA_SMTP_PORT", "many").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("FASTFAKTURA_SMTP_PORT must be a whole number"));
}

/// Starts `serve` and returns it once it listens, with its output so far.
fn start_serving(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let mut child = fastfaktura()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("FASTFAKTURA_UNKNOWN_THING", "1")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains("FastFaktura is listening") {
                    return (child, seen);
                }
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let err =
                    child.stderr.take().map(|s| std::io::read_to_string(s).unwrap_or_default()).unwrap_or_default();
                panic!("serve did not come up:\n{seen}\n{err}");
            }
        }
    }
}

#[test]
fn serve_runs_a_private_database_that_a_second_instance_cannot_share_and_stops_cleanly() {
    let data_dir = std::env::temp_dir().join(format!("ff-cli-{}", uuid::Uuid::new_v4().simple()));
    let (mut first, log) = start_serving(&data_dir);
    assert!(log.contains("FASTFAKTURA_UNKNOWN_THING"), "unknown variables are warned about:\n{log}");
    assert!(log.contains("Unix socket only"), "{log}");
    assert!(data_dir.join("postgres/PG_VERSION").exists());
    assert!(data_dir.join("master.key").exists());
    let opts = std::fs::read_to_string(data_dir.join("postgres/postmaster.opts")).unwrap();
    assert!(opts.contains("\"listen_addresses=\""), "started with no TCP addresses: {opts}");
    // The running server's own record: line 6 of postmaster.pid is the TCP listen
    // address, empty when PostgreSQL listens on no port at all.
    let pid_file = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).unwrap();
    assert_eq!(pid_file.lines().nth(5), Some(""), "no TCP listener: {pid_file}");

    let second =
        fastfaktura().args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(&data_dir).output().unwrap();
    assert!(!second.status.success());
    let text = String::from_utf8_lossy(&second.stderr);
    assert!(text.contains("already running"), "{text}");

    let status = Command::new("kill").args(["-TERM", &first.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = first.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(!data_dir.join("postgres/postmaster.pid").exists(), "PostgreSQL was stopped");
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn demo_seed_creates_businesses_and_numbered_invoices() {
    let data_dir = std::env::temp_dir().join(format!("ff-demo-{}", uuid::Uuid::new_v4().simple()));
    let out = fastfaktura()
        .args(["demo", "seed", "--businesses", "2", "--invoices", "20", "--data-dir"])
        .arg(&data_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("seeded 2 businesses and 20 invoices; issued 18"), "{stdout}");
    assert!(!data_dir.join("postgres/postmaster.pid").exists(), "the embedded database was stopped");
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// `fastfaktura health`, the container image's health check, asks the running server.
#[tokio::test]
async fn health_succeeds_against_a_ready_server_and_says_why_not_otherwise() {
    let app = crate::helpers::TestApp::spawn().await;
    let listen = app.address.trim_start_matches("http://").to_string();
    let ask = |listen: String| {
        tokio::task::spawn_blocking(move || {
            let dir = std::env::temp_dir();
            fastfaktura().args(["health", "--listen", &listen, "--data-dir"]).arg(dir).output().unwrap()
        })
    };
    let ready = ask(listen).await.unwrap();
    assert!(ready.status.success(), "{}", String::from_utf8_lossy(&ready.stderr));

    // Nothing listens on a port we held and let go.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let down = ask(free.clone()).await.unwrap();
    assert_eq!(down.status.code(), Some(1));
    let said = String::from_utf8_lossy(&down.stderr);
    assert!(said.contains(&format!("http://{free}/readyz did not answer")), "{said}");
}

/// The Debian package's example settings parse (unknown keys are refused), and once the
/// operator fills in what production needs, nothing else is asked for.
#[test]
fn the_packaged_example_settings_are_understood() {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packaging/fastfaktura.toml");
    let out = fastfaktura().args(["serve", "--config", config]).output().unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    for needle in ["FASTFAKTURA_SMTP_HOST", "FASTFAKTURA_MASTER_KEY_FILE", "FASTFAKTURA_DATABASE_URL"] {
        assert!(text.contains(needle), "{needle} missing from: {text}");
    }
    assert!(!text.contains("email.console"), "the example leaves the console on: {text}");

    let dir = std::env::temp_dir().join(format!("ff-packaged-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("master.key");
    std::fs::write(&key, [7u8; 32]).unwrap();
    let expires = (time::OffsetDateTime::now_utc() + time::Duration::days(180))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    // `migrate` loads the same settings as `serve`; a database that does not answer
    // proves the settings passed every production check before it was reached.
    let out = fastfaktura()
        .args(["migrate", "--config", config])
        .env("FASTFAKTURA_DATABASE_URL", "postgres://fastfaktura@127.0.0.1:1/fastfaktura")
        .env("FASTFAKTURA_SMTP_HOST", "smtp.example.com")
        .env("FASTFAKTURA_MASTER_KEY_FILE", &key)
        .env("FASTFAKTURA_PUBLIC_BASE_URL", "https://app.example.com")
        .env("FASTFAKTURA_SECURITY_TXT_CONTACT", "security@example.com")
        .env("FASTFAKTURA_SECURITY_TXT_EXPIRES", expires)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    for requirement in ["email.smtp", "crypto.master_key_file", "public_base_url", "email.console", "security_txt"] {
        assert!(!text.contains(requirement), "still refused for {requirement}: {text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
