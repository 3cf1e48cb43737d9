//! Placeholder: the temu simulator is being written (issue 6).
