//! The representation comparison on the real dataset, natively: `cargo run --release --example
//! compare_real [-- CSV]` trains with the default settings and prints one JSON line per
//! representation (reconstruction error, silhouette, ARI, NMI and the 10-neighbour label share
//! against the file's genre column), as the page's "Is the autoencoder worth it?" table shows.

use songscape::pipeline::analysis::compare::Representation;
use songscape::pipeline::input::columns::ColumnMapping;
use songscape::pipeline::input::load::parse_csv;
use songscape::pipeline::params::TrainParams;
use songscape::pipeline::run::{run_all, score_one};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/light_spotify_subset.csv").into());
    let table = parse_csv(&std::fs::read(&path)?)?;
    let mapping = ColumnMapping::guess(&table.headers);
    let params = TrainParams::default().check()?;
    let (prepared, _trained, analysis) = run_all(&table, &mapping, &params)?;
    for representation in Representation::ALL {
        let score = score_one(&table, &mapping, &prepared, &analysis, &params, representation)?;
        println!("{}", serde_json::to_string(&score)?);
    }
    Ok(())
}
