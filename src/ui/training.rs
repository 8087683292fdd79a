//! Step 4: Train, Cancel, the progress bar and the live loss chart.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::charts::{after_paint, draw_losses};
use super::state::AppState;
use crate::page::Action;
use crate::protocol::Task;

#[component]
pub fn TrainingPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let can_train = Memo::new(move |_| state.with(|p| p.can_train()));
    let training = move || state.runs(Task::Training);
    let progress_text = move || {
        state
            .progress
            .get()
            .map(|p| format!("Epoch {} of {}, batch {} of {}", p.epoch, p.epochs, p.batch, p.batches))
            .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="train-title" hidden=move || state.dataset.get().is_none()>
            <h2 id="train-title">"4. Train"</h2>
            <div class="actions">
                <button id="train" type="button" class="primary" on:click=move |_| state.dispatch(Action::Train) prop:disabled=move || !can_train.get()>"Train"</button>
                <button id="cancel" type="button" on:click=move |_| state.dispatch(Action::Cancel) prop:disabled=move || !training()>"Cancel"</button>
            </div>
            <label for="train-progress">"Training progress"</label>
            <progress id="train-progress" max="1" aria-describedby="train-progress-text"
                prop:value=move || state.progress.get().map_or(0.0, |p| p.fraction())></progress>
            <span class="progress-text" id="train-progress-text">{progress_text}</span>
            <LossHistory prefix=""/>
        </section>
    }
}

/// The loss per epoch as a chart and a table: live in the Train step, and again in the Model
/// tab once results are shown (`prefix` keeps the two apart: "" or "model-").
#[component]
pub fn LossHistory(prefix: &'static str) -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas: NodeRef<Canvas> = NodeRef::new();
    Effect::new(move |_| {
        // Drawn again when its tab opens: a chart drawn while hidden has no size to fit.
        state.tab.track();
        let history = state.history.get();
        let epochs = state.params.with_untracked(|p| p.epochs).max(history.len());
        let first_epoch = history.len() == 1 && prefix.is_empty();
        if let Some(c) = canvas.get() {
            after_paint(move || draw_losses(&c, &history, epochs));
        }
        // The page is idle while the worker trains: the moment to have the map's code compiled
        // in full before the map's first draw (`mapview::warm_up`).
        if first_epoch {
            after_paint(|| {
                crate::mapview::warm_up(60_000);
            });
        }
    });
    view! {
        <figure class="loss-figure" hidden=move || state.history.with(Vec::is_empty)>
            <canvas node_ref=canvas id=format!("{prefix}loss-chart") class="loss-chart" role="img" aria-label="Training and validation loss per epoch"></canvas>
            <figcaption>{move || loss_caption(&state)}</figcaption>
        </figure>
        <details class="loss-table" hidden=move || state.history.with(Vec::is_empty)>
            <summary>"Loss per epoch as a table"</summary>
            <table id=format!("{prefix}loss-table")>
                <thead><tr><th scope="col">"Epoch"</th><th scope="col">"Training loss"</th><th scope="col">"Validation loss"</th></tr></thead>
                <tbody>
                    {move || state.history.get().into_iter().map(|l| view! {
                        <tr>
                            <th scope="row">{l.epoch}</th>
                            <td class="num">{format!("{:.4}", l.train_loss)}</td>
                            <td class="num">{l.val_loss.map(|v| format!("{v:.4}")).unwrap_or_else(|| "—".into())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

fn loss_caption(state: &AppState) -> String {
    state.history.with(|h| {
        h.last()
            .map(|l| {
                let val = l.val_loss.map(|v| format!(", validation loss {v:.4}")).unwrap_or_default();
                format!("After epoch {}: training loss {:.4}{val}.", l.epoch, l.train_loss)
            })
            .unwrap_or_default()
    })
}
