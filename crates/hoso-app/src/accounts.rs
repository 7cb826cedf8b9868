//! Reading accounts: oneself, and the staff accounts of one's subtree.

use hoso_domain::access::Role;
use hoso_store::accounts as store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult, Grant, Page, Paging};

impl From<store::GrantRow> for GrantView {
    fn from(g: store::GrantRow) -> Self {
        GrantView {
            id: g.id,
            role_label: Role::parse(&g.role)
                .map(|r| r.label_vi().to_string())
                .unwrap_or_default(),
            role: g.role,
            unit_id: g.unit_id,
            read_only: g.read_only,
            request_ref: g.request_ref,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub roles: Vec<String>,
    pub grants: Vec<Grant>,
    /// Units the account may act on (tops of its subtrees); empty for individuals.
    pub unit_ids: Vec<i64>,
    /// True when the account acts on the whole province.
    pub whole_province: bool,
    pub must_change_password: bool,
    /// The password is past its maximum age: change it before anything else.
    pub password_expired: bool,
    /// A second factor is required of this account and not yet enrolled (`POST /api/v1/me/totp`).
    pub totp_enrolment_required: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub person_id: Option<i64>,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantView {
    pub id: i64,
    pub role: String,
    pub role_label: String,
    pub unit_id: Option<i64>,
    pub read_only: bool,
    pub request_ref: Option<String>,
}

impl App {
    pub fn me(&self, actor: &Actor) -> MeView {
        let mut roles: Vec<String> = actor
            .grants
            .iter()
            .map(|g| g.role.as_str().to_string())
            .collect();
        roles.sort();
        roles.dedup();
        MeView {
            account_id: actor.account_id,
            username: actor.username.clone(),
            display_name: actor.display_name.clone(),
            person_id: actor.person_id,
            roles,
            grants: actor.grants.clone(),
            unit_ids: actor
                .grants
                .iter()
                .filter(|g| g.role != Role::Individual)
                .filter_map(|g| g.unit_id)
                .collect(),
            whole_province: actor.unit_paths().is_none(),
            must_change_password: actor.must_change_password,
            password_expired: actor.password_expired,
            totp_enrolment_required: actor.totp_enrolment_required,
        }
    }

    /// Staff accounts (administrators, approvers, viewers) with grants inside the caller's
    /// subtrees. Only administrators may list accounts.
    pub async fn list_accounts(
        &self,
        actor: &Actor,
        page: Option<i64>,
        per_page: Option<i64>,
    ) -> AppResult<Page<AccountView>> {
        if !actor
            .grants
            .iter()
            .any(|g| matches!(g.role, Role::SystemAdmin | Role::UnitAdmin))
        {
            return Err(AppError::Forbidden);
        }
        let paging = Paging::new(page, per_page)?;
        let paths = actor.unit_paths();
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::list_staff_accounts(
            &mut conn,
            paths.as_deref(),
            paging.per_page,
            paging.offset(),
        )
        .await?;
        let items = rows
            .into_iter()
            .map(|a| AccountView {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                active: a.active,
                person_id: a.person_id,
                grants: a.grants.into_iter().map(GrantView::from).collect(),
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }
}
