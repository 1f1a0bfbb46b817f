//! Running `pg_dump` and `pg_restore`: finding the binaries of the server's major
//! version, and handing them the connection without putting a password on argv.
//!
//! The database URL is passed with its password removed; the password goes in
//! `PGPASSWORD` in the child's environment only, which other users cannot read.

use std::path::PathBuf;

use tokio::process::Command;

use super::BackupError;

/// The `<tool>` binary for PostgreSQL `major`: the same major version if installed,
/// else the nearest newer one (pg_dump reads older servers, never newer ones).
pub fn find_tool(tool: &str, major: u32) -> Result<PathBuf, BackupError> {
    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let path = entry.path().join("bin").join(tool);
            (version >= major && path.is_file()).then_some((version, path))
        })
        .collect();
    candidates.sort();
    if let Some((_, path)) = candidates.into_iter().next() {
        return Ok(path);
    }
    Err(BackupError::Tool(format!(
        "no {tool} for PostgreSQL {major} or newer under /usr/lib/postgresql/*/bin: install postgresql-client-{major}"
    )))
}

/// The server's major version from `server_version_num` (e.g. 150018 → 15).
pub fn major_of(version_num: i64) -> u32 {
    u32::try_from(version_num / 10000).unwrap_or(0)
}

/// A command for `program` connected to `url` (password moved to the environment).
pub fn command(program: &PathBuf, url: &str) -> Result<Command, BackupError> {
    let (url, password) = split_password(url)?;
    let mut cmd = Command::new(program);
    cmd.arg(format!("--dbname={url}")).arg("--no-password").kill_on_drop(true).current_dir("/");
    // Only the connection we give it: no stray PG* settings from the environment.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(|n| n.starts_with("PG")) {
            cmd.env_remove(&name);
        }
    }
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    Ok(cmd)
}

/// `url` without its password, and the password percent-decoded.
fn split_password(url: &str) -> Result<(String, Option<String>), BackupError> {
    let bad = || BackupError::Tool("the database URL is not a postgres:// URL".into());
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return Ok((url.to_owned(), None));
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return Ok((url.to_owned(), None));
    };
    Ok((format!("{scheme}://{user}@{host}{tail}"), Some(percent_decode(password))))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The last lines of a tool's stderr, for an error message.
pub fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        let (url, pw) = split_password("postgres://app:s%40cret@db.example:5432/ff?sslmode=require").unwrap();
        assert_eq!(url, "postgres://app@db.example:5432/ff?sslmode=require");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (url, pw) = split_password("postgres://fastfaktura@localhost/ff?host=/srv/run").unwrap();
        assert_eq!((url.as_str(), pw), ("postgres://fastfaktura@localhost/ff?host=/srv/run", None));
        assert_eq!(major_of(150018), 15);
    }
}
