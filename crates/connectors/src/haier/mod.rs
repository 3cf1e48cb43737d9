//! Placeholder: the haier connector is being written (issue 6).

use storelink_core::error::{AppError, Rule};

use crate::connector::{Connector, StreamSpec};
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

pub const STREAMS: &[StreamSpec] = &[];

pub fn default_mapping(_stream: &str) -> FieldMapping {
    FieldMapping::from_pairs(&[])
}

pub fn mappable_fields(_stream: &str) -> Vec<&'static str> {
    Vec::new()
}

pub fn from_settings(_settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    Err(AppError::field("provider", Rule::Required, "not yet"))
}
