//! Evidence: where a fact was printed.

use serde::Serialize;
use utoipa::ToSchema;

/// The source and the verbatim excerpt that printed a fact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Evidence {
    pub source_id: String,
    /// Exactly as it stands in the source text, a substring of it.
    pub excerpt: String,
    /// The excerpt as a reader would quote it: line wraps that the printed
    /// page put inside a word (慢 / 性) are joined.
    pub quote: String,
}

impl Evidence {
    pub fn new(source_id: String, excerpt: String) -> Self {
        let quote = join_line_wraps(&excerpt);
        Self {
            source_id,
            excerpt,
            quote,
        }
    }
}

/// Removes every run of white space that contains a line break.
///
/// An excerpt is one sentence or clause, and Chinese puts no spaces between
/// words, so a line break inside an excerpt can only be the page's wrap.
pub fn join_line_wraps(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = String::new();
    for ch in text.chars() {
        if ch.is_whitespace() {
            pending.push(ch);
            continue;
        }
        if !pending.contains('\n') {
            out.push_str(&pending);
        }
        pending.clear();
        out.push(ch);
    }
    if !pending.contains('\n') {
        out.push_str(&pending);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::join_line_wraps;

    #[test]
    fn page_wrap_inside_a_word_is_joined() {
        assert_eq!(
            join_line_wraps("入选省级慢\n\n性非传染性疾病综合防控示范区"),
            "入选省级慢性非传染性疾病综合防控示范区"
        );
    }

    #[test]
    fn spaces_without_a_line_break_are_kept() {
        assert_eq!(
            join_line_wraps("争当排头兵 打造幸福东昌府"),
            "争当排头兵 打造幸福东昌府"
        );
    }
}
