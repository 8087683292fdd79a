//! A free-form selection on the map: the songs inside a polygon drawn with the pointer, and how
//! a new lasso combines with the selection already made (replace, add with Shift, remove with Alt).

use super::index::GridIndex;

/// Whether `(x, y)` lies inside the polygon `points` (even–odd rule; the polygon closes itself).
pub fn inside(points: &[(f32, f32)], (x, y): (f32, f32)) -> bool {
    let mut inside = false;
    let n = points.len();
    for i in 0..n {
        let (xi, yi) = points[i];
        let (xj, yj) = points[(i + n - 1) % n];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

/// The songs (rows of `xy`) inside the polygon, ascending: the index narrows them to the
/// polygon's bounding box first, so a lasso over a million songs tests only those near it.
pub fn songs_inside(index: &GridIndex, xy: &[f32], polygon: &[(f32, f32)]) -> Vec<usize> {
    if polygon.len() < 3 {
        return Vec::new();
    }
    let fold =
        |f: fn(f32, f32) -> f32, pick: fn(&(f32, f32)) -> f32, start: f32| polygon.iter().map(pick).fold(start, f);
    let (x0, x1) = (fold(f32::min, |p| p.0, f32::INFINITY), fold(f32::max, |p| p.0, f32::NEG_INFINITY));
    let (y0, y1) = (fold(f32::min, |p| p.1, f32::INFINITY), fold(f32::max, |p| p.1, f32::NEG_INFINITY));
    let candidates = index.within(xy, (x0, y0), (x1, y1));
    candidates.into_iter().filter(|&s| inside(polygon, (xy[2 * s], xy[2 * s + 1]))).collect()
}

/// How a new lasso changes the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    Replace,
    Add,
    Remove,
}

/// `selected` and `new` are ascending rows; so is the result.
pub fn combine(selected: &[usize], new: &[usize], how: Combine) -> Vec<usize> {
    match how {
        Combine::Replace => new.to_vec(),
        Combine::Add => {
            let mut all: Vec<usize> = selected.iter().chain(new).copied().collect();
            all.sort_unstable();
            all.dedup();
            all
        }
        Combine::Remove => selected.iter().copied().filter(|s| new.binary_search(s).is_err()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_inside_a_concave_polygon() {
        // A "U": the notch at the top middle is outside.
        let u = [(0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (2.0, 3.0), (2.0, 1.0), (1.0, 1.0), (1.0, 3.0), (0.0, 3.0)];
        assert!(inside(&u, (0.5, 2.0)));
        assert!(inside(&u, (2.5, 2.5)));
        assert!(!inside(&u, (1.5, 2.0)), "the notch");
        assert!(!inside(&u, (4.0, 1.0)));
    }

    #[test]
    fn the_lasso_finds_the_songs_inside_and_combines_with_the_selection() {
        let xy = [0.5, 2.0, 1.5, 2.0, 2.5, 2.5, 9.0, 9.0];
        let index = GridIndex::build(&xy);
        let u = [(0.0, 0.0), (3.0, 0.0), (3.0, 3.0), (2.0, 3.0), (2.0, 1.0), (1.0, 1.0), (1.0, 3.0), (0.0, 3.0)];
        assert_eq!(songs_inside(&index, &xy, &u), vec![0, 2]);
        assert!(songs_inside(&index, &xy, &u[..2]).is_empty(), "a line selects nothing");
        assert_eq!(combine(&[0, 3], &[2], Combine::Add), vec![0, 2, 3]);
        assert_eq!(combine(&[0, 2, 3], &[0, 2], Combine::Remove), vec![3]);
        assert_eq!(combine(&[0, 3], &[2], Combine::Replace), vec![2]);
    }
}
