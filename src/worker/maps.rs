//! The maps made on request, t-SNE and UMAP, in slices of about 50 ms: the method's own steps
//! first, then the songs outside its sample placed among their nearest sampled songs. Progress
//! reaches the page and Cancel is honoured between slices.

use std::ops::Range;

use super::session::LaidOut;
use super::{cancelled, fail_task, now_ms, post, run_busy, with_run, yield_now, Outcome};

use crate::pipeline::analysis::map_quality::map_quality;
use crate::pipeline::analysis::tsne::{clamp_perplexity, Tsne, TsneOptions};
use crate::pipeline::analysis::umap::{Umap, UmapOptions};
use crate::pipeline::params::Projection;
use crate::protocol::{Event, Task, TaskProgress};

const TSNE_STAGE: &str = "Computing the t-SNE map";
const UMAP_STAGE: &str = "Computing the UMAP map";
const SLICE_MS: f64 = 50.0;
/// Songs placed between checks of the clock.
const PLACE_CHUNK: usize = 20_000;

/// What both methods' runs need: the points clustered, their width, the run they belong to.
struct Input {
    run: u64,
    points: Vec<f32>,
    dim: usize,
    seed: u64,
}

fn input(stage: &str, no_run: &'static str) -> Option<Input> {
    let run = super::last_id();
    with_run(stage, no_run, |_, l| {
        Ok(Input { run, points: l.analysis.points.clone(), dim: l.analysis.point_dim, seed: l.params.seed })
    })
}

pub(super) fn spawn_tsne(perplexity: f32) {
    run_busy(async move {
        if let Err(message) = tsne(perplexity).await {
            fail_task(Task::Tsne, TSNE_STAGE, message);
        }
    });
}

pub(super) fn spawn_umap(options: UmapOptions) {
    run_busy(async move {
        if let Err(message) = umap(options.clamped()).await {
            fail_task(Task::Umap, UMAP_STAGE, message);
        }
    });
}

/// `Ok(false)` when the person cancelled (and was told so).
async fn between_slices(task: Task, progress: TaskProgress) -> bool {
    post(&Event::Progress(progress));
    yield_now().await;
    if cancelled() {
        post(&Event::Cancelled { task });
        return false;
    }
    true
}

async fn tsne(perplexity: f32) -> Outcome<()> {
    let Some(input) = input(TSNE_STAGE, "Train a model first: t-SNE lays out its codes.") else { return Ok(()) };
    post(&Event::Stage { task: Task::Tsne, step: TSNE_STAGE.into() });
    yield_now().await;
    let options = TsneOptions { perplexity: clamp_perplexity(perplexity), ..TsneOptions::default() };
    let mut tsne = Tsne::new(&input.points, input.dim, input.seed, options);
    let total = tsne.total();
    while tsne.done() < total {
        let start = now_ms();
        while tsne.done() < total && now_ms() - start < SLICE_MS {
            tsne.step(5);
        }
        let progress = TaskProgress::Tsne { phase: "iterations".into(), done: tsne.done(), total };
        if !between_slices(Task::Tsne, progress).await {
            return Ok(());
        }
    }
    let place = |rows: Range<usize>, out: &mut [f32]| tsne.place_rows(&input.points, input.dim, rows, out);
    let progress = |done, total| TaskProgress::Tsne { phase: "songs placed".into(), done, total };
    let Some(xy) = place_all(&input, Task::Tsne, place, progress).await else { return Ok(()) };
    finish(&input, Projection::Tsne, xy, tsne.sample_rows().len())
}

async fn umap(options: UmapOptions) -> Outcome<()> {
    let Some(input) = input(UMAP_STAGE, "Train a model first: UMAP lays out its codes.") else { return Ok(()) };
    post(&Event::Stage { task: Task::Umap, step: UMAP_STAGE.into() });
    yield_now().await;
    let mut umap = Umap::new(&input.points, input.dim, options);
    while !umap.is_done() {
        let start = now_ms();
        while !umap.is_done() && now_ms() - start < SLICE_MS {
            umap.work();
        }
        // Done reads as the epochs, all of them run.
        let (stage, done, total) = umap.progress();
        let progress = TaskProgress::Umap { phase: stage.describe().into(), done, total };
        if !between_slices(Task::Umap, progress).await {
            return Ok(());
        }
    }
    let place = |rows: Range<usize>, out: &mut [f32]| umap.place_rows(&input.points, input.dim, rows, out);
    let progress = |done, total| TaskProgress::Umap { phase: "songs placed".into(), done, total };
    let Some(xy) = place_all(&input, Task::Umap, place, progress).await else { return Ok(()) };
    finish(&input, Projection::Umap, xy, umap.sample_rows().len())
}

/// Every song's place, in chunks with progress between them; `None` when cancelled.
async fn place_all(
    input: &Input,
    task: Task,
    place: impl Fn(Range<usize>, &mut [f32]),
    progress: impl Fn(usize, usize) -> TaskProgress,
) -> Option<Vec<f32>> {
    let n = input.points.len() / input.dim.max(1);
    let mut xy = vec![0.0f32; 2 * n];
    let mut placed = 0;
    while placed < n {
        let end = (placed + PLACE_CHUNK).min(n);
        place(placed..end, &mut xy[2 * placed..2 * end]);
        placed = end;
        if !between_slices(task, progress(placed, n)).await {
            return None;
        }
    }
    Some(xy)
}

/// Measures the map and offers it, only if the run is still the one it was computed for.
fn finish(input: &Input, projection: Projection, xy: Vec<f32>, sample: usize) -> Outcome<()> {
    let quality = map_quality(&input.points, input.dim, &xy);
    super::offer_map(input.run, projection, LaidOut { xy, sample, quality })
}
