//! What can happen to the page (an `Action`: the worker said something, the person did
//! something, the browser answered), and what the page does about it outside its state (an
//! `Effect`).

use crate::mapview::colours::{Palette, Scale};
use crate::mapview::lasso::Combine;
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::umap::UmapOptions;
use crate::pipeline::explore::recommend::Rule;
use crate::pipeline::input::columns::{MissingPolicy, Slot};
use crate::pipeline::params::{Projection, TrainParams};
use crate::protocol::{Event, PickFor, Request, SongRef};

use super::{PlaylistEntry, Tab};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// An event from the worker (or one the bridge made for it: a message it could not read).
    Worker(Event),

    // The worker itself, as the bridge sees it.
    /// The browser would not start the worker.
    WorkerRefused(String),
    /// The worker died and was restarted; `restoring` when the data it held is being given back.
    WorkerCrashed {
        text: String,
        restoring: bool,
    },
    /// The worker died too often and is not restarted.
    WorkerGaveUp(String),
    /// The replayed file is back in the restarted worker; the run shown is being restored.
    RestoringRun,
    /// The restarted worker holds what the page shows again.
    WorkerRecovered(String),
    /// A download's event arrived without its file.
    DownloadMissing(String),

    // Loading and checking.
    /// A file was chosen (it travels beside the request).
    LoadFile {
        name: String,
    },
    /// The built-in demo dataset (the same songs every time).
    LoadDemo,
    /// A file was dropped while a step runs.
    DroppedWhileBusy,
    MapColumn {
        slot: Slot,
        column: Option<usize>,
    },
    SetMissingPolicy(MissingPolicy),
    /// A setting was edited: the settings with the edit applied (unchanged when its text was not
    /// a number), and the setting's label when it was not.
    EditSettings {
        params: TrainParams,
        unreadable: Option<&'static str>,
    },
    ResetSettings,

    // Long tasks.
    Train,
    Cancel,
    ChooseK {
        from: usize,
        to: usize,
    },
    Recluster {
        k: usize,
    },
    Compare,
    UseRepresentation(Representation),
    /// A model file was chosen; `force` applies it despite a warning about its units.
    ApplyModel {
        name: String,
        force: bool,
    },
    DismissModelWarning,

    // Downloads.
    Export,
    DownloadModel,
    ExportPlaylist,
    /// The playlist as a `Track URI` CSV for Spotify importers.
    ExportForSpotify,

    // Finding songs.
    Search(String),
    ChooseSong(usize),
    SetNeighbours(usize),
    SetRule(Rule),
    /// A cluster chosen in the Clusters tab: it is inspected and focused on the map.
    ChooseCluster(usize),
    /// Every cluster on the map again.
    ShowAllClusters,
    /// The pointer or the keyboard rests on a cluster in the table (`None`: it left).
    PreviewCluster(Option<usize>),
    RenameCluster {
        cluster: usize,
        name: String,
    },

    // The workspace.
    ShowTab(Tab),
    /// "Change data" or "Retrain": the setup steps unfold above the map.
    OpenSetup,
    CloseSetup,

    // The map.
    SetProjection(Projection),
    /// The perplexity of the t-SNE map: a map made with another is dropped, and made again
    /// when t-SNE is shown.
    SetPerplexity(f32),
    /// What the UMAP map is made with: a map made with others is dropped, and made again when
    /// UMAP is shown.
    SetUmap(UmapOptions),
    /// Colour by a column of the file, or by cluster (`None`).
    ColourBy(Option<usize>),
    SetPalette(Palette),
    SetScale(Scale),
    MapDrawn {
        ms: f64,
    },
    /// The pointer rests on song `row`: ask what sets it apart, for the hover card.
    Describe(usize),
    /// Songs inside a rectangle drawn on the map (run rows): to the playlist.
    PickRows(Vec<usize>),
    /// Songs inside a lasso (run rows, ascending), replacing, adding to or taken from the selection.
    Select {
        rows: Vec<usize>,
        how: Combine,
    },
    /// The songs of cluster `c` become the selection (the keyboard's way to select).
    SelectCluster(usize),
    ClearSelection,
    /// The selection to the playlist, to "more like these", or to a CSV.
    UseSelection(PickFor),

    // The playlist.
    AddSong(SongRef),
    /// "Add your playlist (CSV)": a file of the person's own songs, found in the catalogue.
    AddPlaylistFile {
        name: String,
        /// A second playlist, to compare with the first.
        second: bool,
    },
    MoveSong {
        from: usize,
        to: usize,
    },
    RemoveSong(usize),
    ClearPlaylist,
    /// The personal playlist's songs stand out on the map, or not.
    ShowMine(bool),
    /// Songs like the personal playlist, in a cluster and within a tempo window when given.
    MoreLikeMine {
        cluster: Option<usize>,
        tempo: Option<crate::pipeline::explore::tempo::TempoWindow>,
    },
    /// "More like my playlist" as a Track URI CSV for Spotify.
    ExportMoreLikeMine,
    /// An order of the playlist for flow, proposed (not applied).
    OrderForFlow {
        seed: u64,
        tempo_window: Option<f32>,
        /// The personal playlist file's songs rather than the page's playlist.
        mine: bool,
    },
    /// The proposed order becomes the playlist's.
    ApplyFlow,
    /// The personal playlist in its proposed order, as a Track URI CSV for Spotify.
    ExportMineFlow,
    MoreLikeThese,
    /// The list stored in this browser for the file just loaded.
    PlaylistStored(Vec<PlaylistEntry>),
    /// Another tab changed the stored list; this is both tabs' changes merged.
    PlaylistMerged(Vec<PlaylistEntry>),
    /// Whether the browser kept the list just written.
    PlaylistSaved(bool),

    /// The page was opened with a view in its address.
    OpenedWithLink(super::link::ViewLink),
    /// The map took the link's zoom.
    ZoomApplied,

    // The session kept in this browser.
    /// "Resume …" on the first screen.
    Resume,
    /// "Forget this data".
    Forget,
    /// "Keep this tab's session" (instead of another tab's, or again after forgetting it).
    KeepHere,

    DismissError,
}

/// What the page does besides changing its state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A message to the worker (with the chosen `File` for a load or a model file).
    Send(Request),
    /// The file the last event announced is offered for download.
    Download(String),
    /// The playlist kept in this browser under this key is removed ("Forget this data").
    ForgetPlaylist(String),
}

/// What the page says when the playlist could not be stored. The list on screen is never lost.
pub const NOT_SAVED: &str = "The playlist could not be saved in this browser (its storage is full or turned off). It stays on this page until you close or reload it: download it as CSV to keep it.";
/// What the page says when another tab changed the same file's playlist.
pub const MERGED: &str = "Another tab changed this file's playlist; its changes and this tab's were merged.";

impl Action {
    /// Whether the reducer only turns this action into a request and leaves the page as it was
    /// (`page::tests` checks it). The UI then does not tell the page's views it changed: a hover
    /// sends `Describe` on every new song under the pointer, and each notice re-ran every memo.
    pub fn only_requests(&self) -> bool {
        matches!(self, Action::Describe(_))
    }
}
