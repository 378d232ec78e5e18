//! Protections applied to every response.

pub mod headers;
