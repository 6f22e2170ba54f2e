//! Commands the product suggests, quoted for a POSIX shell, so that a path
//! holding a quote, `$(…)`, a space or a newline stays one word and runs
//! nothing when a person pastes the command.

/// `word` as one POSIX shell word: single-quoted, with each `'` closed,
/// escaped and reopened. Inside single quotes nothing is special, newlines
/// included.
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn a_word_with_quotes_and_substitutions_stays_one_inert_word() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(touch x)\n`y`"), "'$(touch x)\n`y`'");
    }
}
