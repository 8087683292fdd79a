//! What comes after training: clusters, 2D maps, representations compared, names and summaries.

pub mod barnes_hut;
pub mod choose_k;
pub mod cluster;
pub mod compare;
pub mod kd_tree;
pub mod lloyd;
pub mod map_quality;
pub mod naming;
pub mod pca;
pub mod project;
pub mod seeding;
pub mod summary;
pub mod tsne;
pub mod umap;
pub mod unique_names;

use crate::pipeline::analysis::cluster::Clustering;
use crate::pipeline::analysis::compare::Representation;
use crate::pipeline::analysis::map_quality::MapQuality;
use crate::pipeline::analysis::naming::ClusterName;
use crate::pipeline::analysis::summary::ClusterSummary;
use crate::pipeline::params::Projection;

/// What comes after training: codes, clusters, both 2D maps, cluster summaries.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The autoencoder's codes, `rows × latent`: exported whatever is clustered.
    pub codes: Vec<f32>,
    pub latent: usize,
    /// What clustering, recommendations and the maps work on: the codes (the reference), PCA
    /// of the scaled features, or the scaled features themselves.
    pub representation: Representation,
    /// The rows in that representation, `rows × point_dim`.
    pub points: Vec<f32>,
    pub point_dim: usize,
    pub clustering: Clustering,
    pub pca: Vec<f32>,
    pub first_two: Vec<f32>,
    pub summaries: Vec<ClusterSummary>,
    /// Each cluster's name from the reference's genre–emotion table.
    pub names: Vec<ClusterName>,
    pub recon_mse: f32,
    /// How much of each song's neighbourhood the PCA and first-two maps keep (`map_quality`).
    pub map_quality: Vec<(Projection, MapQuality)>,
}

impl Analysis {
    /// The stored 2D map for `projection`; `None` for one computed on request (t-SNE, UMAP).
    pub fn map(&self, projection: Projection) -> Option<&[f32]> {
        match projection {
            Projection::Pca => Some(&self.pca),
            Projection::FirstTwo => Some(&self.first_two),
            Projection::Tsne | Projection::Umap => None,
        }
    }
}
