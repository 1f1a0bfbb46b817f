//! Rebuilds the binary when a migration is added: `sqlx::migrate!` embeds the
//! migrations directory, which cargo would not otherwise watch (sqlx's advice).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
