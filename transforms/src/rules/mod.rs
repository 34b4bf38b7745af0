use crate::diagnostic::Finding;
use crate::model::ExportModel;
use crate::Settings;
pub fn check(_model: &ExportModel, _source: &str, _settings: &Settings) -> Vec<Finding> {
    Vec::new()
}
