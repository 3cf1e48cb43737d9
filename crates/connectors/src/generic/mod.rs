//! Placeholder: the seed 000 generic connector (POS, supplier, member) is being written.

use storelink_core::error::{AppError, Rule};

use crate::connector::{Connector, StreamSpec};
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

pub const POS_STREAMS: &[StreamSpec] = &[];
pub const SUPPLIER_STREAMS: &[StreamSpec] = &[];
pub const MEMBER_STREAMS: &[StreamSpec] = &[];

pub fn default_mapping(_stream: &str) -> FieldMapping {
    FieldMapping::from_pairs(&[])
}

pub fn mappable_fields(_stream: &str) -> Vec<&'static str> {
    Vec::new()
}

pub fn from_settings(_settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    Err(AppError::field("provider", Rule::Required, "not yet"))
}
