//! Placeholder: the yiding simulator is being written (issue 6).
