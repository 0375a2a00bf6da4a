//! Verify end to end on small documents written for it.
