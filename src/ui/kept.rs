//! The session kept in this browser: "Resume …" on the first screen, and a line saying what is
//! kept, with "Forget this data" beside it.

use leptos::prelude::*;

use super::state::AppState;
use crate::page::{Action, KeptNow};
use crate::protocol::KeptSession;

/// "14:05, 2 Dec": when a session was kept, in the browser's time zone.
fn when(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.get(d.get_month() as usize).copied().unwrap_or("");
    format!("{:02}:{:02}, {} {month}", d.get_hours(), d.get_minutes(), d.get_date())
}

/// "39,280 songs · 10 clusters": what a kept session holds.
fn holds(k: &KeptSession) -> String {
    let run = match k.k {
        Some(k) => format!("trained, {k} clusters"),
        None => "not trained yet".to_string(),
    };
    format!("{} songs · {run}", thousands(k.rows))
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// On the first screen: the session an earlier visit kept, to take up again.
#[component]
pub fn ResumeOffer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let offer = move || state.kept.with(|k| k.offer.clone()).filter(|_| state.dataset.with(Option::is_none));
    move || {
        offer().map(|k| {
            let label = format!("Resume {}", k.name);
            let about = format!("{} · kept {}", holds(&k), when(k.saved_at));
            view! {
                <div class="resume" id="resume-offer" role="region" aria-label="Kept session">
                    <p><strong>"Kept in this browser from your last visit: "</strong>{k.name.clone()}" · "{about}</p>
                    <div class="actions">
                        <button type="button" id="resume" class="primary" prop:disabled=move || !state.idle.get()
                            on:click=move |_| state.dispatch(Action::Resume)>{label}</button>
                        <button type="button" id="forget-offer" prop:disabled=move || !state.idle.get()
                            on:click=move |_| state.dispatch(Action::Forget)>"Forget this data"</button>
                    </div>
                    <p class="help">"It never left this machine: the file, the model and the results are stored by this browser for this page only."</p>
                </div>
            }
        })
    }
}

/// What this browser keeps of the session on screen, with what can be done about it: one short
/// line while it is kept (in the run's header, or under the file before training), a warning
/// while it is not.
#[component]
pub fn KeptLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let now = state.kept.with(|k| k.now.clone());
        let (text, button, saved_at): (String, (&str, &str, Action), Option<String>) = match now {
            KeptNow::Nothing => return None,
            KeptNow::Saved(k) => (
                format!("Kept in this browser only, saved {}.", when(k.saved_at)),
                ("forget", "Forget this data", Action::Forget),
                // When the last write began (ms since 1970): tests wait for the write after a change.
                Some(format!("{:.0}", k.saved_at)),
            ),
            KeptNow::Failed(message) => (message, ("keep-here", "Try again to keep it", Action::KeepHere), None),
            KeptNow::Elsewhere(k) => (
                format!(
                    "Another tab now keeps its session in this browser ({}, {}, saved {}); this tab's work stays on this page but is no longer kept.",
                    k.name,
                    holds(&k),
                    when(k.saved_at)
                ),
                ("keep-here", "Keep this tab's session instead", Action::KeepHere),
                None,
            ),
            KeptNow::Forgotten => (
                "Nothing of this session is kept in this browser now; it stays on this page until you close it.".into(),
                ("keep-here", "Keep it in this browser", Action::KeepHere),
                None,
            ),
        };
        let warn = saved_at.is_none();
        let (id, label, action) = button;
        Some(view! {
            <p class="kept-line" class:note-warning=warn id="kept-line" role="status" data-saved-at=saved_at>
                <span id="kept-text">{text}</span>" "
                <button type="button" class="quiet" id=id on:click=move |_| state.dispatch(action.clone())>{label}</button>
            </p>
        })
    }
}
