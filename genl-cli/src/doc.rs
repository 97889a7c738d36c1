//! A family's reference in Markdown.
