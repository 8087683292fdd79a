//! Native tests of the pipeline through its public API (one test binary).

mod native {
    /// The bad-input corpus: exact messages, no panics, limits.
    mod corpus;
    /// Crafted and damaged model files: exact messages, no panics (the model fuzz seeds).
    mod model_corpus;
    /// The whole pipeline on the demo dataset and on the real shared dataset.
    mod pipeline;
    /// Column mapping for each public schema people have.
    mod schemas;
    /// Helpers and fixtures.
    pub mod util;
}
