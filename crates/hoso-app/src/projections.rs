//! The projection tables as the record schemas declare them: their layout (the union of every
//! schema version's projected columns), the check at start that the database has them, and
//! the rebuild from the versions when the layout changed or on demand
//! (`hoso rebuild-projections`).

use hoso_domain::org::PersonStatus;
use hoso_domain::schema::{RecordDoc, SchemaSet};
use hoso_store::StoreError;
use hoso_store::persons;
use hoso_store::projection::{self, LayoutColumn, ProjectionLayout};
use hoso_store::states;

use crate::{App, AppError, AppResult};

/// Every column any schema version projects, once; a column must keep one storage type
/// across versions.
pub fn layout(schemas: &SchemaSet) -> AppResult<ProjectionLayout> {
    let mut layout = ProjectionLayout::default();
    let add = |into: &mut Vec<LayoutColumn>, column: LayoutColumn| match into
        .iter()
        .find(|c| c.name == column.name)
    {
        Some(seen) if seen.numeric != column.numeric => Err(AppError::Internal(format!(
            "lược đồ hồ sơ: cột chiếu {} đổi kiểu giữa các phiên bản",
            column.name
        ))),
        Some(_) => Ok(()),
        None => {
            into.push(column);
            Ok(())
        }
    };
    for schema in schemas.versions() {
        for c in schema.projected_columns() {
            add(&mut layout.persons, LayoutColumn::new(c.name, c.kind))?;
        }
        for c in schema.history_columns() {
            add(&mut layout.history, LayoutColumn::new(c.name, c.kind))?;
        }
    }
    Ok(layout)
}

impl App {
    /// Refuses a database missing a declared column, and rebuilds both tables when they were
    /// built for another layout (a column added since).
    pub(crate) async fn bring_projections_up_to_date(&self) -> AppResult<()> {
        let mut conn = self.store.reader().await?;
        projection::check(&mut conn, &self.layout)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let fingerprint = self.layout.fingerprint();
        if projection::built_for(&mut conn).await?.as_deref() == Some(fingerprint.as_str()) {
            return Ok(());
        }
        let people = persons::count(&mut conn).await?;
        drop(conn);
        if people > 0 {
            tracing::info!(
                people,
                "the projected columns changed: rebuilding the projections"
            );
            let n = self.rebuild_projections().await?;
            tracing::info!(rebuilt = n, "projections rebuilt");
        } else {
            let mut tx = self.store.begin().await?;
            projection::mark_built(&mut tx, &fingerprint, self.now_ms()).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(())
    }

    /// Rebuilds every person's rows in both projections from their latest version, and their
    /// states over time from every version (after a change of the projected columns, or to
    /// prove the projections are derived data).
    /// Returns how many people.
    pub async fn rebuild_projections(&self) -> AppResult<i64> {
        let mut last_id = 0i64;
        let mut rebuilt = 0i64;
        loop {
            let mut conn = self.store.reader().await?;
            let batch = persons::ids_after(&mut conn, last_id, 500).await?;
            drop(conn);
            let Some(&last) = batch.last() else { break };
            let mut tx = self.store.begin().await?;
            for id in batch {
                // Every version decoded once: the states from each, the projections from the
                // latest (decoded documents are migrated to the latest schema).
                let versions = persons::versions(&mut tx, id).await?;
                let (version, doc) = self
                    .rebuild_states(&mut tx, id, &versions)
                    .await?
                    .ok_or_else(AppError::record_not_found)?;
                let schema = self.schemas.latest();
                persons::set_projection(
                    &mut tx,
                    id,
                    (version.version, version.created_at),
                    version.unit_id,
                    &version.status,
                    &schema.project(&doc),
                )
                .await?;
                projection::write_history(&mut tx, id, &schema.project_history(&doc)).await?;
                rebuilt += 1;
            }
            tx.commit().await.map_err(StoreError::from)?;
            last_id = last;
        }
        let mut tx = self.store.begin().await?;
        projection::mark_built(&mut tx, &self.layout.fingerprint(), self.now_ms()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(rebuilt)
    }

    /// A person's states over time, again from every version of the record (oldest first);
    /// returns the latest version with its document.
    async fn rebuild_states(
        &self,
        conn: &mut hoso_store::AnyConnection,
        person_id: i64,
        versions: &[persons::VersionRow],
    ) -> AppResult<Option<(persons::VersionRow, RecordDoc)>> {
        states::clear(conn, person_id).await?;
        let schema = self.schemas.latest();
        let mut latest = None;
        for version in versions {
            let doc = self.decode_document(conn, version).await?;
            let projection = schema.project(&doc);
            // A status not known (written by an older Hoso) is kept as it is, in one state.
            let known = PersonStatus::parse(&version.status);
            let left_on = match (version.version, known) {
                (1, Some(status)) => hoso_domain::status_decisions::left_service_on(&doc, status),
                _ => None,
            };
            let entered = crate::versions::entered_service(schema, &doc);
            let starts = self
                .version_states(
                    conn,
                    version,
                    known.unwrap_or(PersonStatus::Working),
                    entered,
                    left_on,
                )
                .await?;
            for start in starts {
                let status = match known {
                    Some(_) => start.status.as_str(),
                    None => version.status.as_str(),
                };
                states::record(
                    conn,
                    &states::StateRow {
                        person_id,
                        version: start.version,
                        valid_from: start.from.to_string(),
                        unit_id: version.unit_id,
                        status,
                        projection: &projection,
                    },
                )
                .await?;
            }
            latest = Some((version.clone(), doc));
        }
        Ok(latest)
    }
}
