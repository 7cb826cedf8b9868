//! Access to one record outside the management line (NĐ 27/2026 treats personnel records as
//! protected personal data: outside personnel work within one's authority, access needs the
//! person's consent or an authorising document). An administrator whose scope holds the record
//! grants one account (an inspector, an officer of another agency) the right to read that one
//! record, for a stated purpose, on a consent or authorisation reference, until an expiry, up to
//! a field level (`internal` unless more is stated). The grant is revocable; every read through
//! it is audited with the grant; it opens nothing else: the record does not join the grantee's
//! lists, searches, counts or exports, only its list of shared records.

use hoso_domain::access::AccessLevel;
use hoso_domain::audit_action::AuditAction;
use hoso_store::record_access::{self as store, RecordAccessRow};
use hoso_store::{accounts, org as org_store, persons};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::Attempt;
use crate::security::require_ref;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo};

/// Longest a grant may run: a year; an inspection that runs longer is granted again.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRecordAccess {
    /// Username of the account that may read the record (an inspector, another agency's officer).
    pub username: String,
    /// What the access is for (e.g. "Thanh tra công vụ theo Quyết định 12/QĐ-TTr").
    pub purpose: String,
    /// Number and date of the person's written consent, or of the document authorising the
    /// access (văn bản đồng ý / văn bản cho phép).
    pub legal_ref: String,
    /// Last day the access works (YYYY-MM-DD, Vietnam time), at most a year ahead.
    pub expires_on: String,
    /// Most sensitive field level shown: `public`, `internal` (default), `confidential`,
    /// `secret`.
    pub clearance: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRecordAccess {
    /// Number and date of the document ending the access. Required.
    pub request_ref: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordAccessView {
    pub id: i64,
    pub person_id: i64,
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance: String,
    pub clearance_label: String,
    /// End of the access (exclusive), milliseconds since the Unix epoch.
    pub expires_at: i64,
    /// Last day of the access (YYYY-MM-DD, Vietnam time).
    pub expires_on: String,
    pub granted_by: i64,
    pub granted_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_ref: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
    pub status_label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedRecordView {
    pub grant_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub purpose: String,
    pub legal_ref: String,
    pub clearance_label: String,
    pub expires_on: String,
}

/// The last day (Vietnam time) before the exclusive instant `expires_at`.
fn last_day(expires_at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos((expires_at as i128 - 1) * 1_000_000)
        .map(|t| t.to_offset(crate::clock::VIETNAM).date().to_string())
        .unwrap_or_default()
}

fn parse_level(s: &str) -> Option<AccessLevel> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

fn level_name(level: AccessLevel) -> String {
    serde_json::to_value(level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn view(row: RecordAccessRow, now: i64) -> RecordAccessView {
    let (status, status_label) = if row.revoked_at.is_some() {
        ("revoked", "Đã thu hồi")
    } else if row.expires_at <= now {
        ("expired", "Đã hết hạn")
    } else {
        ("active", "Đang hiệu lực")
    };
    RecordAccessView {
        clearance_label: parse_level(&row.clearance)
            .map(|l| l.label_vi().to_string())
            .unwrap_or_default(),
        expires_on: last_day(row.expires_at),
        id: row.id,
        person_id: row.person_id,
        account_id: row.account_id,
        username: row.username,
        display_name: row.display_name,
        purpose: row.purpose,
        legal_ref: row.legal_ref,
        clearance: row.clearance,
        expires_at: row.expires_at,
        granted_by: row.granted_by,
        granted_at: row.granted_at,
        revoked_at: row.revoked_at,
        revoke_ref: row.revoke_ref,
        status: status.into(),
        status_label: status_label.into(),
    }
}

impl App {
    /// The person's unit path when `actor` administers the record; a record it cannot read is
    /// "not found", one it reads without administering it is refused (audited).
    async fn administered_record(
        &self,
        actor: &Actor,
        person_id: i64,
        action: AuditAction,
        client: &ClientInfo,
    ) -> AppResult<String> {
        let mut conn = self.store.reader().await?;
        if !self
            .may_person(&mut conn, actor, Capability::ReadRecords, person_id)
            .await?
        {
            return Err(AppError::record_not_found());
        }
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let unit = org_store::get(&mut conn, person.unit_id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        drop(conn);
        if !actor.administers(Some(&unit.path)) {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action,
                        about: About::new("person", person_id),
                        client,
                    },
                    "not_administrator_of_record",
                )
                .await);
        }
        Ok(unit.path)
    }

    /// Grants one account the right to read one record (see the module documentation).
    pub async fn grant_record_access(
        &self,
        actor: &Actor,
        person_id: i64,
        input: GrantRecordAccess,
        client: &ClientInfo,
    ) -> AppResult<RecordAccessView> {
        const ACTION: AuditAction = AuditAction::RecordAccessGrant;
        let unit_path = self
            .administered_record(actor, person_id, ACTION, client)
            .await?;
        let purpose = input.purpose.trim().to_string();
        if purpose.is_empty() || purpose.chars().count() > 500 {
            return Err(AppError::BadRequest(
                "Phải ghi mục đích truy cập hồ sơ (tối đa 500 ký tự).".into(),
            ));
        }
        let legal_ref = require_ref(&input.legal_ref).map_err(|_| {
            AppError::BadRequest(
                "Phải ghi số, ngày văn bản đồng ý của người có hồ sơ hoặc văn bản cho phép truy cập (tối đa 200 ký tự)."
                    .into(),
            )
        })?;
        let clearance = match input.clearance.as_deref().map(str::trim) {
            None | Some("") => AccessLevel::Internal,
            Some(s) => parse_level(s).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "Mức tiếp cận '{s}' không hợp lệ (public, internal, confidential, secret)."
                ))
            })?,
        };
        if actor
            .clearance_for(person_id, &unit_path)
            .is_none_or(|own| clearance > own)
        {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: ACTION,
                        about: About::new("person", person_id),
                        client,
                    },
                    "clearance_above_own",
                )
                .await);
        }
        let last = crate::movements::parse_day(&input.expires_on, "Ngày hết hạn")?;
        let today = self.today();
        if last < today {
            return Err(AppError::BadRequest(
                "Ngày hết hạn đã qua: quyền truy cập phải còn hiệu lực ít nhất đến hết hôm nay."
                    .into(),
            ));
        }
        if (last - today).whole_days() > MAX_DAYS {
            return Err(AppError::BadRequest(format!(
                "Quyền truy cập hồ sơ có thời hạn tối đa {MAX_DAYS} ngày; hết hạn thì cấp lại."
            )));
        }
        let end = last.next_day().unwrap_or(last);
        let expires_at = (end
            .midnight()
            .assume_offset(crate::clock::VIETNAM)
            .unix_timestamp_nanos()
            / 1_000_000) as i64;

        let username = input.username.trim();
        let mut conn = self.store.reader().await?;
        let grantee = accounts::by_username(&mut conn, username).await?;
        drop(conn);
        let Some(grantee) = grantee.filter(|a| a.active) else {
            return Err(AppError::BadRequest(format!(
                "Không tìm thấy tài khoản đang hoạt động có tên đăng nhập '{username}'."
            )));
        };
        if grantee.id == actor.account_id {
            return Err(AppError::BadRequest(
                "Không tự cấp quyền truy cập hồ sơ cho chính mình.".into(),
            ));
        }
        if grantee.person_id == Some(person_id) {
            return Err(AppError::BadRequest(
                "Đây là tài khoản của chính người có hồ sơ: họ đã xem được hồ sơ của mình.".into(),
            ));
        }

        let mut tx = self.begin_work(actor, client).await?;
        let id = store::insert(
            &mut tx,
            store::NewRecordAccess {
                person_id,
                account_id: grantee.id,
                purpose: &purpose,
                legal_ref: &legal_ref,
                clearance: &level_name(clearance),
                expires_at,
                granted_by: actor.account_id,
            },
            self.now_ms(),
        )
        .await?;
        tx.audit(
ACTION,
About::new("person", person_id),
serde_json::json!({
                    "grant_id": id, "account_id": grantee.id, "purpose": purpose,
                    "legal_ref": legal_ref, "clearance": level_name(clearance), "expires_at": expires_at,
                }),
)
.await?;
        let row = store::get(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::Internal("record access grant vanished".into()))?;
        tx.commit().await?;
        Ok(view(row, self.now_ms()))
    }

    /// Every outside-access grant of a record, live or past, for its administrators. Audited.
    pub async fn record_access_grants(
        &self,
        actor: &Actor,
        person_id: i64,
        client: &ClientInfo,
    ) -> AppResult<Vec<RecordAccessView>> {
        const ACTION: AuditAction = AuditAction::RecordAccessList;
        self.administered_record(actor, person_id, ACTION, client)
            .await?;
        let mut tx = self.begin_work(actor, client).await?;
        let rows = store::of_person(&mut tx, person_id).await?;
        tx.audit(
            ACTION,
            About::new("person", person_id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        let now = self.now_ms();
        Ok(rows.into_iter().map(|r| view(r, now)).collect())
    }

    /// Ends an outside-access grant at once.
    pub async fn revoke_record_access(
        &self,
        actor: &Actor,
        grant_id: i64,
        input: RevokeRecordAccess,
        client: &ClientInfo,
    ) -> AppResult<()> {
        const ACTION: AuditAction = AuditAction::RecordAccessRevoke;
        let not_found = || AppError::NotFound("Không tìm thấy quyền truy cập hồ sơ.");
        let mut conn = self.store.reader().await?;
        let grant = store::get(&mut conn, grant_id)
            .await?
            .ok_or_else(not_found)?;
        drop(conn);
        match self
            .administered_record(actor, grant.person_id, ACTION, client)
            .await
        {
            Err(AppError::NotFound(_)) => return Err(not_found()),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let request_ref = require_ref(&input.request_ref)?;
        let mut tx = self.begin_work(actor, client).await?;
        if !store::revoke(
            &mut tx,
            grant_id,
            actor.account_id,
            &request_ref,
            self.now_ms(),
        )
        .await?
        {
            return Err(AppError::Conflict(
                "Quyền truy cập hồ sơ này đã được thu hồi trước đó.".into(),
            ));
        }
        tx.audit(
            ACTION,
            About::new("person", grant.person_id),
            serde_json::json!({"grant_id": grant_id, "account_id": grant.account_id,
                    "request_ref": request_ref}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The records shared with the caller through live grants ("Hồ sơ được chia sẻ"). Audited.
    pub async fn shared_records(
        &self,
        actor: &Actor,
        client: &ClientInfo,
    ) -> AppResult<Vec<SharedRecordView>> {
        let mut tx = self.begin_work(actor, client).await?;
        let rows = store::live_of_account(&mut tx, actor.account_id, self.now_ms()).await?;
        tx.audit(
            AuditAction::RecordAccessListShared,
            About::new("account", actor.account_id),
            serde_json::json!({"count": rows.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| SharedRecordView {
                clearance_label: parse_level(&r.clearance)
                    .map(|l| l.label_vi().to_string())
                    .unwrap_or_default(),
                expires_on: last_day(r.expires_at),
                grant_id: r.grant_id,
                person_id: r.person_id,
                full_name: r.full_name,
                unit_name: r.unit_name,
                purpose: r.purpose,
                legal_ref: r.legal_ref,
            })
            .collect())
    }

    /// The live grant through which `actor` reads `person_id` now, with its field level.
    pub(crate) async fn live_record_access(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<Option<(RecordAccessRow, AccessLevel)>> {
        let mut conn = self.store.reader().await?;
        let row = store::live_for(&mut conn, actor.account_id, person_id, self.now_ms()).await?;
        Ok(row.and_then(|r| parse_level(&r.clearance).map(|l| (r, l))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_and_last_day_is_vietnam_time() {
        assert_eq!(parse_level("internal"), Some(AccessLevel::Internal));
        assert_eq!(parse_level("Mật"), None);
        assert_eq!(level_name(AccessLevel::Secret), "secret");
        // 2026-03-02 00:00 in Vietnam is 2026-03-01 17:00 UTC: the last day is 1 March.
        let end = time::macros::datetime!(2026-03-01 17:00 UTC);
        let ms = (end.unix_timestamp_nanos() / 1_000_000) as i64;
        assert_eq!(last_day(ms), "2026-03-01");
    }
}
