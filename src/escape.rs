//! Text that came from a migration (a name, a file name, SQLite's message
//! quoting it) made inert for the medium it is printed in: a terminal or a CI
//! log must not receive a control character (a newline that starts a workflow
//! command of its own, an escape sequence that clears the screen or sets the
//! window title). Markdown has its own escaping (report.rs), GitHub's workflow
//! commands theirs (annotation.rs); both start from these.

/// Every control character as a visible escape: `\n`, `\r`, `\t`, `\x1b`, `\u{85}`.
pub fn control(text: &str) -> String {
    escape(text, false)
}

/// As `control`, but a newline stays a newline: for messages made of lines on
/// purpose, whose parts were escaped with `control` where they were made.
pub fn control_keep_lines(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' if keep_lines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(control("t\n::error file=x::y"), "t\\n::error file=x::y");
        assert_eq!(control("\x1b]0;hacked\x07\x1b[2J"), "\\x1b]0;hacked\\x07\\x1b[2J");
        assert_eq!(control("a\u{85}b\u{7f}"), "a\\u{85}b\\x7f");
        assert_eq!(control_keep_lines("one\ntwo\r"), "one\ntwo\\r");
        assert_eq!(control("עברית 🦀 \u{202e}"), "עברית 🦀 \u{202e}", "printable text, any script, is left alone");
    }
}
