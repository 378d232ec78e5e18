//! Posting lead events to the publisher's CRM: the guarded HTTP client, one
//! attempt's request and its outcome, and the chat preset's text.

pub mod chat;
pub mod client;
pub mod post;
