//! Finding a song by title and artist: case- and accent-insensitive, tolerant of a small typo,
//! ranked so that what a person most likely means comes first. The text is folded once per
//! file (`SearchIndex::new`); a query then scans the folded strings, which takes a few tens of
//! milliseconds for a million songs.

use deunicode::deunicode;

use crate::pipeline::input::load::Table;

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
    /// The index of a run's songs: the title and artist cells of each of `rows` (table rows).
    pub fn of_rows(table: &Table, title: Option<usize>, artist: Option<usize>, rows: &[usize]) -> Self {
        let cell = |row: usize, column: Option<usize>| column.map_or("", |c| table.cell(row, c));
        let texts: Vec<String> = rows.iter().map(|&r| format!("{} {}", cell(r, title), cell(r, artist))).collect();
        SearchIndex::new(texts.iter().map(String::as_str))
    }

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
    if words.iter().all(|w| text.split(' ').any(|t| t.starts_with(w))) {
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
    let w = word.as_bytes();
    w.len() >= 4
        && text.split(' ').map(str::as_bytes).any(|t| {
            within_one_edit(t, w)
                || (t.len() > w.len() && within_one_edit(&t[..w.len()], w))
                || (t.len() > w.len() + 1 && within_one_edit(&t[..w.len() + 1], w))
        })
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of two
/// neighbours. Written out rather than computing a full edit distance (strsim) because it runs
/// on every word of every song for a query with a typo: this is O(length) and allocates
/// nothing: a search over 1M songs went from 1.3–1.7 s to 57–73 ms (native, `make bench-find`).
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if i == a.len() && i == b.len() {
        return true;
    }
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            a[i + 1..] == b[i + 1..]
                || (i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..])
        }
        std::cmp::Ordering::Greater => a[i + 1..] == b[i..],
        std::cmp::Ordering::Less => a[i..] == b[i + 1..],
    }
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
    fn one_edit_means_one_insertion_deletion_substitution_or_swap() {
        let one = |a: &str, b: &str| within_one_edit(a.as_bytes(), b.as_bytes());
        assert!(one("midnight", "midnight"));
        assert!(one("midnight", "midnigth"), "swap");
        assert!(!one("midnight", "midnite"), "two edits");
        assert!(one("midnight", "midnigh"), "deletion");
        assert!(one("midnigh", "midnight"), "insertion");
        assert!(one("midnight", "midnaght"), "substitution");
        assert!(!one("midnight", "mdinihgt"));
        assert!(!one("abc", "abcde"));
        assert!(one("", "a"));
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
