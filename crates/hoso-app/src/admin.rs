//! What the administration and "my account" pages need beside the API's use cases: finding a
//! staff account by name, one account with what the caller may do to it, the units a caller may
//! hand out grants on or create records in, and the password policy checked as the user types.

use hoso_domain::password_policy::PersonalData;
use hoso_domain::search_key::fold;
use hoso_store::accounts as store;
use hoso_store::org as org_store;

use crate::accounts::{AccountView, GrantView};
use crate::security::password_personal_data;
use crate::{Actor, App, AppError, AppResult, Page, Paging};

/// One staff account as an administrator sees it.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub account: AccountView,
    /// The caller administers every grant of the account: it may grant, change, revoke and reset.
    pub manageable: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    /// Locked after repeated failed sign-ins, until this instant (milliseconds).
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

/// A unit offered in a chooser, parents before children.
#[derive(Debug, Clone)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    /// The name with its parent's where the parent is in the list ("Văn phòng — Sở Y tế").
    pub label: String,
    pub depth: i64,
}

fn not_found() -> AppError {
    AppError::NotFound("Không tìm thấy tài khoản.")
}

impl App {
    /// Only administrators see accounts (the same rule as [`App::list_accounts`]).
    fn may_list_accounts(actor: &Actor) -> bool {
        actor
            .capabilities()
            .may_somewhere(crate::authz::Capability::SeeAdministration)
    }

    /// Staff accounts inside the caller's subtrees whose username or name contains `q`,
    /// accent-insensitively ("nguyen" finds "Nguyễn").
    pub async fn search_accounts(
        &self,
        actor: &Actor,
        q: Option<&str>,
        page: Option<i64>,
        per_page: Option<i64>,
    ) -> AppResult<Page<AccountView>> {
        if !Self::may_list_accounts(actor) {
            return Err(AppError::Forbidden);
        }
        let paging = Paging::new(page, per_page)?;
        let needle = q.map(fold).filter(|s| !s.is_empty());
        let paths = actor.unit_paths();
        let mut conn = self.store.reader().await?;
        let matching: Vec<i64> = store::staff_account_names(&mut conn, paths.as_deref())
            .await?
            .into_iter()
            .filter(|(_, username, name)| match &needle {
                None => true,
                Some(n) => fold(username).contains(n) || fold(name).contains(n),
            })
            .map(|(id, _, _)| id)
            .collect();
        let total = matching.len() as i64;
        let mut items = Vec::new();
        for id in matching
            .into_iter()
            .skip(paging.offset() as usize)
            .take(paging.per_page as usize)
        {
            if let Some(a) = store::by_id(&mut conn, id).await? {
                let grants = store::grants_of(&mut conn, id).await?;
                items.push(account_view(a, grants));
            }
        }
        Ok(Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    /// One staff account the caller sees in its list; any other answers "not found".
    pub async fn account_detail(&self, actor: &Actor, id: i64) -> AppResult<AccountDetail> {
        if !Self::may_list_accounts(actor) {
            return Err(not_found());
        }
        let paths = actor.unit_paths();
        let mut conn = self.store.reader().await?;
        let visible = store::staff_account_names(&mut conn, paths.as_deref())
            .await?
            .iter()
            .any(|(a, _, _)| *a == id);
        if !visible {
            return Err(not_found());
        }
        let account = store::by_id(&mut conn, id).await?.ok_or_else(not_found)?;
        let manageable = self.manages_account(&mut conn, actor, &account).await?;
        let grants = store::grants_of(&mut conn, id).await?;
        Ok(AccountDetail {
            manageable,
            totp_enabled: account.totp_enabled,
            must_change_password: account.must_change_password,
            locked_until: account.locked_until.filter(|t| *t > hoso_store::now_ms()),
            created_at: account.created_at,
            account: account_view(account, grants),
        })
    }

    /// Units the caller may hand out grants on: the subtrees it administers.
    pub async fn units_to_administer(&self, actor: &Actor) -> AppResult<Vec<UnitChoice>> {
        self.units_under(actor.administered_subtrees()).await
    }

    /// Units the caller may create records in (its writable scope).
    pub async fn units_to_write(&self, actor: &Actor) -> AppResult<Vec<UnitChoice>> {
        let scope = actor.write_scope();
        let tops = (!scope.everything).then_some(scope.subtrees);
        self.units_under(tops).await
    }

    /// Every live unit of the province, for the receiving unit of a movement: an HR officer
    /// sends people to units it does not see.
    pub async fn movement_destinations(&self, actor: &Actor) -> AppResult<Vec<UnitChoice>> {
        if !actor
            .capabilities()
            .may_somewhere(crate::Capability::WriteRecords)
        {
            return Err(AppError::Forbidden);
        }
        self.units_under(None).await
    }

    /// Every live unit under `tops` (the whole province when `None`).
    async fn units_under(&self, tops: Option<Vec<String>>) -> AppResult<Vec<UnitChoice>> {
        let mut conn = self.store.reader().await?;
        let roots: Vec<String> = match tops {
            None => org_store::roots(&mut conn)
                .await?
                .into_iter()
                .map(|u| u.path)
                .collect(),
            Some(paths) => crate::org::minimal_paths(paths),
        };
        let mut out = Vec::new();
        for root in roots {
            let units = org_store::subtree(&mut conn, &root).await?;
            let names: std::collections::HashMap<i64, &str> =
                units.iter().map(|u| (u.id, u.name.as_str())).collect();
            for u in units.iter().filter(|u| u.dissolved_on.is_none()) {
                let parent = u.parent_id.and_then(|p| names.get(&p).copied());
                out.push(UnitChoice {
                    id: u.id,
                    label: hoso_domain::org::unit_label(&u.name, parent),
                    name: u.name.clone(),
                    depth: u.depth,
                });
            }
        }
        Ok(out)
    }

    /// The policy rules a candidate new password does not meet yet, for feedback while typing.
    /// Only the caller's own data is used and nothing is stored; the change itself
    /// ([`App::change_own_password`]) checks again.
    pub async fn password_problems(
        &self,
        actor: &Actor,
        candidate: &str,
    ) -> AppResult<Vec<String>> {
        if candidate.len() > 1024 {
            return Ok(vec!["dài quá 1024 byte".into()]);
        }
        let mut conn = self.store.reader().await?;
        let account = store::by_id(&mut conn, actor.account_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (full_name, dob, unit_name) =
            password_personal_data(self, &mut conn, Some(actor), &account).await?;
        Ok(self.policy().check(
            candidate,
            &PersonalData {
                username: &account.username,
                full_name: Some(&full_name),
                date_of_birth: dob.as_deref(),
                unit_name: unit_name.as_deref(),
            },
        ))
    }

    /// Display names of the accounts behind audit entries, for administrators (who may search
    /// the trail); nobody else learns names this way.
    pub async fn actor_names(
        &self,
        actor: &Actor,
        ids: Vec<i64>,
    ) -> AppResult<std::collections::HashMap<i64, String>> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        self.display_names(ids).await
    }

    /// Names of the records audit entries are about, for administrators searching the trail:
    /// "Hồ sơ Nguyễn Văn An", not "Hồ sơ 267". A record outside the caller's scope stays a
    /// number.
    pub async fn audited_person_names(
        &self,
        actor: &Actor,
        ids: Vec<i64>,
    ) -> AppResult<std::collections::HashMap<i64, String>> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let caps = actor.capabilities();
        let mut out = std::collections::HashMap::new();
        let mut conn = self.store.reader().await?;
        for id in ids {
            if out.contains_key(&id) {
                continue;
            }
            if let Some(person) = hoso_store::persons::get(&mut conn, id).await?
                && let Some(unit) = org_store::get(&mut conn, person.unit_id).await?
                && caps.may_name_unit(&unit.path)
            {
                out.insert(id, person.full_name);
            }
        }
        Ok(out)
    }

    /// Names of the accounts that wrote the versions a caller has been shown: a record's
    /// history says who changed it ("Cán bộ tổ chức — Văn phòng — Sở Y tế", not an account
    /// number). Only the authors of `versions` are named.
    pub async fn version_authors(
        &self,
        versions: &[crate::records::VersionSummary],
    ) -> AppResult<std::collections::HashMap<i64, String>> {
        self.display_names(versions.iter().filter_map(|v| v.created_by).collect())
            .await
    }

    /// The display names of these accounts (each read once); unknown ids are left out.
    pub(crate) async fn display_names(
        &self,
        ids: Vec<i64>,
    ) -> AppResult<std::collections::HashMap<i64, String>> {
        let mut out = std::collections::HashMap::new();
        let mut conn = self.store.reader().await?;
        for id in ids {
            if !out.contains_key(&id)
                && let Some(a) = store::by_id(&mut conn, id).await?
            {
                out.insert(id, a.display_name);
            }
        }
        Ok(out)
    }

    /// The id of the account with this username, for an administrator's audit search.
    pub async fn account_id_of(&self, actor: &Actor, username: &str) -> AppResult<Option<i64>> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let mut conn = self.store.reader().await?;
        Ok(store::by_username(&mut conn, username.trim())
            .await?
            .map(|a| a.id))
    }

    /// Whether one's own account already requires a second factor at sign-in.
    pub async fn my_totp_enabled(&self, actor: &Actor) -> AppResult<bool> {
        let mut conn = self.store.reader().await?;
        Ok(store::totp_state(&mut conn, actor.account_id)
            .await?
            .enabled)
    }
}

fn account_view(a: store::AccountRow, grants: Vec<store::GrantRow>) -> AccountView {
    AccountView {
        id: a.id,
        username: a.username,
        display_name: a.display_name,
        active: a.active,
        person_id: a.person_id,
        grants: grants.into_iter().map(GrantView::from).collect(),
    }
}
