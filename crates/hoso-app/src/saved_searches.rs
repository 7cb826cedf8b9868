//! Searches and reports saved by name: the address of the page that runs them (the staff list,
//! the report builder, a statutory form, alerts, data quality), personal or shared with a unit
//! the owner works in. A saved search keeps the question only: whoever opens it runs it within
//! their own rights, so sharing never widens anyone's scope.

use hoso_domain::audit_action::AuditAction;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use hoso_store::org::{self as org_store, OrgUnitRow};
use hoso_store::saved_searches as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

const MAX_NAME: usize = 100;
const MAX_LINK: usize = 2000;

/// The pages a search can be saved from, and the prefix of the statutory forms.
const PAGES: [&str; 5] = [
    "/can-bo",
    "/bao-cao",
    "/bao-cao-dinh-ky",
    "/chat-luong-du-lieu",
    "/canh-bao",
];
const FORMS: &str = "/bao-cao/mau";

/// A search to save.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedSearch {
    /// What its owner calls it (unique among theirs).
    pub name: String,
    /// The address of the page that runs it, e.g. `/can-bo?q=nguyen&status=working` or
    /// `/bao-cao/mau/bm01-cong-chuc?don_vi=12`.
    pub link: String,
    /// Shared with the people who see this unit (one where the owner works); none: personal.
    pub shared_unit_id: Option<i64>,
}

/// A saved search as its reader sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedSearchView {
    pub id: i64,
    pub name: String,
    pub link: String,
    pub shared_unit_id: Option<i64>,
    pub shared_unit_name: Option<String>,
    /// The reader saved it (and may delete it).
    pub mine: bool,
}

/// Whether the link opens one of the pages a search is saved from, on this site.
pub fn link_ok(link: &str) -> bool {
    if link.len() > MAX_LINK || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let path = link.split(['?', '#']).next().unwrap_or_default();
    PAGES.contains(&path)
        || path
            .strip_prefix(FORMS)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|form| {
                !form.is_empty()
                    && form.split('/').all(|part| {
                        !part.is_empty()
                            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    })
            })
}

/// Whether the account sees the unit at `path` through its staff grants (not as an individual).
fn sees_unit(actor: &Actor, path: &str) -> bool {
    match actor.unit_paths() {
        None => true,
        Some(paths) => paths.iter().any(|p| path.starts_with(p.as_str())),
    }
}

impl App {
    /// The units the caller may share a search with: those its staff grants are on (the
    /// province's top units for a province-wide grant), by name.
    pub async fn units_to_share_with(&self, actor: &Actor) -> AppResult<Vec<(i64, String)>> {
        let mut conn = self.store.reader().await?;
        let mut out: Vec<(i64, String)> = Vec::new();
        for g in actor
            .grants
            .iter()
            .filter(|g| g.role != hoso_domain::access::Role::Individual)
        {
            let units = match g.unit_id {
                Some(id) => org_store::get(&mut conn, id).await?.into_iter().collect(),
                None => org_store::roots(&mut conn).await?,
            };
            for u in units {
                if !out.iter().any(|(id, _)| *id == u.id) {
                    out.push((u.id, u.name));
                }
            }
        }
        Ok(out)
    }

    /// Saves a search for the caller, personal or shared with a unit it sees. Audited.
    pub async fn save_search(
        &self,
        actor: &Actor,
        new: &NewSavedSearch,
        client: &ClientInfo,
    ) -> AppResult<SavedSearchView> {
        let mut conn = self.store.reader().await?;
        // Rights first: a unit the caller does not see is "not found".
        let shared = match new.shared_unit_id {
            None => None,
            Some(id) => {
                let unit = org_store::get(&mut conn, id)
                    .await?
                    .filter(|u| sees_unit(actor, &u.path))
                    .ok_or_else(AppError::unit_not_found)?;
                Some(unit)
            }
        };
        drop(conn);
        let name = new.name.trim();
        if name.is_empty() {
            return Err(AppError::BadRequest(
                "Đặt tên cho tìm kiếm để tìm lại sau.".into(),
            ));
        }
        if name.chars().count() > MAX_NAME {
            return Err(AppError::BadRequest(format!(
                "Tên dài quá {MAX_NAME} ký tự."
            )));
        }
        let link = new.link.trim();
        if !link_ok(link) {
            return Err(AppError::BadRequest(format!(
                "Chỉ lưu được địa chỉ của danh sách cán bộ, báo cáo, mẫu báo cáo, cảnh báo hoặc chất lượng dữ liệu trên trang này (bắt đầu bằng {}), dài không quá {MAX_LINK} ký tự.",
                PAGES.join(", ")
            )));
        }
        let mut work = self.begin_work(actor, client).await?;
        let id = store::insert(
            &mut work,
            actor.account_id,
            name,
            link,
            shared.as_ref().map(|u| u.id),
            self.now_ms(),
        )
        .await?
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "Bạn đã lưu một tìm kiếm tên «{name}»: chọn tên khác hoặc xóa tìm kiếm cũ."
            ))
        })?;
        work.audit(
            AuditAction::SavedSearchSave,
            About::new("saved_search", id),
            serde_json::json!({ "name": name, "link": link, "shared_unit_id": new.shared_unit_id }),
        )
        .await?;
        work.commit().await?;
        Ok(SavedSearchView {
            id,
            name: name.to_string(),
            link: link.to_string(),
            shared_unit_id: shared.as_ref().map(|u| u.id),
            shared_unit_name: shared.map(|u| u.name),
            mine: true,
        })
    }

    /// The caller's saved searches and those shared with the units it sees, by name.
    pub async fn saved_searches(&self, actor: &Actor) -> AppResult<Vec<SavedSearchView>> {
        let mut conn = self.store.reader().await?;
        let rows = store::own_and_shared(&mut conn, actor.account_id).await?;
        // Each unit shared with read once, however many searches name it.
        let mut units: HashMap<i64, Option<OrgUnitRow>> = HashMap::new();
        let mut out = Vec::new();
        for r in rows {
            let mine = r.account_id == actor.account_id;
            let unit = match r.shared_unit_id {
                Some(id) => {
                    if let Entry::Vacant(slot) = units.entry(id) {
                        slot.insert(org_store::get(&mut conn, id).await?);
                    }
                    units[&id].clone()
                }
                None => None,
            };
            if !mine && !unit.as_ref().is_some_and(|u| sees_unit(actor, &u.path)) {
                continue;
            }
            out.push(SavedSearchView {
                id: r.id,
                name: r.name,
                link: r.link,
                shared_unit_id: r.shared_unit_id,
                shared_unit_name: unit.map(|u| u.name),
                mine,
            });
        }
        Ok(out)
    }

    /// Deletes one of the caller's saved searches: another's it sees is forbidden, one it does
    /// not see is not found. Audited.
    pub async fn delete_saved_search(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let found = store::get(&mut conn, id).await?;
        let not_found = || AppError::NotFound("Không tìm thấy tìm kiếm đã lưu.");
        let saved = found.ok_or_else(not_found)?;
        if saved.account_id != actor.account_id {
            let visible = match saved.shared_unit_id {
                Some(unit) => org_store::get(&mut conn, unit)
                    .await?
                    .is_some_and(|u| sees_unit(actor, &u.path)),
                None => false,
            };
            return Err(if visible {
                AppError::Forbidden
            } else {
                not_found()
            });
        }
        drop(conn);
        let mut work = self.begin_work(actor, client).await?;
        store::delete(&mut work, id).await?;
        work.audit(
            AuditAction::SavedSearchDelete,
            About::new("saved_search", id),
            serde_json::json!({ "name": saved.name }),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_lists_and_reports_are_saved() {
        for ok in [
            "/can-bo",
            "/can-bo?q=nguyen&status=working",
            "/bao-cao?nhom=gender&do=count",
            "/bao-cao/mau/bm01-cong-chuc?don_vi=12",
            "/bao-cao/mau/bm01-cong-chuc/danh-sach?cot=female",
            "/bao-cao-dinh-ky?state=overdue",
            "/canh-bao?kind=retirement",
        ] {
            assert!(link_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "https://example.com/can-bo",
            "//example.com/can-bo",
            "/ho-so/12",
            "/can-bo-khac",
            "/bao-cao/mau/",
            "/bao-cao/mau/../quan-tri",
            "/can-bo?q=a b",
            "/can-bo?q=a\nb",
            "javascript:alert(1)",
        ] {
            assert!(!link_ok(bad), "{bad}");
        }
        assert!(!link_ok(&format!("/can-bo?q={}", "a".repeat(MAX_LINK))));
    }
}
