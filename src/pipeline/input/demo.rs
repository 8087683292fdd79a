//! The built-in demo dataset: synthetic songs drawn from the reference project's genre → feature
//! level table, written as CSV in the reference's own schema (so it exercises the real loader).

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::pipeline::analysis::naming::{GenreRow, GENRES};

/// The genre–emotion table (`naming::GENRES`, whose levels the songs are drawn from) says
/// nothing about these five; our own guesses, per genre in its order:
/// Tempo, Loudness, Explicit, Popularity, variance.
const INVENTED: [&str; 15] = [
    "MHLHM", "HHLMM", "MHHHL", "MMLMM", "HHLHH", "MHHHL", "LMMHM", "HHLMM", "LMLMM", "MHMMM", "HHMML", "LLLLH",
    "MLLLM", "MMLMM", "LLLLM",
];

/// Per level (Low, Medium, High): mean, then noise sd and the value range.
struct Scale {
    means: [f64; 3],
    sd: f64,
    range: (f64, f64),
    decimals: i32,
}

const fn scale(means: [f64; 3], sd: f64, range: (f64, f64), decimals: i32) -> Scale {
    Scale { means, sd, range, decimals }
}

/// Scales of the reference dataset: 0–100 integers for percentages, BPM, dB, a float in [-1, 1].
const PERCENT_SCALES: [Scale; 7] = [
    scale([28.0, 55.0, 80.0], 11.0, (0.0, 100.0), 0),
    scale([38.0, 56.0, 74.0], 9.0, (0.0, 100.0), 0),
    scale([27.0, 50.0, 73.0], 13.0, (0.0, 100.0), 0),
    scale([4.0, 11.0, 27.0], 4.0, (2.0, 96.0), 0),
    scale([11.0, 21.0, 42.0], 7.0, (1.0, 100.0), 0),
    scale([10.0, 38.0, 78.0], 11.0, (0.0, 100.0), 0),
    scale([1.0, 14.0, 60.0], 9.0, (0.0, 100.0), 0),
];
const TEMPO: Scale = scale([88.0, 116.0, 146.0], 13.0, (40.0, 210.0), 0);
const LOUDNESS: Scale = scale([-14.5, -8.5, -5.0], 2.2, (-40.0, 3.0), 2);
const POPULARITY: Scale = scale([20.0, 41.0, 63.0], 13.0, (0.0, 100.0), 0);
const VARIANCE: Scale = scale([-0.04, 0.13, 0.31], 0.14, (-1.0, 1.0), 3);
const EXPLICIT_P: [f64; 3] = [0.03, 0.22, 0.58];

const HEADER: &str = "song,artist,genre,variance,Tempo,Loudness,Explicit,Popularity,Energy,Danceability,Positiveness,Speechiness,Liveness,Acousticness,Instrumentalness";

const WORDS_A: [&str; 16] = [
    "Midnight", "Golden", "Electric", "Silent", "Broken", "Neon", "Velvet", "Wild", "Paper", "Crystal", "Summer",
    "Hollow", "Burning", "Distant", "Lonely", "Northern",
];
const WORDS_B: [&str; 16] = [
    "Echo", "Highway", "Heart", "River", "Skyline", "Dream", "Fire", "Garden", "Signal", "Motel", "Ocean", "Parade",
    "Letter", "Mirror", "Thunder", "Waltz",
];

/// Index of an invented level letter (`L`, `M`, `H`) into a scale's means.
fn level(c: u8) -> usize {
    match c {
        b'L' => 0,
        b'M' => 1,
        _ => 2,
    }
}

fn draw(rng: &mut Xoshiro256PlusPlus, s: &Scale, lvl: usize) -> String {
    // sd is a positive constant, so Normal::new cannot fail; fall back to the mean regardless.
    let v = Normal::new(s.means[lvl], s.sd).map(|n| n.sample(rng)).unwrap_or(s.means[lvl]);
    let v = v.clamp(s.range.0, s.range.1);
    format!("{:.*}", s.decimals as usize, v)
}

/// `rows` synthetic songs as CSV text (header included). Same seed → same bytes.
pub fn demo_csv(rows: usize, seed: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = String::with_capacity(rows * 96);
    out.push_str(HEADER);
    out.push('\n');
    for i in 0..rows {
        let g = rng.gen_range(0..GENRES.len());
        out.push_str(&song_line(&mut rng, i, g));
        out.push('\n');
    }
    out
}

fn song_line(rng: &mut Xoshiro256PlusPlus, i: usize, g: usize) -> String {
    let GenreRow { genre, levels, .. } = &GENRES[g];
    let inv = INVENTED[g].as_bytes();
    let title = format!("{} {}", WORDS_A[rng.gen_range(0..16)], WORDS_B[rng.gen_range(0..16)]);
    let artist = format!("{} Artist {}", genre, 1 + i % 40);
    let explicit = if rng.gen_bool(EXPLICIT_P[level(inv[2])]) { "Yes" } else { "No" };
    let mut cells = vec![
        format!("{title} #{}", i + 1),
        artist,
        genre.to_string(),
        draw(rng, &VARIANCE, level(inv[4])),
        draw(rng, &TEMPO, level(inv[0])),
        draw(rng, &LOUDNESS, level(inv[1])),
        explicit.to_string(),
        draw(rng, &POPULARITY, level(inv[3])),
    ];
    for (s, l) in PERCENT_SCALES.iter().zip(levels) {
        cells.push(draw(rng, s, l.rank() as usize));
    }
    cells.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_the_reference_schema() {
        let a = demo_csv(200, 3);
        assert_eq!(a, demo_csv(200, 3));
        assert_ne!(a, demo_csv(200, 4));
        let t = crate::pipeline::input::load::parse_csv(a.as_bytes()).unwrap();
        assert_eq!(t.n_rows(), 200);
        let m = crate::pipeline::input::columns::ColumnMapping::guess(&t.headers);
        assert!(m.missing().is_empty());
        assert!(m.title.is_some() && m.artist.is_some() && m.label.is_some());
    }

    #[test]
    fn genre_levels_show_in_the_values() {
        // Metal is High in Instrumentalness, Pop Low: their means must differ accordingly.
        let t = crate::pipeline::input::load::parse_csv(demo_csv(3000, 1).as_bytes()).unwrap();
        let mean = |genre: &str| {
            let v: Vec<f64> = (0..t.n_rows())
                .filter(|&i| t.cell(i, 2) == genre)
                .map(|i| t.cell(i, 14).parse::<f64>().unwrap())
                .collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        assert!(mean("Metal") > mean("Pop") + 30.0);
    }
}
