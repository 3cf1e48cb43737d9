//! Placeholder: the haier simulator is being written (issue 6).
