//! Column mappings saved for the next import (issue 11, item 3): an HR officer who mapped the
//! columns of a unit's list by hand saves the mapping under a name; the next file of the same
//! layout takes it by the headers it finds, whatever their position. Mappings hold no
//! personal data and are shared by everyone who imports; the one who saved a mapping (or the
//! system administrator) may delete it.

use std::collections::BTreeMap;

use hoso_domain::audit_action::AuditAction;
use hoso_import::{Column, Target};
use hoso_store::import_mappings as store;
use serde::{Deserialize, Serialize};

use crate::authz::Attempt;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// Longest name of a saved mapping.
pub const NAME_MAX_CHARS: usize = 100;

/// One column of a saved mapping: the header as the file words it and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedColumn {
    pub header: String,
    pub target: Target,
}

/// A saved mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportMapping {
    pub id: i64,
    pub name: String,
    pub columns: Vec<MappedColumn>,
    pub saved_by: i64,
    /// Milliseconds since the Unix epoch.
    pub saved_at: i64,
}

impl ImportMapping {
    fn from_row(row: store::ImportMappingRow) -> AppResult<ImportMapping> {
        let columns = serde_json::from_str(&row.columns)
            .map_err(|e| AppError::Internal(format!("import mapping {}: {e}", row.id)))?;
        Ok(ImportMapping {
            id: row.id,
            name: row.name,
            columns,
            saved_by: row.saved_by,
            saved_at: row.saved_at,
        })
    }

    /// The mapping laid on the columns of a file: column index → target, for every column
    /// whose header the mapping names (headers compared without case and extra spaces).
    pub fn overrides_for(&self, columns: &[Column]) -> BTreeMap<usize, Target> {
        let by_header: BTreeMap<String, &Target> = self
            .columns
            .iter()
            .map(|c| (header_key(&c.header), &c.target))
            .collect();
        columns
            .iter()
            .filter_map(|c| {
                by_header
                    .get(&header_key(&c.header))
                    .map(|t| (c.index, (*t).clone()))
            })
            .collect()
    }
}

/// How headers are compared: "Ngày  vào ngành " and "ngày vào ngành" are one header.
fn header_key(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The columns of a file as read (matched by their headers, mapped by hand or by a saved
/// mapping), as a mapping to save: every column with a header and a target.
pub fn mapping_of(columns: &[Column]) -> Vec<MappedColumn> {
    columns
        .iter()
        .filter(|c| !c.header.trim().is_empty())
        .filter_map(|c| {
            c.target.as_ref().map(|t| MappedColumn {
                header: c.header.clone(),
                target: t.clone(),
            })
        })
        .collect()
}

impl App {
    /// Who imports somewhere may use and save mappings; anyone else is refused (audited).
    async fn require_importer(&self, actor: &Actor, attempt: Attempt<'_>) -> AppResult<()> {
        if actor.is_administrator() {
            return Ok(());
        }
        Err(self
            .refusal(actor, attempt, "not an administrator of any unit")
            .await)
    }

    /// The saved mappings, by name.
    pub async fn import_mappings(&self, actor: &Actor) -> AppResult<Vec<ImportMapping>> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        let mut conn = self.store.reader().await?;
        store::list(&mut conn)
            .await?
            .into_iter()
            .map(ImportMapping::from_row)
            .collect()
    }

    /// A saved mapping (404 when there is none).
    pub async fn import_mapping(&self, actor: &Actor, id: i64) -> AppResult<ImportMapping> {
        if !actor.is_administrator() {
            return Err(AppError::Forbidden);
        }
        self.stored_import_mapping(id).await
    }

    /// A saved mapping, rights aside (an import laying it on its file: the import checked
    /// them).
    pub(crate) async fn stored_import_mapping(&self, id: i64) -> AppResult<ImportMapping> {
        let mut conn = self.store.reader().await?;
        let row = store::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound("Không có cách ghép cột đã lưu này."))?;
        ImportMapping::from_row(row)
    }

    /// Saves `columns` as the mapping `name` (replacing one of that name). Audited.
    pub async fn save_import_mapping(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        name: &str,
        columns: Vec<MappedColumn>,
    ) -> AppResult<ImportMapping> {
        self.require_importer(
            actor,
            Attempt {
                action: AuditAction::ImportMappingSave,
                about: About::new("import_mapping", 0),
                client,
            },
        )
        .await?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(AppError::BadRequest(
                "Hãy đặt tên cho cách ghép cột (ví dụ: «Danh sách của Sở Y tế»).".into(),
            ));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(AppError::BadRequest(format!(
                "Tên cách ghép cột dài quá {NAME_MAX_CHARS} ký tự."
            )));
        }
        if columns.is_empty() {
            return Err(AppError::BadRequest(
                "Chưa có cột nào được ghép: hãy chọn trường cho các cột rồi bấm «Chạy thử lại» trước khi lưu.".into(),
            ));
        }
        let json = serde_json::to_string(&columns)
            .map_err(|e| AppError::Internal(format!("import mapping: {e}")))?;
        let now = self.now_ms();
        let mut work = self.begin_work(actor, client).await?;
        let id = store::save(&mut work, &name, &json, actor.account_id, now).await?;
        work.audit(
            AuditAction::ImportMappingSave,
            About::new("import_mapping", id),
            serde_json::json!({"name": name, "columns": columns.len()}),
        )
        .await?;
        work.commit().await?;
        Ok(ImportMapping {
            id,
            name,
            columns,
            saved_by: actor.account_id,
            saved_at: now,
        })
    }

    /// Saves the columns of an upload as read with its options as the mapping `name`.
    /// Unit or system administrator over the unit the file is for.
    pub async fn save_import_mapping_of_file(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        unit_id: i64,
        file: &crate::imports::ImportFile,
        name: &str,
    ) -> AppResult<ImportMapping> {
        self.unit_for_import(actor, unit_id, AuditAction::ImportMappingSave, client)
            .await?;
        let analysis = self.analyze_upload(file).await?;
        let columns = mapping_of(&analysis.layout.columns);
        self.save_import_mapping(actor, client, name, columns).await
    }

    /// Deletes a saved mapping: the one who saved it, or the system administrator. Audited.
    pub async fn delete_import_mapping(
        &self,
        actor: &Actor,
        client: &ClientInfo,
        id: i64,
    ) -> AppResult<()> {
        let attempt = Attempt {
            action: AuditAction::ImportMappingDelete,
            about: About::new("import_mapping", id),
            client,
        };
        self.require_importer(actor, attempt.clone()).await?;
        let mapping = self.import_mapping(actor, id).await?;
        if mapping.saved_by != actor.account_id && !actor.is_system_admin() {
            return Err(self
                .refusal(actor, attempt, "not the one who saved the mapping")
                .await);
        }
        let mut work = self.begin_work(actor, client).await?;
        store::delete(&mut work, id).await?;
        work.audit(
            AuditAction::ImportMappingDelete,
            About::new("import_mapping", id),
            serde_json::json!({"name": mapping.name}),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(index: usize, header: &str, target: Option<Target>) -> Column {
        Column {
            index,
            letter: hoso_import::column_letter(index),
            header: header.into(),
            target,
            target_label: None,
        }
    }

    fn field(section: &str, field: &str) -> Target {
        Target::Field {
            section: section.into(),
            field: field.into(),
        }
    }

    #[test]
    fn a_saved_mapping_finds_its_columns_by_header_wherever_they_are() {
        let first = [
            column(0, "STT", None),
            column(
                1,
                "Ngày vào ngành",
                Some(field("recruitment", "first_recruitment_date")),
            ),
            column(2, "Ghi chú", Some(Target::Ignore)),
            column(3, "", Some(Target::Ignore)),
        ];
        let saved = ImportMapping {
            id: 1,
            name: "Sở Y tế".into(),
            columns: mapping_of(&first),
            saved_by: 1,
            saved_at: 0,
        };
        assert_eq!(
            saved.columns.len(),
            2,
            "unmapped and headerless columns are not kept"
        );
        // The next file: other positions, other spacing and case, one header unknown.
        let next = [
            column(0, "ghi  chú", None),
            column(1, "Họ và tên", None),
            column(4, " NGÀY VÀO NGÀNH", None),
        ];
        assert_eq!(
            saved.overrides_for(&next),
            BTreeMap::from([
                (0, Target::Ignore),
                (4, field("recruitment", "first_recruitment_date"))
            ])
        );
    }
}
