//! Catalogs (danh mục) as stored: loaded from the shipped data files at first start, editable
//! by the system administrator afterwards.

use std::collections::BTreeMap;

use hoso_domain::catalog::CatalogItem;
use sqlx::{AnyConnection, Row};

use crate::{StoreError, StoreResult};

pub async fn count(conn: &mut AnyConnection) -> StoreResult<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM catalog_items")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

pub async fn insert_all(conn: &mut AnyConnection, items: &[CatalogItem]) -> StoreResult<()> {
    for item in items {
        let attrs =
            serde_json::to_string(&item.attrs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("INSERT INTO catalog_items (catalog, kind, code, name, attrs, active) VALUES ($1,$2,$3,$4,$5,1)")
            .bind(&item.catalog)
            .bind(item.kind.clone().unwrap_or_default())
            .bind(&item.code)
            .bind(&item.name)
            .bind(attrs)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn all_active(conn: &mut AnyConnection) -> StoreResult<Vec<CatalogItem>> {
    let rows = sqlx::query("SELECT catalog, kind, code, name, attrs FROM catalog_items WHERE active = 1 ORDER BY catalog, kind, code")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.get("kind");
            let attrs: String = r.get("attrs");
            let attrs: BTreeMap<String, String> =
                serde_json::from_str(&attrs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(CatalogItem {
                catalog: r.get("catalog"),
                kind: (!kind.is_empty()).then_some(kind),
                code: r.get("code"),
                name: r.get("name"),
                attrs,
            })
        })
        .collect::<StoreResult<Vec<_>>>()
        .map(|mut items| {
            // Codes in the order people count them: 8_10 before 10_10.
            items.sort_by(|a, b| {
                (&a.catalog, &a.kind)
                    .cmp(&(&b.catalog, &b.kind))
                    .then_with(|| hoso_domain::text::natural_cmp(&a.code, &b.code))
            });
            items
        })
}

/// Every item, active or not (for the administrator's catalog page).
pub async fn items_of(
    conn: &mut AnyConnection,
    catalog: &str,
) -> StoreResult<Vec<(CatalogItem, bool)>> {
    let rows = sqlx::query("SELECT kind, code, name, attrs, active FROM catalog_items WHERE catalog = $1 ORDER BY kind, code")
        .bind(catalog)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.get("kind");
            let attrs: String = r.get("attrs");
            let attrs: BTreeMap<String, String> =
                serde_json::from_str(&attrs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let item = CatalogItem {
                catalog: catalog.to_string(),
                kind: (!kind.is_empty()).then_some(kind),
                code: r.get("code"),
                name: r.get("name"),
                attrs,
            };
            Ok((item, r.get::<i64, _>("active") != 0))
        })
        .collect()
}

/// Adds an item, or renames and reactivates an existing one (same catalog, kind and code).
pub async fn upsert(conn: &mut AnyConnection, item: &CatalogItem) -> StoreResult<()> {
    let attrs =
        serde_json::to_string(&item.attrs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let kind = item.kind.clone().unwrap_or_default();
    let updated = sqlx::query("UPDATE catalog_items SET name = $1, attrs = $2, active = 1 WHERE catalog = $3 AND kind = $4 AND code = $5")
        .bind(&item.name)
        .bind(&attrs)
        .bind(&item.catalog)
        .bind(&kind)
        .bind(&item.code)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        insert_all(conn, std::slice::from_ref(item)).await?;
    }
    Ok(())
}

/// Retires an item: kept for records that already use it, refused for new ones. Returns whether
/// the item existed.
pub async fn deactivate(
    conn: &mut AnyConnection,
    catalog: &str,
    kind: &str,
    code: &str,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE catalog_items SET active = 0 WHERE catalog = $1 AND kind = $2 AND code = $3",
    )
    .bind(catalog)
    .bind(kind)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
