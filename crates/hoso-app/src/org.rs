//! The organisation tree (F1): browse, create, rename, move, dissolve — with history.

use hoso_domain::audit_action::AuditAction;
use std::collections::HashMap;

use hoso_domain::org::{OrgUnitKind, is_within};
use hoso_store::org::{self as store, OrgUnitRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::About;
use crate::{Actor, App, AppError, AppResult, Capability, ClientInfo, Target};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub depth: i64,
    pub valid_from: String,
    pub dissolved_on: Option<String>,
    /// People working in this unit itself (not its subunits).
    pub staff_count: i64,
}

fn view(u: OrgUnitRow, staff_count: i64) -> OrgUnitView {
    let kind_label = OrgUnitKind::parse(&u.kind)
        .map(|k| k.label_vi().to_string())
        .unwrap_or_default();
    OrgUnitView {
        id: u.id,
        parent_id: u.parent_id,
        code: u.code,
        name: u.name,
        kind: u.kind,
        kind_label,
        depth: u.depth,
        valid_from: u.valid_from,
        dissolved_on: u.dissolved_on,
        staff_count,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitDetail {
    #[serde(flatten)]
    pub unit: OrgUnitView,
    /// People working in the whole subtree.
    pub subtree_staff_count: i64,
    pub history: Vec<OrgUnitChange>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitChange {
    pub change: String,
    pub effective_on: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub decision_ref: Option<String>,
    /// For a merge or split: the units this one went into (`merged_into`, `split_into`) or
    /// came from (`merged_from`, `split_from`).
    pub related_unit_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgUnit {
    pub parent_id: i64,
    pub code: String,
    pub name: String,
    /// administrative_agency, commune, public_service_unit, department; district only before
    /// 01/7/2025 (a province entering its tree as it stood then).
    pub kind: String,
    /// ISO date the unit exists from (decision date); today when absent.
    pub valid_from: Option<String>,
    /// Number of the establishing decision.
    pub decision_ref: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeOrgUnit {
    /// New name (rename).
    pub name: Option<String>,
    /// New parent (move).
    pub parent_id: Option<i64>,
    /// Dissolve on this ISO date.
    pub dissolve_on: Option<String>,
    pub effective_on: Option<String>,
    pub decision_ref: Option<String>,
}

fn parse_date(field: &str, s: &str) -> AppResult<time::Date> {
    hoso_domain::typed_date::parse_named(s, field).map_err(AppError::BadRequest)
}

impl App {
    /// The units the caller may see, parents before children, with staff counts.
    pub async fn org_units(&self, actor: &Actor) -> AppResult<Vec<OrgUnitView>> {
        let mut conn = self.store.reader().await?;
        let roots: Vec<String> = match actor.unit_paths() {
            None => store::roots(&mut conn)
                .await?
                .into_iter()
                .map(|u| u.path)
                .collect(),
            Some(paths) => minimal_paths(paths),
        };
        let mut out = Vec::new();
        for root in roots {
            let counts: HashMap<i64, i64> = store::staff_counts(&mut conn, &root)
                .await?
                .into_iter()
                .collect();
            for u in store::subtree(&mut conn, &root).await? {
                let n = counts.get(&u.id).copied().unwrap_or(0);
                out.push(view(u, n));
            }
        }
        Ok(out)
    }

    pub(crate) async fn visible_unit(&self, actor: &Actor, id: i64) -> AppResult<OrgUnitRow> {
        let mut conn = self.store.reader().await?;
        let unit = store::get(&mut conn, id)
            .await?
            .ok_or_else(AppError::unit_not_found)?;
        if !actor
            .capabilities()
            .may(Capability::SeeUnits, Target::Unit(&unit.path))
        {
            return Err(AppError::unit_not_found());
        }
        Ok(unit)
    }

    /// A unit the caller sees, by its code (forms name units as decisions do).
    pub async fn org_unit_by_code(&self, actor: &Actor, code: &str) -> AppResult<OrgUnitView> {
        let mut conn = self.store.reader().await?;
        let unknown = || {
            AppError::BadRequest(format!(
                "Không có đơn vị nào mã '{code}' trong phạm vi của bạn."
            ))
        };
        let unit = store::get_by_code(&mut conn, code)
            .await?
            .ok_or_else(unknown)?;
        if !actor
            .capabilities()
            .may(Capability::SeeUnits, Target::Unit(&unit.path))
        {
            return Err(unknown());
        }
        Ok(view(unit, 0))
    }

    pub async fn org_unit(&self, actor: &Actor, id: i64) -> AppResult<OrgUnitDetail> {
        let unit = self.visible_unit(actor, id).await?;
        let mut conn = self.store.reader().await?;
        let subtree_staff_count = store::count_people_in_subtree(&mut conn, &unit.path).await?;
        let own = store::staff_counts(&mut conn, &unit.path)
            .await?
            .into_iter()
            .find(|(u, _)| *u == unit.id)
            .map_or(0, |c| c.1);
        let history = store::history(&mut conn, unit.id)
            .await?
            .into_iter()
            .map(|h| OrgUnitChange {
                change: h.change,
                effective_on: h.effective_on,
                name: h.name,
                kind: h.kind,
                parent_id: h.parent_id,
                decision_ref: h.decision_ref,
                related_unit_ids: h.related_unit_ids,
            })
            .collect();
        Ok(OrgUnitDetail {
            unit: view(unit, own),
            subtree_staff_count,
            history,
        })
    }

    pub async fn create_org_unit(
        &self,
        actor: &Actor,
        input: CreateOrgUnit,
        client: &ClientInfo,
    ) -> AppResult<OrgUnitView> {
        let parent = self.visible_unit(actor, input.parent_id).await?;
        if !actor.may_manage_units_under(&parent.path) {
            return Err(AppError::Forbidden);
        }
        let kind = OrgUnitKind::parse(&input.kind).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Loại đơn vị '{}' không hợp lệ. Chọn: administrative_agency, commune, public_service_unit, department, district.",
                input.kind
            ))
        })?;
        let parent_kind = OrgUnitKind::parse(&parent.kind).unwrap_or(OrgUnitKind::Province);
        if !parent_kind.may_contain(kind) {
            return Err(AppError::BadRequest(format!(
                "{} không thể trực thuộc {} ('{}').",
                kind.label_vi(),
                parent_kind.label_vi().to_lowercase(),
                parent.name
            )));
        }
        if parent.dissolved_on.is_some() {
            return Err(AppError::BadRequest(format!(
                "Đơn vị cấp trên '{}' đã giải thể.",
                parent.name
            )));
        }
        let name = input.name.trim();
        let code = input.code.trim();
        if name.is_empty() || name.chars().count() > 255 {
            return Err(AppError::BadRequest(
                "Tên đơn vị không được để trống và dài tối đa 255 ký tự.".into(),
            ));
        }
        if code.is_empty()
            || code.len() > 64
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            return Err(AppError::BadRequest(
                "Mã đơn vị chỉ gồm chữ, số và . - _ (tối đa 64 ký tự).".into(),
            ));
        }
        let valid_from = match &input.valid_from {
            Some(s) => parse_date("Ngày thành lập", s)?,
            None => self.today(),
        };
        kind.check_set_up_on(valid_from)
            .map_err(AppError::BadRequest)?;
        let mut tx = self.begin_work(actor, client).await?;
        if store::get_by_code(&mut tx, code).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "Mã đơn vị '{code}' đã được dùng."
            )));
        }
        let unit = store::insert(
            &mut tx,
            store::NewOrgUnit {
                parent: Some(&parent),
                code,
                name,
                kind: kind.as_str(),
                valid_from: &valid_from.to_string(),
                actor_id: Some(actor.account_id),
                decision_ref: input.decision_ref.as_deref(),
            },
            self.now_ms(),
        )
        .await?;
        tx.audit(
            AuditAction::OrgCreate,
            About::new("org_unit", unit.id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        Ok(view(unit, 0))
    }

    /// Renames, moves or dissolves a unit; each change is kept in its history.
    pub async fn change_org_unit(
        &self,
        actor: &Actor,
        id: i64,
        input: ChangeOrgUnit,
        client: &ClientInfo,
    ) -> AppResult<OrgUnitDetail> {
        let unit = self.visible_unit(actor, id).await?;
        if !actor.may_manage_units_under(&unit.path)
            || unit.parent_id.is_none() && !actor.is_system_admin()
        {
            return Err(AppError::Forbidden);
        }
        if input.name.is_none() && input.parent_id.is_none() && input.dissolve_on.is_none() {
            return Err(AppError::BadRequest(
                "Không có thay đổi nào: cần name, parent_id hoặc dissolve_on.".into(),
            ));
        }
        let effective_on = match &input.effective_on {
            Some(s) => parse_date("Ngày hiệu lực", s)?,
            None => self.today(),
        }
        .to_string();
        let mut tx = self.begin_work(actor, client).await?;
        let mut current = unit.clone();
        if let Some(name) = input.name.as_deref().map(str::trim) {
            if name.is_empty() || name.chars().count() > 255 {
                return Err(AppError::BadRequest(
                    "Tên đơn vị không được để trống và dài tối đa 255 ký tự.".into(),
                ));
            }
            store::rename(&mut tx, id, name).await?;
            current.name = name.to_string();
            store::record_history(
                &mut tx,
                id,
                "renamed",
                &effective_on,
                name,
                &current.kind,
                current.parent_id,
                Some(actor.account_id),
                input.decision_ref.as_deref(),
                self.now_ms(),
            )
            .await?;
        }
        if let Some(parent_id) = input.parent_id {
            let parent = store::get(&mut tx, parent_id)
                .await?
                .ok_or_else(AppError::unit_not_found)?;
            if !actor.may_manage_units_under(&parent.path) {
                return Err(AppError::unit_not_found());
            }
            if is_within(&parent.path, &unit.path) {
                return Err(AppError::BadRequest(
                    "Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.".into(),
                ));
            }
            let kind = OrgUnitKind::parse(&unit.kind).unwrap_or(OrgUnitKind::Department);
            let parent_kind = OrgUnitKind::parse(&parent.kind).unwrap_or(OrgUnitKind::Province);
            if !parent_kind.may_contain(kind) {
                return Err(AppError::BadRequest(format!(
                    "{} không thể trực thuộc '{}'.",
                    kind.label_vi(),
                    parent.name
                )));
            }
            store::move_under(&mut tx, &unit, &parent).await?;
            current.parent_id = Some(parent.id);
            store::record_history(
                &mut tx,
                id,
                "moved",
                &effective_on,
                &current.name,
                &current.kind,
                Some(parent.id),
                Some(actor.account_id),
                input.decision_ref.as_deref(),
                self.now_ms(),
            )
            .await?;
        }
        if let Some(on) = &input.dissolve_on {
            let on = parse_date("Ngày giải thể", on)?.to_string();
            let staff = store::count_people_in_subtree(&mut tx, &unit.path).await?;
            if staff > 0 {
                return Err(AppError::Conflict(format!(
                    "Đơn vị còn {staff} người đang công tác. Cần điều chuyển hết trước khi giải thể."
                )));
            }
            store::dissolve(&mut tx, id, &on).await?;
            store::record_history(
                &mut tx,
                id,
                "dissolved",
                &on,
                &current.name,
                &current.kind,
                current.parent_id,
                Some(actor.account_id),
                input.decision_ref.as_deref(),
                self.now_ms(),
            )
            .await?;
        }
        tx.audit(
            AuditAction::OrgChange,
            About::new("org_unit", id),
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        self.org_unit(actor, id).await
    }
}

/// Drops paths that lie inside another path of the list, so no subtree is listed twice.
pub(crate) fn minimal_paths(mut paths: Vec<String>) -> Vec<String> {
    paths.sort();
    paths.dedup();
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        if !out.iter().any(|o| is_within(&p, o)) {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minimal_paths;

    #[test]
    fn nested_grants_list_each_subtree_once() {
        let paths = vec![
            "/1/5/7/".into(),
            "/1/5/".into(),
            "/1/9/".into(),
            "/1/5/".into(),
        ];
        assert_eq!(
            minimal_paths(paths),
            vec!["/1/5/".to_string(), "/1/9/".to_string()]
        );
    }
}
