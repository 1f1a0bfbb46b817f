//! The embedded database default: a private PostgreSQL cluster inside the data
//! directory, started from the machine's own PostgreSQL binaries.
//!
//! It listens only on a Unix socket (`listen_addresses = ''`), so no TCP port is ever
//! exposed. PostgreSQL refuses to run as root, so when we are root the cluster runs as
//! the unprivileged `postgres` system user. A lock file keeps a second FastFaktura off
//! the same data directory. The integration tests use the same code for their
//! throwaway cluster.

use std::{
    fs::File,
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    process::Command,
};

/// The unprivileged user that runs the cluster when we are root.
const SYSTEM_USER: &str = "postgres";
/// The role `initdb` creates; only the socket reaches the cluster.
pub const SUPERUSER: &str = "fastfaktura";

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedPgError {
    #[error(
        "no PostgreSQL server binaries found (looked for initdb, pg_ctl and postgres under /usr/lib/postgresql/*/bin and on PATH): \
         install them with `apt-get install postgresql`, or set FASTFAKTURA_DATABASE_URL to use an existing server"
    )]
    BinariesMissing,
    #[error(
        "another FastFaktura is already running with the data directory {0} (it holds the lock file); stop it first, or start this one with another --data-dir"
    )]
    AlreadyRunning(PathBuf),
    #[error(
        "FastFaktura is running as root and PostgreSQL refuses to; it needs the unprivileged system user `postgres` to run the embedded cluster: install PostgreSQL (`apt-get install postgresql`), run FastFaktura as a normal user, or set FASTFAKTURA_DATABASE_URL"
    )]
    NoSystemUser,
    #[error("cannot prepare {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{step} failed for the embedded PostgreSQL cluster in {dir}: {detail}")]
    Command { step: &'static str, dir: PathBuf, detail: String },
}

/// A running private cluster; stop it with [`EmbeddedPostgres::stop`].
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bin_dir: PathBuf,
    cluster_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<String>,
    /// Held (locked) for as long as the cluster is ours.
    _lock: File,
}

impl EmbeddedPostgres {
    /// Creates (first run) and starts the cluster under `root`. Blocking: call it
    /// before the async runtime does real work, or from `spawn_blocking`.
    pub fn start(root: &Path) -> Result<Self, EmbeddedPgError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| EmbeddedPgError::Io { path, source }
        };
        std::fs::create_dir_all(root).map_err(io(root))?;
        let root = root.canonicalize().map_err(io(root))?;
        let lock_path = root.join("fastfaktura.lock");
        let lock = File::options().create(true).truncate(false).write(true).open(&lock_path).map_err(io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(EmbeddedPgError::AlreadyRunning(root));
        }
        let bin_dir = find_bin_dir().ok_or(EmbeddedPgError::BinariesMissing)?;
        let run_as = if running_as_root() {
            system_user_ids(SYSTEM_USER).ok_or(EmbeddedPgError::NoSystemUser)?;
            Some(SYSTEM_USER.to_owned())
        } else {
            None
        };
        let cluster_dir = root.join("postgres");
        let socket_dir = socket_dir_for(&root);
        for dir in [&cluster_dir, &socket_dir] {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
            if let Some(user) = &run_as {
                let (uid, gid) = system_user_ids(user).ok_or(EmbeddedPgError::NoSystemUser)?;
                std::os::unix::fs::chown(dir, Some(uid), Some(gid)).map_err(io(dir))?;
            }
        }
        let pg = Self { bin_dir, cluster_dir, socket_dir, run_as, _lock: lock };
        if let Some(user) = &pg.run_as {
            tracing::info!(
                user,
                "running as root: the embedded PostgreSQL cluster runs as the unprivileged system user"
            );
        }
        if !pg.cluster_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %pg.cluster_dir.display(), "creating the embedded PostgreSQL cluster (first run)");
            pg.run(
                "initdb",
                pg.tool("initdb").arg("-D").arg(&pg.cluster_dir).args([
                    "--auth=trust",
                    "-U",
                    SUPERUSER,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-instructions",
                ]),
            )?;
        }
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700 -c max_connections=200 -c fsync=on",
            pg.socket_dir.display()
        );
        pg.run(
            "pg_ctl start",
            pg.tool("pg_ctl")
                .arg("-D")
                .arg(&pg.cluster_dir)
                .arg("-l")
                .arg(pg.cluster_dir.join("server.log"))
                .args(["-w", "-t", "60", "-o", &options, "start"]),
        )?;
        tracing::info!(socket_dir = %pg.socket_dir.display(), "embedded PostgreSQL is up (Unix socket only, no TCP port)");
        Ok(pg)
    }

    /// Makes a streaming replica of this cluster under `root` (`pg_basebackup -R`, over
    /// the socket, with the replication line `initdb` puts in `pg_hba.conf`) and starts
    /// it as a hot standby on its own socket. For the test harness and the benchmarks,
    /// which need a real replica of a throwaway cluster; the default `wal_level`
    /// (replica) and `max_wal_senders` (10) already allow it.
    pub fn start_replica(&self, root: &Path) -> Result<Self, EmbeddedPgError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| EmbeddedPgError::Io { path, source }
        };
        let cluster_dir = root.join("postgres");
        if !cluster_dir.join("PG_VERSION").exists() {
            std::fs::create_dir_all(&cluster_dir).map_err(io(&cluster_dir))?;
            std::fs::set_permissions(&cluster_dir, std::fs::Permissions::from_mode(0o700)).map_err(io(&cluster_dir))?;
            if let Some(user) = &self.run_as {
                let (uid, gid) = system_user_ids(user).ok_or(EmbeddedPgError::NoSystemUser)?;
                std::os::unix::fs::chown(&cluster_dir, Some(uid), Some(gid)).map_err(io(&cluster_dir))?;
            }
            self.run(
                "pg_basebackup",
                self.tool("pg_basebackup").arg("-D").arg(&cluster_dir).arg("-h").arg(&self.socket_dir).args([
                    "-U",
                    SUPERUSER,
                    "-R",
                    "-X",
                    "stream",
                    "--checkpoint=fast",
                ]),
            )?;
        }
        Self::start(root)
    }

    /// A connection URL for `database` over the Unix socket.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@localhost/{database}?host={}", self.socket_dir.display())
    }

    pub fn cluster_dir(&self) -> &Path {
        &self.cluster_dir
    }

    /// Fast shutdown: open transactions roll back, committed data is safe.
    pub fn stop(self) -> Result<(), EmbeddedPgError> {
        self.run(
            "pg_ctl stop",
            self.tool("pg_ctl").arg("-D").arg(&self.cluster_dir).args(["-m", "fast", "-w", "stop"]),
        )?;
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bin_dir.join(name);
        match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(program);
                cmd
            }
            None => Command::new(program),
        }
    }

    fn run(&self, step: &'static str, cmd: &mut Command) -> Result<(), EmbeddedPgError> {
        // The server inherits neither our cwd (it may be unreadable to `postgres`) nor stdio.
        cmd.current_dir("/").stdin(std::process::Stdio::null());
        let output = cmd.output().map_err(|e| EmbeddedPgError::Command {
            step,
            dir: self.cluster_dir.clone(),
            detail: e.to_string(),
        })?;
        if output.status.success() {
            return Ok(());
        }
        let mut detail = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if let Ok(log) = std::fs::read_to_string(self.cluster_dir.join("server.log")) {
            let tail: Vec<&str> = log.lines().rev().take(5).collect();
            detail.push_str("; server log: ");
            detail.push_str(&tail.into_iter().rev().collect::<Vec<_>>().join(" | "));
        }
        Err(EmbeddedPgError::Command { step, dir: self.cluster_dir.clone(), detail })
    }
}

/// The newest `/usr/lib/postgresql/<major>/bin` with all three tools, else PATH.
fn find_bin_dir() -> Option<PathBuf> {
    let has_tools = |dir: &Path| ["initdb", "pg_ctl", "postgres"].iter().all(|t| dir.join(t).is_file());
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            has_tools(&bin).then_some((major, bin))
        })
        .collect();
    versioned.sort();
    if let Some((_, bin)) = versioned.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| has_tools(dir))
}

/// The effective uid, read without `unsafe`: `/proc/self` belongs to it.
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

fn system_user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&name) && fields.len() > 3)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

/// Unix socket paths are limited to 107 bytes; a deep data directory gets its socket
/// under /tmp instead, in a directory named after the data directory.
fn socket_dir_for(root: &Path) -> PathBuf {
    let preferred = root.join("run");
    // ".s.PGSQL.5432" is appended by PostgreSQL.
    if preferred.as_os_str().len() + 14 < 100 {
        return preferred;
    }
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    PathBuf::from(format!("/tmp/fastfaktura-{}", hex::encode(&digest[..6])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_data_directories_get_a_short_socket_dir() {
        let short = socket_dir_for(Path::new("/srv/ff"));
        assert_eq!(short, PathBuf::from("/srv/ff/run"));
        let deep = Path::new("/very").join("x".repeat(120));
        let dir = socket_dir_for(&deep);
        assert!(dir.as_os_str().len() < 40, "{}", dir.display());
        assert_eq!(dir, socket_dir_for(&deep));
    }
}
