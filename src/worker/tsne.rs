//! The t-SNE map, in slices of about 50 ms: iterations first, then the songs outside the sample
//! placed among their nearest sampled songs. Progress reaches the page and Cancel is honoured.

use super::{cancelled, fail_task, now_ms, post, run_busy, with_run, yield_now, Outcome};

use crate::pipeline::analysis::map_quality::map_quality;
use crate::pipeline::analysis::tsne::{clamp_perplexity, Tsne, TsneOptions};
use crate::protocol::{Event, Task, TaskProgress};

const STAGE: &str = "Computing the t-SNE map";
const SLICE_MS: f64 = 50.0;
/// Songs placed between checks of the clock.
const PLACE_CHUNK: usize = 20_000;

pub(super) fn spawn(perplexity: f32) {
    run_busy(async move {
        if let Err(message) = run(perplexity).await {
            fail_task(Task::Tsne, STAGE, message);
        }
    });
}

async fn run(perplexity: f32) -> Outcome<()> {
    let run = super::last_id();
    let input = with_run(STAGE, "Train a model first: t-SNE lays out its codes.", |_, l| {
        Ok((l.analysis.points.clone(), l.analysis.point_dim, l.params.seed))
    });
    let Some((points, dim, seed)) = input else { return Ok(()) };
    post(&Event::Stage { task: Task::Tsne, step: STAGE.into() });
    yield_now().await;
    let options = TsneOptions { perplexity: clamp_perplexity(perplexity), ..TsneOptions::default() };
    let mut tsne = Tsne::new(&points, dim, seed, options);
    let total = tsne.total();
    while tsne.done() < total {
        let start = now_ms();
        while tsne.done() < total && now_ms() - start < SLICE_MS {
            tsne.step(5);
        }
        post(&Event::Progress(TaskProgress::Tsne { phase: "iterations".into(), done: tsne.done(), total }));
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::Tsne });
            return Ok(());
        }
    }
    let n = points.len() / dim.max(1);
    let mut xy = vec![0.0f32; 2 * n];
    let mut placed = 0;
    while placed < n {
        let end = (placed + PLACE_CHUNK).min(n);
        tsne.place_rows(&points, dim, placed..end, &mut xy[2 * placed..2 * end]);
        placed = end;
        post(&Event::Progress(TaskProgress::Tsne { phase: "songs placed".into(), done: placed, total: n }));
        yield_now().await;
        if cancelled() {
            post(&Event::Cancelled { task: Task::Tsne });
            return Ok(());
        }
    }
    let sample = tsne.sample_rows().len();
    let quality = map_quality(&points, dim, &xy);
    // Offered only if the run is still the one it was computed for.
    super::offer_tsne(run, xy, sample, quality)
}
