//! Finding a song by title and artist: case- and accent-insensitive, tolerant of a small typo,
//! ranked so that what a person most likely means comes first. The text is folded once per
//! file (`SearchIndex::new`); a query then scans the folded strings, which takes a few tens of
//! milliseconds for a million songs.

use deunicode::deunicode;
use strsim::damerau_levenshtein;

/// Lower-case ASCII letters and digits, words separated by one space: "Beyoncé — Halo!" →
/// "beyonce halo".
pub fn fold(text: &str) -> String {
    let ascii = deunicode(text).to_lowercase();
    ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Folded "title artist" of each searchable row.
pub struct SearchIndex {
    folded: Vec<String>,
}

/// How well a row matched: lower is better; ties go to the earlier row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// The folded text starts with the whole query.
    Starts,
    /// Every query word starts a word of the text.
    WordPrefixes,
    /// Every query word is found inside the text.
    Contains,
    /// Every query word is found, some with one typo (counted).
    Typos(usize),
}

impl SearchIndex {
    /// `texts[i]` is what row `i` is found by (title and artist).
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        SearchIndex { folded: texts.map(fold).collect() }
    }

    pub fn len(&self) -> usize {
        self.folded.len()
    }

    pub fn is_empty(&self) -> bool {
        self.folded.is_empty()
    }

    /// The rows that match `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let query = fold(query);
        let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(Rank, usize)> = self
            .folded
            .iter()
            .enumerate()
            .filter_map(|(row, text)| rank(text, &query, &words).map(|r| (r, row)))
            .collect();
        hits.sort_unstable();
        hits.into_iter().take(limit).map(|(_, row)| row).collect()
    }
}

fn rank(text: &str, query: &str, words: &[&str]) -> Option<Rank> {
    if text.starts_with(query) {
        return Some(Rank::Starts);
    }
    if !words.iter().all(|w| close_enough(text, w)) {
        return None;
    }
    let text_words: Vec<&str> = text.split(' ').collect();
    if words.iter().all(|w| text_words.iter().any(|t| t.starts_with(w))) {
        return Some(Rank::WordPrefixes);
    }
    let typos = words.iter().filter(|w| !text.contains(**w)).count();
    Some(if typos == 0 { Rank::Contains } else { Rank::Typos(typos) })
}

/// `word` is inside `text`, or (for words of 4 letters or more) one edit away from a word of
/// `text` or from the start of one.
fn close_enough(text: &str, word: &str) -> bool {
    if text.contains(word) {
        return true;
    }
    word.len() >= 4
        && text.split(' ').any(|t| {
            let prefix = t.get(..word.len().min(t.len())).unwrap_or(t);
            damerau_levenshtein(t, word) <= 1 || damerau_levenshtein(prefix, word) <= 1
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let texts = [
            "Halo Beyoncé",
            "Hallelujah Leonard Cohen",
            "Single Ladies (Put a Ring on It) Beyoncé",
            "Hello Adele",
            "Crazy in Love Beyoncé",
            "Ça plane pour moi Plastic Bertrand",
        ];
        SearchIndex::new(texts.into_iter())
    }

    #[test]
    fn folding_drops_case_accents_and_punctuation() {
        assert_eq!(fold("Beyoncé — HALO!"), "beyonce halo");
        assert_eq!(fold("Ça plane pour moi"), "ca plane pour moi");
    }

    #[test]
    fn ranking_prefers_the_start_then_word_starts_then_anywhere() {
        let idx = index();
        assert_eq!(idx.search("hal", 10), vec![0, 1], "both start with 'hal'; earlier row first");
        assert_eq!(idx.search("beyonce", 10), vec![0, 2, 4], "a word start, accents ignored");
        assert_eq!(idx.search("love beyo", 10), vec![4]);
        assert_eq!(idx.search("ca plane", 10), vec![5]);
        assert_eq!(idx.search("ONCE", 10), vec![0, 2, 4], "inside a word");
    }

    #[test]
    fn one_typo_is_forgiven_in_longer_words_and_ranked_last() {
        let idx = index();
        assert_eq!(idx.search("beyonec", 10), vec![0, 2, 4], "a swapped pair of letters");
        assert_eq!(idx.search("adelle", 10), vec![3]);
        assert_eq!(
            idx.search("hello", 10)[0],
            3,
            "the exact match before the near one (hallelujah is not one edit away)"
        );
        assert!(idx.search("xyz", 10).is_empty());
        assert!(idx.search("  ", 10).is_empty());
    }
}
