//! Mail: what is written to the outbox for a lead (`compose`), and how it is
//! sent (`transport`). The worker that sends it is `jobs::outbox_worker`.

pub mod assignment_mail;
mod auto_submitted;
pub mod compose;
pub mod desk_mail;
pub mod dkim;
pub mod dkim_keys;
pub mod doctor;
pub mod escalation_mail;
pub mod follow_up_mail;
pub mod inbound;
mod lead_facts;
pub mod offer_mail;
pub mod sample_mail;
pub mod smtp_url;
pub mod staff_mail;
pub mod test_mail;
pub mod transport;
