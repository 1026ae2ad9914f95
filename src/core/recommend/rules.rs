//! (lands with issue 14)
