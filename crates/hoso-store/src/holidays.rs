//! Holiday schedules amended by the system administrator (the shipped `holidays.tsv` stays the
//! base; a year stored here replaces that year).

use sqlx::{AnyConnection, Row};

use crate::StoreResult;

/// One stored day of an amended year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayDayRow {
    /// ISO date.
    pub on_date: String,
    pub kind: String,
    pub name: String,
    pub source: String,
}

/// Who amended a year last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayYearRow {
    pub year: i64,
    pub updated_at: i64,
    pub updated_by: Option<i64>,
    pub note: String,
}

/// Every stored day, in date order.
pub async fn all_days(conn: &mut AnyConnection) -> StoreResult<Vec<HolidayDayRow>> {
    let rows = sqlx::query("SELECT on_date, kind, name, source FROM holiday_days ORDER BY on_date")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .iter()
        .map(|r| HolidayDayRow {
            on_date: r.get("on_date"),
            kind: r.get("kind"),
            name: r.get("name"),
            source: r.get("source"),
        })
        .collect())
}

/// Replaces the stored days of `year` by `days` and records who did it.
pub async fn replace_year(
    conn: &mut AnyConnection,
    year: i64,
    days: &[HolidayDayRow],
    updated_by: Option<i64>,
    note: &str,
    at: i64,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM holiday_days WHERE year = $1")
        .bind(year)
        .execute(&mut *conn)
        .await?;
    for d in days {
        sqlx::query(
            "INSERT INTO holiday_days (on_date, year, kind, name, source) VALUES ($1,$2,$3,$4,$5)",
        )
        .bind(&d.on_date)
        .bind(year)
        .bind(&d.kind)
        .bind(&d.name)
        .bind(&d.source)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM holiday_years WHERE year = $1")
        .bind(year)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO holiday_years (year, updated_at, updated_by, note) VALUES ($1,$2,$3,$4)",
    )
    .bind(year)
    .bind(at)
    .bind(updated_by)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The amendment record of `year`, if it was amended.
pub async fn year_info(conn: &mut AnyConnection, year: i64) -> StoreResult<Option<HolidayYearRow>> {
    let row =
        sqlx::query("SELECT year, updated_at, updated_by, note FROM holiday_years WHERE year = $1")
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| HolidayYearRow {
        year: r.get("year"),
        updated_at: r.get("updated_at"),
        updated_by: r.get("updated_by"),
        note: r.get("note"),
    }))
}
