//! Every enum the tables store, as text on both backends. Rows carry the enums
//! and queries compare with them; the names live in the enums' `as_db`, so no
//! stored value is spelt anywhere else.

use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::deserialize::{self, FromSql};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::inbound::{InboundKind, InboundState};
use crate::domain::lead_kind::LeadKind;
use crate::domain::lead_status::LeadStatus;
use crate::domain::licence::Licence;
use crate::domain::mail_kind::{MailKind, OutboxStatus};
use crate::domain::offer::OfferState;
use crate::domain::role::Role;

/// Writes `$enum` as its `as_db()` name and reads it back with `from_db()`;
/// an unknown stored name is an error, not a default. The `foreign_derive`
/// proxies give the domain enums diesel's expression and row traits without
/// the domain knowing diesel.
macro_rules! stored_as_text {
    ($($enum:ident => $proxy:ident),* $(,)?) => {$(
        #[derive(AsExpression, FromSqlRow)]
        #[diesel(foreign_derive, sql_type = Text)]
        #[allow(dead_code)]
        struct $proxy($enum);

        impl<DB: Backend> ToSql<Text, DB> for $enum
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_db(), out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $enum
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let stored = String::from_sql(bytes)?;
                $enum::from_db(&stored).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($enum), " {:?}"), stored).into()
                })
            }
        }
    )*};
}

stored_as_text! {
    LeadStatus => LeadStatusText,
    LeadKind => LeadKindText,
    OfferState => OfferStateText,
    Licence => LicenceText,
    Role => RoleText,
    MailKind => MailKindText,
    OutboxStatus => OutboxStatusText,
    InboundKind => InboundKindText,
    InboundState => InboundStateText,
}

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;
    use crate::db::DbConnection;

    fn memory() -> DbConnection {
        DbConnection::Sqlite(diesel::SqliteConnection::establish(":memory:").unwrap())
    }

    #[test]
    fn every_stored_name_reads_back_as_its_variant_through_the_database() {
        let mut conn = memory();
        for status in LeadStatus::ALL {
            let read: LeadStatus = diesel::select(status.into_sql::<Text>())
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(read, status);
        }
        for role in Role::ALL {
            let read: Role = diesel::select(role.into_sql::<Text>())
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(read, role);
        }
    }

    #[test]
    fn an_unknown_stored_name_is_an_error_not_a_default() {
        let mut conn = memory();
        let read = diesel::select(sql::<Text>("'archived'")).get_result::<LeadStatus>(&mut conn);
        let error = format!("{:?}", read.unwrap_err());
        assert!(
            error.contains(r#"unknown LeadStatus \"archived\""#),
            "{error}"
        );
    }
}
