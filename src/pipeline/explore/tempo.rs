//! Tempo windows as DJs use them: a song at 70 BPM mixes with one at 140 (half and double tempo
//! count as close), so "within 8% of 128 BPM" accepts 118–138, 59–69 and 236–276.

use serde::{Deserialize, Serialize};

/// A tempo and how far from it (in percent) a song may be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TempoWindow {
    pub bpm: f32,
    pub percent: f32,
}

impl TempoWindow {
    /// `bpm`, or half or double it, is within the window. A tempo of 0 or less (missing, or
    /// not measured) is never close.
    pub fn holds(self, bpm: f32) -> bool {
        close(self.bpm, bpm, self.percent)
    }

    pub fn words(self) -> String {
        format!("tempo within {}% of {:.0} BPM (half and double tempo count)", trim(self.percent), self.bpm)
    }
}

/// `b` (or half or double `b`) lies within `percent`% of `a`.
pub fn close(a: f32, b: f32, percent: f32) -> bool {
    if !(a > 0.0 && b > 0.0 && percent >= 0.0) {
        return false;
    }
    let limit = a * percent / 100.0;
    [b, 2.0 * b, 0.5 * b].iter().any(|x| (x - a).abs() <= limit)
}

fn trim(v: f32) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_and_double_tempo_count_as_close() {
        let w = TempoWindow { bpm: 128.0, percent: 8.0 };
        assert!(w.holds(128.0) && w.holds(118.0) && w.holds(138.0));
        assert!(!w.holds(117.0) && !w.holds(139.0));
        assert!(w.holds(64.0) && w.holds(60.0) && w.holds(256.0) && w.holds(270.0));
        assert!(!w.holds(96.0) && !w.holds(190.0));
        assert!(!w.holds(0.0) && !w.holds(-5.0) && !w.holds(f32::NAN));
        assert_eq!(w.words(), "tempo within 8% of 128 BPM (half and double tempo count)");
        assert_eq!(TempoWindow { bpm: 90.4, percent: 2.5 }.words(), "tempo within 2.5% of 90 BPM (half and double tempo count)");
    }
}
