//! Writes a synthetic song CSV for the benchmark: `cargo run --release --example gen_songs --
//! ROWS OUT.csv [SEED]`. The songs are the demo dataset's (the reference's genre table, its
//! schema), so the benchmark needs nothing from outside the project.

use std::io::Write;

use songscape::pipeline::input::demo::demo_csv;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(rows), Some(out)) = (args.get(1), args.get(2)) else {
        return Err("usage: gen_songs ROWS OUT.csv [SEED]".into());
    };
    let rows: usize = rows.parse()?;
    let seed: u64 = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(11);
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    file.write_all(demo_csv(rows, seed).as_bytes())?;
    file.flush()?;
    Ok(())
}
