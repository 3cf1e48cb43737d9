//! Placeholder: the ylh simulator is being written (issue 6).
