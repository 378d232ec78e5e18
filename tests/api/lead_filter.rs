//! The desk's one lead filter: the SQL it becomes and the check made on leads
//! already read must agree, for any combination of filters.

use diesel::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reportdesk::db::DbConnection;
use reportdesk::db::models::lead::Lead;
use reportdesk::db::queries::lead_filter::{
    FilteredFields, LeadFilter, OwnerFilter, Queue, StatusScope, TextMatch,
};
use reportdesk::db::schema::leads;
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::domain::lead_status::LeadStatus;

use crate::both_backends;
use crate::helpers::TestApp;

const T0: i64 = 1_790_000_000;
const DAY: i64 = 86_400;

/// 42 leads from 14 people over two weeks, every kind and status, owned by
/// one of two people or nobody.
fn seed(app: &TestApp) -> (Vec<i64>, Vec<i64>) {
    let owners = vec![
        app.create_user("ann@publisher.test", "Ann", "sales"),
        app.create_user("bob@publisher.test", "Bob", "sales"),
    ];
    for i in 0..42_i64 {
        let kind = LeadKind::ALL[(i % 3) as usize];
        let status = LeadStatus::ALL[(i % 7) as usize];
        let email = format!("buyer{}@firm{}.test", i % 14, i % 5);
        let id = app.seed_lead(kind, &email, "Firm", status, T0 + (i % 14) * DAY);
        let owner = [None, Some(owners[0]), Some(owners[1])][(i % 3) as usize];
        let mut conn = app.pool().get().unwrap();
        Lead::set_owner(&mut conn, id, owner, T0).unwrap();
        // Some were reached, some buyers wrote back, some have a next step
        // due on one of the days.
        if i % 4 == 1 {
            Lead::record_contact(&mut conn, id, T0 + DAY).unwrap();
        }
        if i % 5 == 2 {
            Lead::set_buyer_waiting(&mut conn, id, Some(T0 + DAY), T0 + DAY).unwrap();
        }
        if i % 3 == 0 {
            let due = T0 + (i % 9) * DAY;
            reportdesk::db::models::follow_up::set(&mut conn, id, due, "Call", owners[0], T0)
                .unwrap();
        }
        // Some sample requests were sent their sample, some of those opened it.
        if kind == LeadKind::SampleRequest && i % 2 == 0 {
            use reportdesk::db::models::{report_sample, sample_delivery};
            let report_id = Lead::find(&mut conn, id).unwrap().unwrap().report_id;
            let sample = report_sample::store(&mut conn, report_id, "s.pdf", b"%PDF-1.4", T0);
            let link = sample_delivery::create(&mut conn, id, sample.unwrap().id, T0, T0 + DAY);
            if i % 4 == 0 {
                let link = sample_delivery::find(&mut conn, link.unwrap())
                    .unwrap()
                    .unwrap();
                assert!(sample_delivery::count_download(&mut conn, &link, 5, T0).unwrap());
            }
        }
    }
    let mut conn = app.pool().get().unwrap();
    let contacts: Vec<i64> = leads::table
        .select(leads::contact_id)
        .distinct()
        .load(&mut conn)
        .unwrap();
    (owners, contacts)
}

fn filters(
    owners: Vec<i64>,
    contacts: Vec<i64>,
    report_id: i64,
) -> impl Strategy<Value = LeadFilter> {
    let status = proptest::option::of(proptest::sample::select(LeadStatus::ALL.to_vec()));
    let kind = proptest::option::of(proptest::sample::select(LeadKind::ALL.to_vec()));
    let report = proptest::option::of(proptest::sample::select(vec![report_id, report_id + 1]));
    let owner_choices = vec![
        OwnerFilter::Unassigned,
        OwnerFilter::User(owners[0]),
        OwnerFilter::User(owners[1]),
    ];
    let owner = proptest::option::of(proptest::sample::select(owner_choices));
    let day = proptest::option::of((0..16_i64).prop_map(|d| T0 + d * DAY - DAY / 2));
    let people = proptest::option::of(proptest::sample::subsequence(contacts, 0..6));
    let sample = proptest::option::of(proptest::sample::select(
        reportdesk::domain::sample::SampleStage::ALL.to_vec(),
    ));
    let queue = proptest::option::of((0..3_u8, 0..16_i64).prop_map(|(which, d)| {
        let at = T0 + d * DAY - DAY / 2;
        match which {
            0 => Queue::Overdue {
                cutoffs: LeadKind::ALL.map(|k| (k, at - k.as_db().len() as i64 * 3600)),
            },
            1 => Queue::FollowUpDue { by: at },
            _ => Queue::BuyerReplied,
        }
    }));
    (
        status,
        kind,
        report,
        owner,
        day.clone(),
        day,
        people,
        sample,
        queue,
    )
        .prop_map(
            |(status, kind, report_id, owner, from, to, people, sample, queue)| LeadFilter {
                status,
                kind,
                report_id,
                owner,
                text: people.as_ref().map(|_| "seeded".to_owned()),
                text_match: people.map(TextMatch::Few),
                from,
                to,
                sample,
                queue,
                ..LeadFilter::default()
            },
        )
}

fn check(conn: &mut DbConnection, all: &[Lead], filter: &LeadFilter) -> Result<(), TestCaseError> {
    let scopes = LeadStatus::ALL.map(StatusScope::Only);
    let ids: Vec<i64> = all.iter().map(|lead| lead.id).collect();
    let links = reportdesk::db::models::sample_delivery::link_states(conn, &ids).unwrap();
    let follow_ups = reportdesk::db::models::follow_up::due_times(conn, &ids).unwrap();
    for scope in std::iter::once(StatusScope::AsFiltered).chain(scopes) {
        let in_sql = filter.ids(conn, scope).unwrap();
        let in_memory: Vec<i64> = all
            .iter()
            .filter(|lead| filter.matches(&FilteredFields::of(lead, &links, &follow_ups), scope))
            .map(|lead| lead.id)
            .collect();
        prop_assert_eq!(in_sql, in_memory, "{:?} {:?}", filter, scope);
    }
    Ok(())
}

async fn the_filter_in_sql_and_in_memory_lets_the_same_leads_through(app: &TestApp) {
    let (owners, contacts) = seed(app);
    let pool = app.pool();
    let mut conn = pool.get().unwrap();
    let all: Vec<Lead> = leads::table
        .order(leads::id)
        .select(Lead::as_select())
        .load(&mut conn)
        .unwrap();
    let report_id = all[0].report_id;
    let mut runner = TestRunner::new(Config::with_cases(64));
    runner
        .run(&filters(owners, contacts, report_id), |filter| {
            check(&mut pool.get().unwrap(), &all, &filter)
        })
        .unwrap();
}
both_backends!(the_filter_in_sql_and_in_memory_lets_the_same_leads_through);
