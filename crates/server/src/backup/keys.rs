//! age keys: the recipients (public keys) backups are encrypted to, and the
//! identities (private keys) a restore decrypts with.
//!
//! Only X25519 keys in the `age-keygen` text format are accepted, so the same files
//! work with the `age` and `rage` command-line tools: an operator can always decrypt a
//! backup by hand, without FastFaktura.

use std::{path::Path, str::FromStr};

use age::{secrecy::ExposeSecret, x25519};

use super::BackupError;

/// Reads `age1...` recipients, one per line; `#` starts a comment.
pub fn load_recipients(path: &Path) -> Result<Vec<x25519::Recipient>, BackupError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BackupError::Keys(format!("cannot read the backup recipients file {}: {e}", path.display())))?;
    let mut recipients = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let recipient = x25519::Recipient::from_str(line).map_err(|_| {
            BackupError::Keys(format!(
                "line {} of {} is not an age X25519 recipient (age1...); is it the private identity by mistake?",
                n + 1,
                path.display()
            ))
        })?;
        recipients.push(recipient);
    }
    if recipients.is_empty() {
        return Err(BackupError::Keys(format!("the backup recipients file {} has no age1... key", path.display())));
    }
    Ok(recipients)
}

/// Reads `AGE-SECRET-KEY-1...` identities, one per line. The message never contains the key.
pub fn load_identities(path: &Path) -> Result<Vec<x25519::Identity>, BackupError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BackupError::Keys(format!("cannot read the identity file {}: {e}", path.display())))?;
    let mut identities = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let identity = x25519::Identity::from_str(line).map_err(|_| {
            BackupError::Keys(format!(
                "line {} of {} is not an age X25519 identity (AGE-SECRET-KEY-1...)",
                n + 1,
                path.display()
            ))
        })?;
        identities.push(identity);
    }
    if identities.is_empty() {
        return Err(BackupError::Keys(format!("the identity file {} has no AGE-SECRET-KEY-1... key", path.display())));
    }
    Ok(identities)
}

/// Writes a new identity to `path` (mode 0600, refusing to overwrite) in the
/// `age-keygen` format and returns its public recipient.
pub fn generate_identity(path: &Path) -> Result<x25519::Recipient, BackupError> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let identity = x25519::Identity::generate();
    let recipient = identity.to_public();
    let created =
        time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let text = format!("# created: {created}\n# public key: {recipient}\n{}\n", identity.to_string().expose_secret());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| BackupError::Keys(format!("cannot create the identity file {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| BackupError::Keys(format!("cannot write the identity file {}: {e}", path.display())))?;
    Ok(recipient)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_load_back_and_mistakes_are_named() {
        let dir = std::env::temp_dir().join(format!("ff-keys-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let identity = dir.join("id.txt");
        let recipient = generate_identity(&identity).unwrap();
        assert!(generate_identity(&identity).is_err(), "never overwrites a key");
        assert_eq!(load_identities(&identity).unwrap()[0].to_public().to_string(), recipient.to_string());
        let recipients = dir.join("recipients.txt");
        std::fs::write(&recipients, format!("# ops laptop\n{recipient}\n")).unwrap();
        assert_eq!(load_recipients(&recipients).unwrap().len(), 1);
        let err = load_recipients(&identity).unwrap_err().to_string();
        assert!(err.contains("line 3") && !err.contains("AGE-SECRET-KEY-1"), "{err}");
        assert!(load_recipients(&dir.join("missing")).unwrap_err().to_string().contains("cannot read"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
