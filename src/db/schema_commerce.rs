//! The tables of offers and prices, of two-factor login and of reports'
//! segments (see `schema`).

use super::{leads, reports, users};

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    lead_prices (lead_id) {
        lead_id -> BigInt,
        currency -> Text,
        list_price_minor -> Nullable<BigInt>,
        asked_price_minor -> Nullable<BigInt>,
    }
}

diesel::table! {
    offers (id) {
        id -> BigInt,
        lead_id -> BigInt,
        licence -> Text,
        currency -> Text,
        list_price_minor -> BigInt,
        price_minor -> BigInt,
        discount_percent -> Double,
        valid_until -> BigInt,
        state -> Text,
        proposed_by -> BigInt,
        decided_by -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
        decided_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    report_segments (report_id, segment) {
        report_id -> BigInt,
        segment -> Text,
    }
}

diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(lead_prices -> leads (lead_id));
diesel::joinable!(offers -> leads (lead_id));
diesel::joinable!(report_segments -> reports (report_id));
diesel::joinable!(report_search -> reports (report_id));

diesel::table! {
    report_search (report_id) {
        report_id -> BigInt,
        words -> Text,
    }
}

diesel::table! {
    catalogue_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}
