//! Input checks shared by every operation. Each failure names the field and the fix.

use crate::error::{HubError, HubResult};

/// Upper bounds on user text, in characters.
pub mod limits {
    pub const NAME: usize = 64;
    pub const TITLE: usize = 200;
    pub const DESCRIPTION: usize = 20_000;
    pub const DOC: usize = 200_000;
    pub const SUMMARY: usize = 20_000;
    pub const ROLE: usize = 200;
    pub const CAPABILITIES: usize = 100;
    pub const CAPABILITY_NAME: usize = 100;
    pub const CAPABILITY_DESC: usize = 500;
    pub const CONTEXT_KEY: usize = 128;
    pub const CONTEXT_VALUE_BYTES: usize = 64 * 1024;
    pub const MEMORY_KEY: usize = 200;
    pub const MEMORY_VALUE: usize = 20_000;
    pub const MESSAGE: usize = 20_000;
    pub const QUERY: usize = 200;
    pub const NOTE: usize = 2_000;
    /// Largest page any list returns.
    pub const PAGE: u32 = 200;
}

/// A name used in URLs and task routing: lowercase letters, digits, `-`, `_`, 1–64 chars.
pub fn slug(field: &str, value: &str) -> HubResult<()> {
    let ok = !value.is_empty()
        && value.len() <= limits::NAME
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(HubError::validation(
            field,
            format!(
                "invalid {field} '{}': use 1-64 lowercase letters, digits, '-' or '_' (e.g. kaoru-bot)",
                clip(value, 80)
            ),
        ))
    }
}

/// A project's task prefix: 2–6 uppercase ASCII letters.
pub fn project_key(value: &str) -> HubResult<()> {
    if (2..=6).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(HubError::validation(
            "key",
            format!(
                "invalid key '{}': use 2-6 uppercase letters (e.g. KB)",
                clip(value, 20)
            ),
        ))
    }
}

/// Checks length (in characters) and, when `required`, that the text is not blank.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> HubResult<()> {
    if required && value.trim().is_empty() {
        return Err(HubError::validation(
            field,
            format!("{field} must not be empty"),
        ));
    }
    let n = value.chars().count();
    if n > max {
        return Err(HubError::validation(
            field,
            format!("{field} is too long ({n} characters; the limit is {max}); shorten it"),
        ));
    }
    Ok(())
}

/// Validates an optional page size, returning the default when absent.
pub fn limit(value: Option<u32>, default: u32) -> HubResult<i64> {
    match value {
        None => Ok(default as i64),
        Some(n) if (1..=limits::PAGE).contains(&n) => Ok(n as i64),
        Some(n) => Err(HubError::validation(
            "limit",
            format!("limit {n} is out of range; use 1 to {}", limits::PAGE),
        )),
    }
}

/// Derives a task key from a project name: initials of its words (`kaoru-bot` → `KB`),
/// or the first three letters of a single word (`website` → `WEB`).
pub fn derive_key(name: &str) -> String {
    let words: Vec<String> = name
        .split(['-', '_'])
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let key: String = if words.len() >= 2 {
        words
            .iter()
            .filter_map(|w| w.chars().next())
            .take(6)
            .collect()
    } else {
        words
            .first()
            .map(|w| w.chars().take(3).collect())
            .unwrap_or_default()
    };
    let mut key = key.to_ascii_uppercase();
    while key.len() < 2 {
        key.push('X');
    }
    key
}

/// Shortens text for inclusion in an error message.
pub fn clip(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(max).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(slug("name", "kaoru-bot").is_ok());
        assert!(slug("name", "a_1").is_ok());
        assert!(slug("name", "").is_err());
        assert!(slug("name", "Kaoru").is_err());
        assert!(slug("name", "a b").is_err());
        assert!(slug("name", &"a".repeat(65)).is_err());
        assert_eq!(slug("name", "A").unwrap_err().field(), Some("name"));
    }

    #[test]
    fn keys() {
        assert_eq!(derive_key("kaoru-bot"), "KB");
        assert_eq!(derive_key("website"), "WEB");
        assert_eq!(derive_key("a"), "AX");
        assert_eq!(derive_key("42"), "XX");
        assert_eq!(derive_key("a-b-c-d-e-f-g"), "ABCDEF");
        assert!(project_key("KB").is_ok());
        assert!(project_key("K").is_err());
        assert!(project_key("kb").is_err());
        assert!(project_key("ABCDEFG").is_err());
    }

    #[test]
    fn texts_and_limits() {
        assert!(text("title", "  ", 10, true).is_err());
        assert!(text("title", "", 10, false).is_ok());
        assert!(text("title", "ééééé", 5, true).is_ok());
        assert!(text("title", "éééééé", 5, true).is_err());
        assert_eq!(limit(None, 50).unwrap(), 50);
        assert!(limit(Some(0), 50).is_err());
        assert!(limit(Some(201), 50).is_err());
    }
}
