//! Catalogs (danh mục): read by everyone signed in, edited by the system administrator.
//! Edits take effect at once on this node (the in-memory copy is reloaded) and on the others
//! at their next poll of the reference versions (see [`crate::reference`]).

use hoso_domain::audit_action::AuditAction;
use std::collections::BTreeMap;
use std::sync::Arc;

use hoso_domain::catalog::{CATALOGS, CatalogItem, Catalogs};
use hoso_store::{catalogs as store, reference};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogSummary {
    pub name: String,
    pub label: String,
    pub items: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogItemView {
    pub kind: Option<String>,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub attrs: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogItemInput {
    /// Sub-list of the catalog where it has several (e.g. `ky_luat_cong_chuc`).
    pub kind: Option<String>,
    pub code: String,
    pub name: String,
    /// Reference of the decision that changed the catalog.
    pub decision_ref: String,
}

fn known(name: &str) -> AppResult<()> {
    if CATALOGS.iter().any(|(n, _, _)| *n == name) {
        Ok(())
    } else {
        Err(AppError::NotFound("Không tìm thấy danh mục."))
    }
}

impl App {
    pub fn list_catalogs(&self, _actor: &Actor) -> Vec<CatalogSummary> {
        let catalogs = self.catalogs();
        CATALOGS
            .iter()
            .map(|(name, label, _)| CatalogSummary {
                name: name.to_string(),
                label: label.to_string(),
                items: catalogs.items(name).len() as i64,
            })
            .collect()
    }

    pub async fn catalog_items(
        &self,
        _actor: &Actor,
        name: &str,
    ) -> AppResult<Vec<CatalogItemView>> {
        known(name)?;
        let mut conn = self.store.reader().await?;
        Ok(store::items_of(&mut conn, name)
            .await?
            .into_iter()
            .map(|(i, active)| CatalogItemView {
                kind: i.kind,
                code: i.code,
                name: i.name,
                active,
                attrs: i.attrs,
            })
            .collect())
    }

    pub(crate) async fn reload_catalogs(&self) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        let items = store::all_active(&mut conn).await?;
        let fresh = Arc::new(Catalogs::from_items(items));
        match self.catalogs.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Adds or renames an item. System administrator only.
    pub async fn put_catalog_item(
        &self,
        actor: &Actor,
        name: &str,
        input: CatalogItemInput,
        client: &ClientInfo,
    ) -> AppResult<CatalogItemView> {
        known(name)?;
        if !actor.is_system_admin() {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::CatalogPut,
                        about: About::new("catalog", name),
                        client,
                    },
                    "only the system administrator edits catalogs",
                )
                .await);
        }
        let code = input.code.trim();
        let label = input.name.trim();
        if code.is_empty()
            || code.len() > 64
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(AppError::BadRequest(
                "Mã danh mục chỉ gồm chữ, số và . _ - (tối đa 64 ký tự).".into(),
            ));
        }
        if label.is_empty() || label.chars().count() > 255 {
            return Err(AppError::BadRequest(
                "Tên mục danh mục không được để trống và dài tối đa 255 ký tự.".into(),
            ));
        }
        if input.decision_ref.trim().is_empty() {
            return Err(AppError::BadRequest(
                "Cần ghi số văn bản làm căn cứ thay đổi danh mục (decision_ref).".into(),
            ));
        }
        let kind = input
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string);
        let item = CatalogItem {
            catalog: name.to_string(),
            kind: kind.clone(),
            code: code.to_string(),
            name: label.to_string(),
            attrs: BTreeMap::new(),
        };
        let mut tx = self.begin_work(actor, client).await?;
        store::upsert(&mut tx, &item).await?;
        let version = reference::bump(&mut tx, reference::CATALOGS).await?;
        tx.audit(
            AuditAction::CatalogPut,
            About {
                kind: "catalog",
                id: Some(format!(
                    "{name}/{}/{code}",
                    kind.clone().unwrap_or_default()
                )),
            },
            serde_json::json!({"name": label, "decision_ref": input.decision_ref}),
        )
        .await?;
        tx.commit().await?;
        self.reload_catalogs().await?;
        self.reference_loaded(reference::CATALOGS, version);
        Ok(CatalogItemView {
            kind,
            code: code.to_string(),
            name: label.to_string(),
            active: true,
            attrs: BTreeMap::new(),
        })
    }

    /// Retires an item: existing records keep it, new values may not use it.
    pub async fn retire_catalog_item(
        &self,
        actor: &Actor,
        name: &str,
        kind: Option<&str>,
        code: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        known(name)?;
        if !actor.is_system_admin() {
            return Err(self
                .refusal(
                    actor,
                    Attempt {
                        action: AuditAction::CatalogRetire,
                        about: About::new("catalog", name),
                        client,
                    },
                    "only the system administrator edits catalogs",
                )
                .await);
        }
        let kind = kind.unwrap_or("");
        let mut tx = self.begin_work(actor, client).await?;
        if !store::deactivate(&mut tx, name, kind, code).await? {
            return Err(AppError::NotFound("Không tìm thấy mục danh mục."));
        }
        let version = reference::bump(&mut tx, reference::CATALOGS).await?;
        tx.audit(
            AuditAction::CatalogRetire,
            About {
                kind: "catalog",
                id: Some(format!("{name}/{kind}/{code}")),
            },
            serde_json::Value::Null,
        )
        .await?;
        tx.commit().await?;
        self.reload_catalogs().await?;
        self.reference_loaded(reference::CATALOGS, version);
        Ok(())
    }
}
