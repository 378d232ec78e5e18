//! Table definitions shared by both backends (see `migrations/`).

diesel::table! {
    reports (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        published_on -> Nullable<Text>,
        market_size_start -> Double,
        market_size_end -> Double,
        start_year -> Integer,
        end_year -> Integer,
        cagr_percent -> Double,
        currency -> Text,
        content -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        industry -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<BigInt>,
        created_at -> BigInt,
        last_login_at -> Nullable<BigInt>,
        can_export -> Bool,
        alerted_at -> Nullable<BigInt>,
        totp_secret -> Nullable<Text>,
        totp_enabled_at -> Nullable<BigInt>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    report_samples (id) {
        id -> BigInt,
        report_id -> BigInt,
        sha256 -> Text,
        file_name -> Text,
        size -> BigInt,
        bytes -> Binary,
        created_at -> BigInt,
    }
}

diesel::table! {
    sample_deliveries (id) {
        id -> BigInt,
        lead_id -> BigInt,
        sample_id -> BigInt,
        sent_at -> BigInt,
        expires_at -> BigInt,
        downloads -> Integer,
        first_download_at -> Nullable<BigInt>,
        last_download_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    health_probe (id) {
        id -> BigInt,
        checked_at -> BigInt,
    }
}

diesel::table! {
    login_throttles (key) {
        key -> Text,
        failures -> Integer,
        blocked_until -> Nullable<BigInt>,
        last_failure_at -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        created_at -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        action -> Text,
        target -> Text,
        detail -> Text,
    }
}

diesel::table! {
    /// A view: `audit_log` and the lead events staff caused, as one list.
    audit_trail (source, id) {
        source -> Text,
        id -> BigInt,
        created_at -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        action -> Text,
        lead_id -> Nullable<BigInt>,
        target -> Text,
        detail -> Text,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        email_normalized -> Text,
        name -> Text,
        company -> Text,
        phone -> Nullable<Text>,
        country -> Text,
        job_title -> Nullable<Text>,
        created_at -> BigInt,
        updated_at -> BigInt,
        erased_at -> Nullable<BigInt>,
        email_domain -> Text,
        mail_bounced_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    leads (id) {
        id -> BigInt,
        contact_id -> BigInt,
        report_id -> BigInt,
        kind -> Text,
        status -> Text,
        message -> Nullable<Text>,
        licence -> Nullable<Text>,
        budget -> Nullable<Text>,
        score -> Integer,
        spam_reason -> Nullable<Text>,
        assignee_id -> Nullable<BigInt>,
        consent_text_version -> Text,
        consent_at -> BigInt,
        marketing_opt_in -> Bool,
        utm_source -> Nullable<Text>,
        utm_medium -> Nullable<Text>,
        utm_campaign -> Nullable<Text>,
        referrer -> Nullable<Text>,
        landing_path -> Nullable<Text>,
        form_token_hash -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        first_response_at -> Nullable<BigInt>,
        name -> Nullable<Text>,
        company -> Nullable<Text>,
        job_title -> Nullable<Text>,
        phone -> Nullable<Text>,
        country -> Nullable<Text>,
        buyer_replied_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    lead_events (id) {
        id -> BigInt,
        lead_id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        kind -> Text,
        detail -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        lead_id -> Nullable<BigInt>,
        kind -> Text,
        to_addr -> Text,
        reply_to -> Nullable<Text>,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        last_error -> Nullable<Text>,
        claimed_until -> Nullable<BigInt>,
        created_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        from_name -> Nullable<Text>,
        thread -> Nullable<Text>,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        country -> Text,
        user_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    assignment_cursor (id) {
        id -> Integer,
        turns -> BigInt,
    }
}

diesel::table! {
    staff_sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        user_agent -> Text,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    mail_templates (kind) {
        kind -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> BigInt,
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    inbound_mail (id) {
        id -> BigInt,
        received_at -> BigInt,
        via -> Text,
        sender -> Text,
        subject -> Text,
        message_id -> Nullable<Text>,
        kind -> Text,
        state -> Text,
        lead_id -> Nullable<BigInt>,
        outbox_id -> Nullable<BigInt>,
        body_text -> Text,
        attachments -> Text,
        size -> BigInt,
    }
}

diesel::table! {
    follow_ups (lead_id) {
        lead_id -> BigInt,
        due_at -> BigInt,
        action -> Text,
        set_by -> Nullable<BigInt>,
        set_at -> BigInt,
        reminded_for -> Nullable<BigInt>,
        escalated_for -> Nullable<BigInt>,
    }
}

diesel::table! {
    saved_views (id) {
        id -> BigInt,
        name -> Text,
        query -> Text,
        user_id -> BigInt,
        shared -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        description -> Text,
        events -> Text,
        format -> Text,
        secret -> Text,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        lead_id -> Nullable<BigInt>,
        message_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        claimed_until -> Nullable<BigInt>,
        response_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        delivered_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        scope -> Text,
        token_hash -> Text,
        prefix -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    backups (id) {
        id -> BigInt,
        day -> Nullable<Text>,
        file -> Text,
        taken_at -> BigInt,
    }
}

diesel::joinable!(leads -> contacts (contact_id));
diesel::joinable!(staff_sessions -> users (user_id));
diesel::joinable!(audit_log -> users (actor_user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(audit_trail -> users (actor_user_id));
diesel::joinable!(routing_rules -> users (user_id));
diesel::joinable!(leads -> reports (report_id));
diesel::joinable!(leads -> users (assignee_id));
diesel::joinable!(lead_events -> leads (lead_id));
diesel::joinable!(lead_events -> users (actor_user_id));
diesel::joinable!(outbox -> leads (lead_id));
diesel::joinable!(report_samples -> reports (report_id));
diesel::joinable!(sample_deliveries -> leads (lead_id));
diesel::joinable!(sample_deliveries -> report_samples (sample_id));
diesel::joinable!(inbound_mail -> leads (lead_id));
diesel::joinable!(follow_ups -> leads (lead_id));
diesel::joinable!(saved_views -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> leads (lead_id));
diesel::joinable!(api_tokens -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    reports,
    users,
    contacts,
    leads,
    lead_events,
    outbox,
    routing_rules,
    assignment_cursor,
    staff_sessions,
    audit_log,
    audit_trail,
    login_throttles,
    health_probe,
    password_resets,
    report_samples,
    sample_deliveries,
    mail_templates,
    inbound_mail,
    follow_ups,
    saved_views,
    webhook_endpoints,
    webhook_deliveries,
    api_tokens,
    backups,
    recovery_codes,
    lead_prices,
    offers,
    report_segments,
    report_search,
    catalogue_version
);

// The pricing, two-factor and report segment tables, in a file of their own to keep this
// one readable; their names are this module's like the rest.
#[path = "schema_commerce.rs"]
mod commerce;
pub use commerce::*;
