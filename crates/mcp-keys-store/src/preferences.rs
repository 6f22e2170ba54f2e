//! The user's preferences (the clipboard delay, for instance): named
//! values, shared by the app and the CLI. Rotation periods have their own
//! table (`rotation.rs`).

use crate::{Error, Store, plaintext};

impl Store {
    /// The value of the preference `name`, when one was set.
    pub async fn preference(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(
            sqlx::query_scalar("SELECT value FROM preferences WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets the preference `name` to `value` (never a key or a token).
    pub async fn set_preference(&self, name: &str, value: &str) -> Result<(), Error> {
        plaintext::ensure_none(value, "a preference")?;
        sqlx::query(
            "INSERT INTO preferences (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
