//! The session kept in this browser, as the page sees it: offered on the first screen after a
//! reload ("Resume …"), and a line under the run saying what is kept, with "Forget this data".

use super::action::Effect;
use super::{Page, Running};
use crate::protocol::{DatasetInfo, Keeping, KeptSession, Request, Task};

/// What this browser keeps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kept {
    /// A session an earlier visit (or another tab) kept, offered until a file is loaded.
    pub offer: Option<KeptSession>,
    /// What is kept of the session on screen.
    pub now: KeptNow,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum KeptNow {
    /// Nothing has been written for this session (yet).
    #[default]
    Nothing,
    /// Kept as it stands.
    Saved(KeptSession),
    /// It could not be kept: why, and that nothing stale is kept instead.
    Failed(String),
    /// Another tab keeps its session instead; this tab's is not kept.
    Elsewhere(KeptSession),
    /// Forgotten (here or in another tab): nothing is kept until the person says so.
    Forgotten,
}

impl KeptNow {
    /// Changes on screen are not written: the person chose so, or another tab took its place.
    pub fn paused(&self) -> bool {
        matches!(self, KeptNow::Elsewhere(_) | KeptNow::Forgotten | KeptNow::Failed(_))
    }
}

/// The key a file's playlist is kept under in `localStorage`: its name, rows and columns (see
/// `protocol::fingerprint`). Two different files rarely agree on all three, and the same file
/// always does, across reloads and new runs.
pub fn playlist_key(name: &str, rows: usize, columns: &[String]) -> String {
    let columns: String = columns.iter().take(50).map(|c| c.as_str()).collect::<Vec<_>>().join("\u{1f}");
    format!("songscape.playlist|{name}|{rows}|{columns}")
}

/// `playlist_key` of a loaded file.
pub fn playlist_key_of(info: &DatasetInfo) -> String {
    playlist_key(&info.name, info.rows, &info.columns)
}

/// The step shown while the kept session is read back.
pub const RESUMING_STEP: &str = "Resuming the kept session";

impl Page {
    /// What the worker said about the kept session.
    pub(super) fn on_keeping(&mut self, keeping: Keeping) -> Vec<Effect> {
        match keeping {
            Keeping::Found(offer) => self.offer(offer),
            Keeping::Refused { message } => {
                self.notice.error = Some(("Reading the kept session".into(), message));
                self.kept.offer = None;
            }
            Keeping::Saved(kept) => self.kept.now = KeptNow::Saved(kept),
            Keeping::Failed { message } => self.kept.now = KeptNow::Failed(message),
            Keeping::Elsewhere(kept) => {
                // Before anything is loaded, the other tab's session is simply what is offered.
                if self.dataset.info.is_none() {
                    self.offer(Some(kept));
                } else {
                    self.kept.now = KeptNow::Elsewhere(kept);
                }
            }
            Keeping::Forgotten => {
                self.kept.offer = None;
                self.kept.now = KeptNow::Forgotten;
            }
        }
        vec![]
    }

    /// Offers `kept` for resuming while nothing is loaded (a restarted worker's report of what is
    /// kept is not an offer: the page shows its session already).
    fn offer(&mut self, kept: Option<KeptSession>) {
        if self.dataset.info.is_none() {
            self.kept.offer = kept;
        }
    }

    /// "Resume …": the kept file, then its run, read back by the worker.
    pub(super) fn resume(&mut self) -> Vec<Effect> {
        let Some(offer) = &self.kept.offer else { return vec![] };
        if !self.idle() {
            return vec![];
        }
        self.tasks.running = Some(Running { task: Task::Resuming, step: RESUMING_STEP.into() });
        vec![Effect::Send(Request::Resume { table_only: false, expect: Some(offer.file.clone()) })]
    }

    /// "Forget this data": the kept session and the file's kept playlist.
    pub(super) fn forget(&mut self) -> Vec<Effect> {
        let key = match (&self.dataset.info, &self.kept.offer) {
            (Some(info), _) => Some(playlist_key_of(info)),
            (None, Some(o)) => Some(playlist_key(&o.name, o.rows, &o.columns)),
            (None, None) => None,
        };
        let mut effects = vec![Effect::Send(Request::Forget)];
        effects.extend(key.map(Effect::ForgetPlaylist));
        effects
    }

    /// A file was loaded: what is kept is about to be this one (the worker writes it), or, when it
    /// was read back from the store, it is the offer itself.
    pub(super) fn kept_loaded(&mut self) {
        let offer = self.kept.offer.take();
        self.kept.now = match (self.running(Task::Resuming), offer) {
            (true, Some(o)) => KeptNow::Saved(o),
            _ => KeptNow::Nothing,
        };
    }
}
