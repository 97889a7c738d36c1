//! Text helpers of the Markdown reference: doc cleanup, anchors, escaping.

/// Splits a spec `doc` text into paragraphs: blank lines separate
/// paragraphs, wrapped lines are joined with a space, and a line that starts
/// a list item (`-`, `*`, `1.`) stays on a line of its own.
pub(crate) fn paragraphs(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in doc.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(if starts_list_item(line) { '\n' } else { ' ' });
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn starts_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with(". ")
}

/// A doc text as Markdown blocks: paragraphs separated by blank lines.
pub(crate) fn block(doc: &str) -> String {
    paragraphs(doc).join("\n\n")
}

/// A doc text on one line, for a table cell: paragraphs and list items are
/// separated by `<br>`, and `|` is escaped.
pub(crate) fn cell(doc: &str) -> String {
    escape_cell(&paragraphs(doc).join("<br><br>").replace('\n', "<br>"))
}

/// Escapes the characters that would end or break a table cell.
pub(crate) fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// An HTML id made of a kind and spec names: ASCII letters and digits,
/// `-`, `_` and `.` are kept, anything else becomes `-`.
pub(crate) fn anchor(kind: &str, names: &[&str]) -> String {
    let mut id = String::from(kind);
    for (i, name) in names.iter().enumerate() {
        id.push(if i == 0 { '-' } else { '.' });
        id.extend(name.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        }));
    }
    id
}

/// A Markdown link to an anchor with the name shown as code.
pub(crate) fn link(name: &str, anchor: &str) -> String {
    format!("[`{name}`](#{anchor})")
}

/// A Markdown table: a header row, a separator and the rows, each cell
/// already escaped.
pub(crate) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::from("|");
        for c in cells {
            s.push(' ');
            s.push_str(c);
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    out.push_str(&line(&mut header.iter().copied()));
    out.push_str(&line(&mut header.iter().map(|_| "---")));
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_join_and_blank_lines_split() {
        let doc = "  First line\n  continues here.\n\n  Second paragraph.\n";
        assert_eq!(
            paragraphs(doc),
            ["First line continues here.", "Second paragraph."]
        );
    }

    #[test]
    fn list_items_keep_their_lines() {
        let doc = "Modes:\n- one\n- two\n  wrapped\n1. first\n";
        assert_eq!(paragraphs(doc), ["Modes:\n- one\n- two wrapped\n1. first"]);
        assert_eq!(cell(doc), "Modes:<br>- one<br>- two wrapped<br>1. first");
    }

    #[test]
    fn table_cells_escape_pipes() {
        assert_eq!(cell("a | b\n\nc"), "a \\| b<br><br>c");
        let mut out = String::new();
        table(
            &mut out,
            &["A", "B"],
            &[vec!["x \\| y".into(), String::new()]],
        );
        assert_eq!(out, "| A | B |\n| --- | --- |\n| x \\| y |  |\n\n");
    }

    #[test]
    fn anchors_keep_names_readable() {
        assert_eq!(anchor("set", &["ctrl-attrs"]), "set-ctrl-attrs");
        assert_eq!(anchor("attr", &["dev", "if_index"]), "attr-dev.if_index");
        assert_eq!(anchor("def", &["A b/c"]), "def-a-b-c");
    }
}
