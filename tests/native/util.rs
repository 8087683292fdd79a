use std::path::PathBuf;

/// The real dataset beside the repository (../shared), absent in a user's clone.
pub fn shared_dataset() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/light_spotify_subset.csv");
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is not here (a clone without ../shared); the case needs the real dataset",
            path.display()
        );
        None
    }
}
