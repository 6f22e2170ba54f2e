//! The events Rust pushes to the UI (`app.emit`), named once: the UI's
//! listeners take the generated `AppEvent` type, so a misspelt name fails to
//! compile there.

use serde::Serialize;
use ts_rs::TS;

/// An event the app emits; its serialized form is the event's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub enum AppEvent {
    /// An IDE config the app watches was written (no payload): scan again.
    #[serde(rename = "ide://configs-changed")]
    IdeConfigsChanged,
    /// A reminder's notification was clicked: open this key with Roll ready
    /// (payload: `ReminderOpen`).
    #[serde(rename = "reminder://open")]
    ReminderOpen,
    /// How many keys are due now changed (payload: the count).
    #[serde(rename = "reminder://changed")]
    RemindersChanged,
    /// The pending OAuth authorization requests changed: one arrived, or
    /// one was decided or expired (payload: every `PendingAuthorization`).
    #[serde(rename = "oauth://requests")]
    AuthorizationsChanged,
    /// A client-log notification was clicked: open the IDEs page at its
    /// finding (payload: `FindingOpen`).
    #[serde(rename = "ide://open-finding")]
    IdeFindingOpen,
}

impl AppEvent {
    /// The event's name, as `emit` and the UI's `listen` take it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::IdeConfigsChanged => "ide://configs-changed",
            Self::ReminderOpen => "reminder://open",
            Self::RemindersChanged => "reminder://changed",
            Self::AuthorizationsChanged => "oauth://requests",
            Self::IdeFindingOpen => "ide://open-finding",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppEvent;

    #[test]
    fn each_event_is_emitted_under_the_name_typescript_listens_for() {
        for event in [
            AppEvent::IdeConfigsChanged,
            AppEvent::ReminderOpen,
            AppEvent::RemindersChanged,
            AppEvent::AuthorizationsChanged,
            AppEvent::IdeFindingOpen,
        ] {
            assert_eq!(
                serde_json::to_value(event).ok(),
                Some(serde_json::Value::from(event.name()))
            );
        }
    }
}
