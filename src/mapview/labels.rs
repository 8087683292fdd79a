//! Cluster names on the map: where each cluster's centre falls in the projection shown, and
//! which names fit without covering one another (the biggest clusters first; zooming in spreads
//! the centres apart, so more names fit).

/// The mean `[x, y]` of each cluster's songs in `xy` (`[x, y]` per song, `labels` the cluster
/// of each song), `None` for a cluster without songs. One pass over the songs.
pub fn centres(xy: &[f32], labels: &[u16], k: usize) -> Vec<Option<(f32, f32)>> {
    let mut sums = vec![(0.0f64, 0.0f64, 0usize); k];
    for (p, &label) in xy.chunks_exact(2).zip(labels) {
        if let Some(s) = sums.get_mut(usize::from(label)) {
            (s.0, s.1, s.2) = (s.0 + f64::from(p[0]), s.1 + f64::from(p[1]), s.2 + 1);
        }
    }
    sums.into_iter().map(|(x, y, n)| (n > 0).then(|| ((x / n as f64) as f32, (y / n as f64) as f32))).collect()
}

/// Longest cluster name drawn on the map and in its legend, in characters: the names say a
/// lot ("very low energy · very acoustic · pop 34% (Classical-like)"), and in full ten of them
/// covered half the map. The cluster table, the inspector and the hover card show them whole.
pub const MAP_NAME_CHARS: usize = 34;

/// `name` cut to at most `max` characters at a word, with "…" (and no dangling " ·"); a name
/// that fits is left alone.
pub fn short_name(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let room: String = name.chars().take(max.saturating_sub(1)).collect();
    let cut = room.rfind(' ').filter(|&i| i > 0).unwrap_or(room.len());
    format!("{}…", room[..cut].trim_end().trim_end_matches(" ·"))
}

/// A label's box on screen: centre, width and height, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl LabelBox {
    fn overlaps(&self, o: &LabelBox) -> bool {
        (self.x - o.x).abs() * 2.0 < self.w + o.w && (self.y - o.y).abs() * 2.0 < self.h + o.h
    }

    fn inside(&self, (left, top, width, height): (f64, f64, f64, f64)) -> bool {
        self.x - self.w / 2.0 >= left
            && self.x + self.w / 2.0 <= left + width
            && self.y - self.h / 2.0 >= top
            && self.y + self.h / 2.0 <= top + height
    }
}

/// Which of `boxes` to draw: taken in `order` (most important first), each kept when it lies
/// inside `area` (left, top, width, height) and covers none kept before it.
pub fn declutter(boxes: &[Option<LabelBox>], order: &[usize], area: (f64, f64, f64, f64)) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    for &i in order {
        let Some(Some(b)) = boxes.get(i) else { continue };
        if b.inside(area) && kept.iter().all(|&j| boxes[j].is_some_and(|o| !b.overlaps(&o))) {
            kept.push(i);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_are_the_mean_of_each_clusters_songs() {
        let xy = [0.0, 0.0, 2.0, 4.0, 10.0, 10.0];
        let c = centres(&xy, &[0, 0, 2], 3);
        assert_eq!(c, vec![Some((1.0, 2.0)), None, Some((10.0, 10.0))]);
        assert_eq!(centres(&xy, &[0, 9, 0], 2)[0], Some((5.0, 5.0)), "a label out of range is skipped");
    }

    #[test]
    fn overlapping_names_give_way_to_bigger_clusters() {
        let b = |x: f64, y: f64| Some(LabelBox { x, y, w: 40.0, h: 10.0 });
        let boxes = [b(50.0, 50.0), b(60.0, 52.0), b(150.0, 50.0), None, b(5.0, 50.0)];
        let area = (0.0, 0.0, 200.0, 100.0);
        assert_eq!(declutter(&boxes, &[1, 0, 2, 3, 4], area), vec![1, 2], "0 covers 1; 4 sticks out");
        assert_eq!(declutter(&boxes, &[0, 1, 2], area), vec![0, 2]);
        // Zoomed in, the same centres lie further apart and both fit.
        let zoomed = [b(50.0, 50.0), b(100.0, 60.0)];
        assert_eq!(declutter(&zoomed, &[1, 0], area), vec![1, 0]);
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        let name = "very low energy · very acoustic · pop 34% (Classical-like)";
        assert_eq!(short_name(name, MAP_NAME_CHARS), "very low energy · very acoustic…");
        assert_eq!(short_name("loud · rock 40%", MAP_NAME_CHARS), "loud · rock 40%");
        assert_eq!(
            short_name("acoustic · sung · country 25% (Folk-like)", MAP_NAME_CHARS),
            "acoustic · sung · country 25%…"
        );
        assert_eq!(short_name("Supercalifragilisticexpialidocious", 10), "Supercali…");
        assert!(short_name(name, MAP_NAME_CHARS).chars().count() <= MAP_NAME_CHARS);
    }
}
