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
            let kind: String = r.get(1);
            let attrs: String = r.get(4);
            let attrs: BTreeMap<String, String> =
                serde_json::from_str(&attrs).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok(CatalogItem {
                catalog: r.get(0),
                kind: (!kind.is_empty()).then_some(kind),
                code: r.get(2),
                name: r.get(3),
                attrs,
            })
        })
        .collect()
}
