//! Placeholder: the generic simulator is being written (issue 6).
