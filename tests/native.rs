//! Native tests of the pipeline through its public API (one test binary).

mod native {
    /// Column mapping for each public schema people have.
    mod schemas;
    /// The whole pipeline on the demo dataset and on the real shared dataset.
    mod pipeline;
    /// Helpers and fixtures.
    pub mod util;
}
