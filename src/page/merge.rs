//! Two tabs on the same file share one stored playlist. When one learns that the other wrote
//! (the browser's `storage` event), it merges rather than letting the last writer win: a song
//! either tab added stays, a song either tab removed goes, and the other tab's order leads.

/// The three-way merge of a list: `base` is the stored list both sides last agreed on, `ours`
/// this tab's list now, `theirs` what the other tab stored. Items are told apart by `key`.
pub fn merge<T: Clone, K: PartialEq>(base: &[T], ours: &[T], theirs: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
    let has = |list: &[T], item: &T| list.iter().any(|x| key(x) == key(item));
    let removed_here = |item: &T| has(base, item) && !has(ours, item);
    let mut merged: Vec<T> = theirs.iter().filter(|t| !removed_here(t)).cloned().collect();
    for item in ours {
        if !has(base, item) && !has(&merged, item) {
            merged.push(item.clone());
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::merge;

    fn m(base: &[u32], ours: &[u32], theirs: &[u32]) -> Vec<u32> {
        merge(base, ours, theirs, |x| *x)
    }

    #[test]
    fn additions_and_removals_on_both_sides_survive() {
        // Both tabs started from [1, 2, 3]; this one added 4 and removed 2, the other added 5.
        assert_eq!(m(&[1, 2, 3], &[1, 3, 4], &[1, 2, 3, 5]), [1, 3, 5, 4]);
        // The other removed 1; this one added 1 again? It was in base and is still here: gone.
        assert_eq!(m(&[1, 2], &[1, 2], &[2]), [2]);
        // Both added the same song: once.
        assert_eq!(m(&[], &[7], &[7]), [7]);
        // The other tab cleared the list while this one added a song: the new song stays.
        assert_eq!(m(&[1, 2], &[1, 2, 3], &[]), [3]);
        // Nothing changed here: theirs as it is, in its order.
        assert_eq!(m(&[1, 2], &[1, 2], &[2, 1, 9]), [2, 1, 9]);
    }
}
