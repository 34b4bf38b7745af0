//! Placeholder, replaced by the real export model.
use crate::parse::ResolvedScript;
pub struct ExportModel;
impl ExportModel {
    pub fn build(_script: &ResolvedScript<'_>) -> Self {
        ExportModel
    }
}
