//! Characters that must never reach a terminal or a label unescaped.

/// Whether `character` could drive a terminal or disguise text: C0 and C1
/// controls and DEL (ESC starts escape and OSC sequences, BEL ends them),
/// and the Unicode bidirectional formatting characters (embeddings,
/// overrides, isolates, marks), which make text read as something else.
/// The key service refuses names holding one; the CLI writes out any it
/// prints from elsewhere.
pub fn is_control_or_bidi(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::is_control_or_bidi;

    #[test]
    fn escapes_controls_and_bidi_overrides_are_caught_and_text_is_not() {
        for bad in [
            '\u{1b}', '\u{7}', '\u{9b}', '\u{7f}', '\u{202e}', '\u{2066}', '\n',
        ] {
            assert!(is_control_or_bidi(bad), "{bad:?}");
        }
        for good in ['a', 'é', '✓', '—', ' ', '日'] {
            assert!(!is_control_or_bidi(good), "{good:?}");
        }
    }
}
