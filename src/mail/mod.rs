//! Mail: what is written to the outbox for a lead, how it is sent, and the
//! worker that sends it.

pub mod compose;
pub mod test_mail;
pub mod transport;
pub mod worker;
