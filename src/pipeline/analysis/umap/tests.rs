use super::*;
use crate::pipeline::analysis::kd_tree::squared_distance;
use crate::pipeline::analysis::map_quality::map_quality;
use rand_distr::StandardNormal;

const DIM: usize = 6;

/// `per` points around each of three centres 10 apart in 6-d (unit spread), interleaved; labels.
fn blobs(per: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
    let centres = [[0.0f32; DIM], [10.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 10.0, 0.0, 0.0, 0.0, 0.0]];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (mut points, mut labels) = (Vec::new(), Vec::new());
    for k in 0..3 * per {
        points.extend(centres[k % 3].iter().map(|c| c + rng.sample::<f32, _>(StandardNormal)));
        labels.push(k % 3);
    }
    (points, labels)
}

fn options(seed: u64, epochs: usize) -> UmapOptions {
    UmapOptions { seed, epochs: Some(epochs), ..UmapOptions::default() }
}

fn nearest_on(map: &[f32], dim: usize, i: usize, k: usize) -> Vec<usize> {
    let n = map.len() / dim;
    let row = |r: usize| &map[r * dim..(r + 1) * dim];
    let mut all: Vec<(f32, usize)> =
        (0..n).filter(|&j| j != i).map(|j| (squared_distance(row(i), row(j)), j)).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all.into_iter().take(k).map(|(_, j)| j).collect()
}

#[test]
fn the_curve_matches_umap_learns() {
    // umap-learn's find_ab_params: min_dist 0.1 → (1.577, 0.895); 0.001 → (1.929, 0.791)
    for (min_dist, a, b) in [(0.1f32, 1.577f32, 0.895f32), (0.001, 1.929, 0.791)] {
        let (fa, fb) = fit_curve(min_dist);
        assert!((fa - a).abs() < 0.05 && (fb - b).abs() < 0.02, "min_dist {min_dist}: a {fa}, b {fb}");
    }
    let (wide_a, wide_b) = fit_curve(0.9);
    assert!(wide_a.is_finite() && wide_b.is_finite() && wide_a > 0.0 && wide_b > 0.0);
    assert!(wide_a < fit_curve(0.1).0, "a wider minimum distance flattens the curve's start");
}

#[test]
fn the_fast_power_is_close_to_powf() {
    let mut worst = 0.0f32;
    for i in 0..20_000 {
        let x = 10f32.powf(-6.0 + 12.0 * i as f32 / 20_000.0);
        for y in [0.5f32, 0.79, 0.895, 1.0, 1.33, 2.0, -0.105] {
            let exact = x.powf(y);
            worst = worst.max(((fast_pow(x, y) - exact) / exact).abs());
        }
    }
    assert!(worst < 5e-4, "worst relative error {worst}");
    assert!(fast_pow(0.0, 0.9).is_finite() && fast_pow(f32::MAX, 0.9).is_finite());
}

#[test]
fn separates_three_blobs() {
    let (points, labels) = blobs(150, 1);
    let n = labels.len();
    let map = Umap::new(&points, DIM, options(7, 200)).run_to_end(&points, DIM);
    assert_eq!(map.len(), 2 * n);
    assert!(map.iter().all(|v| v.is_finite()));
    let same = (0..n).filter(|&i| labels[nearest_on(&map, 2, i, 1)[0]] == labels[i]).count();
    assert!(same as f32 >= 0.98 * n as f32, "{same} of {n} nearest on the map in the same blob");
}

#[test]
fn same_seed_same_map() {
    let (points, _) = blobs(60, 2);
    let first = Umap::new(&points, DIM, options(3, 60)).run_to_end(&points, DIM);
    assert_eq!(first, Umap::new(&points, DIM, options(3, 60)).run_to_end(&points, DIM));
    assert_ne!(first, Umap::new(&points, DIM, options(4, 60)).run_to_end(&points, DIM));
    let wider = UmapOptions { min_dist: 0.8, ..options(3, 60) };
    assert_ne!(first, Umap::new(&points, DIM, wider).run_to_end(&points, DIM));
}

/// Points on a curved 2-d sheet in 6-d: what UMAP should unfold.
fn sheet(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .flat_map(|_| {
            let (u, v) = (rng.gen_range(0.0f32..6.0), rng.gen_range(0.0f32..3.0));
            [u.cos() * u, v, u.sin() * u, 0.3 * v * u.cos(), 0.1 * rng.gen_range(-1.0f32..1.0), 0.5 * v]
        })
        .collect()
}

#[test]
fn keeps_neighbourhoods_measured_against_a_brute_force_oracle() {
    let points = sheet(2_000, 5);
    let n = points.len() / DIM;
    let umap_run = {
        let mut u = Umap::new(&points, DIM, options(11, 200));
        while u.progress().0 == Stage::Neighbours {
            u.work();
        }
        // The graph's neighbours are the exact ones.
        for i in (0..n).step_by(97) {
            let found: Vec<usize> = u.knn[i].iter().map(|&(_, j)| j as usize).collect();
            let brute = nearest_on(&points, DIM, i, DEFAULT_NEIGHBOURS - 1);
            let d = |j: usize| squared_distance(&points[i * DIM..(i + 1) * DIM], &points[j * DIM..(j + 1) * DIM]);
            assert_eq!(
                found.iter().map(|&j| d(j)).collect::<Vec<_>>(),
                brute.iter().map(|&j| d(j)).collect::<Vec<_>>()
            );
        }
        u
    };
    let map = umap_run.run_to_end(&points, DIM);
    let queries: Vec<usize> = (0..n).step_by(7).collect();
    let kept: f64 = queries
        .iter()
        .map(|&i| {
            let (code, on_map) = (nearest_on(&points, DIM, i, 10), nearest_on(&map, 2, i, 10));
            code.iter().filter(|c| on_map.contains(c)).count() as f64 / 10.0
        })
        .sum::<f64>()
        / queries.len() as f64;
    assert!(kept >= 0.5, "UMAP kept {kept:.2} of each point's 10 nearest (chance {:.3})", 10.0 / n as f64);
    let pca = crate::pipeline::analysis::project::pca_2d(&points, DIM);
    let measured = map_quality(&points, DIM, &map).map(|q| q.share).unwrap_or(0.0);
    let pca_measured = map_quality(&points, DIM, &pca).map(|q| q.share).unwrap_or(1.0);
    assert!(measured > pca_measured, "UMAP {measured} against PCA {pca_measured}");
    assert!((f64::from(measured) - kept).abs() < 0.1, "the page's measure {measured} and the oracle's {kept}");
}

#[test]
fn works_in_stages_with_progress() {
    let (points, _) = blobs(1_000, 3);
    let mut u = Umap::new(&points, DIM, options(1, 20));
    let mut seen = vec![u.progress()];
    while !u.is_done() {
        u.work();
        seen.push(u.progress());
    }
    assert_eq!(seen[0], (Stage::Neighbours, 0, 3_000));
    assert!(seen.contains(&(Stage::Neighbours, 2_000, 3_000)));
    assert!(seen.contains(&(Stage::Graph, 0, 1)));
    assert_eq!(seen.iter().filter(|p| p.0 == Stage::Epochs).count(), 20);
    assert_eq!(*seen.last().unwrap(), (Stage::Done, 20, 20));
    assert_eq!(u.work(), Stage::Done, "nothing more to do");
    let mut sliced = vec![0.0; 2 * 3_000];
    for start in (0..3_000).step_by(700) {
        let end = (start + 700).min(3_000);
        u.place_rows(&points, DIM, start..end, &mut sliced[2 * start..2 * end]);
    }
    assert_eq!(sliced, u.run_to_end(&points, DIM));
}

#[test]
fn above_the_limit_fits_a_sample_and_places_the_rest() {
    let (points, labels) = blobs((FIT_ALL_UP_TO + 3) / 3 + 1, 13);
    let n = labels.len();
    assert!(n > FIT_ALL_UP_TO);
    let u = Umap::new(&points, DIM, options(5, 30));
    let sample = u.sample_rows().to_vec();
    assert_eq!(sample.len(), FIT_SAMPLE);
    assert!(sample.windows(2).all(|w| w[0] < w[1]) && sample.last().is_some_and(|&r| r < n));
    let map = u.run_to_end(&points, DIM);
    assert!(map.iter().all(|v| v.is_finite()));
    // Placed rows land nearer their own blob's sampled rows than the others'.
    let sampled = |i: usize| sample.binary_search(&i).is_ok();
    let mut centre = [(0.0f64, 0.0f64, 0usize); 3];
    for i in (0..n).filter(|&i| sampled(i)) {
        let c = &mut centre[labels[i]];
        *c = (c.0 + f64::from(map[2 * i]), c.1 + f64::from(map[2 * i + 1]), c.2 + 1);
    }
    let centre = centre.map(|(x, y, c)| (x / c as f64, y / c as f64));
    let d = |i: usize, c: (f64, f64)| (f64::from(map[2 * i]) - c.0).hypot(f64::from(map[2 * i + 1]) - c.1);
    let others: Vec<usize> = (0..n).filter(|&i| !sampled(i)).step_by(50).collect();
    let home =
        others.iter().filter(|&&i| (0..3).all(|b| b == labels[i] || d(i, centre[labels[i]]) < d(i, centre[b]))).count();
    assert!(home as f32 >= 0.98 * others.len() as f32, "{home} of {} placed rows nearest their blob", others.len());
}

#[test]
fn tiny_and_degenerate_inputs_give_finite_maps() {
    let cases: Vec<(Vec<f32>, usize, usize)> = vec![
        (vec![], DIM, 0),
        (vec![0.5; DIM], DIM, 1),
        (vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0], DIM, 2),
        (vec![1.5; 40 * DIM], DIM, 40),
        (vec![f32::NAN, 1.0, f32::INFINITY, 2.0, 3.0, 4.0, 1.0, 2.0], 2, 4),
        (vec![1.0, 2.0, 3.0], 0, 0),
        (vec![1.0, 2.0, 3.0], 1, 3),
        ([1e30, -3e38, 1e30, 0.0, 2.0, -1e20, 0.0, 1.0].repeat(3), 2, 12),
    ];
    for (points, dim, n) in cases {
        for neighbours in [2, 15, 500] {
            let o = UmapOptions { neighbours, min_dist: f32::NAN, ..options(1, 50) };
            let map = Umap::new(&points, dim, o).run_to_end(&points, dim);
            assert_eq!(map.len(), 2 * n, "{n} rows of {dim}");
            assert!(map.iter().all(|v| v.is_finite()), "{n} rows of {dim}, {neighbours} neighbours: {map:?}");
        }
    }
    let clamped = UmapOptions { neighbours: 1, min_dist: 5.0, ..UmapOptions::default() }.clamped();
    assert_eq!((clamped.neighbours, clamped.min_dist), (NEIGHBOURS_RANGE.0, MIN_DIST_RANGE.1));
    assert_eq!(rows_fitted(1_000_000), FIT_SAMPLE);
}

/// Native timings: `cargo test --release --lib pipeline::analysis::umap -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings() {
    for n in [39_280usize, 100_000] {
        let points = sheet(n, 23);
        let started = std::time::Instant::now();
        let mut u = Umap::new(&points, DIM, UmapOptions::default());
        let mut marks = Vec::new();
        let mut last = u.progress().0;
        while !u.is_done() {
            u.work();
            if u.progress().0 != last {
                marks.push(format!("{last:?} {:?}", started.elapsed()));
                last = u.progress().0;
            }
        }
        let edges = u.graph.head.len();
        let per_epoch: f32 = u.graph.every.iter().map(|e| 1.0 / e).sum();
        println!("{per_epoch} positive samples an epoch");
        let map = u.run_to_end(&points, DIM);
        println!("UMAP {n} rows: {} edges, {marks:?}, all {:?}", edges, started.elapsed());
        assert!(map.iter().all(|v| v.is_finite()));
    }
}
