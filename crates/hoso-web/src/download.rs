//! Every file a list offers for download: a typed table rendered by `hoso-export` off the
//! async runtime, with the headers a browser needs.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hoso_app::AppError;
use hoso_app::reports::{ColumnFormat, ReportTable};
use hoso_export::{Cell, Column, FileFormat, Table};

/// The `format` a list's download link may carry: `xlsx` (the default) or `csv`.
pub fn format_of(value: Option<&str>) -> Result<FileFormat, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(FileFormat::Xlsx),
        Some(v) => FileFormat::parse(v).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Định dạng tệp '{v}' không được hỗ trợ: chọn xlsx hoặc csv."
            ))
        }),
    }
}

/// The `format` of a page's query pairs (a page keeps its whole form in the pairs).
pub fn format_in(pairs: &[(String, String)]) -> Result<FileFormat, AppError> {
    format_of(
        pairs
            .iter()
            .find(|(k, _)| k == "format")
            .map(|(_, v)| v.as_str()),
    )
}

/// The table as a file named `{basename}.{extension}`. A cut list says so: in the file for
/// XLSX, in the `X-Hoso-Truncated` header for both.
pub async fn file(
    table: Table,
    format: FileFormat,
    basename: &'static str,
    truncated: bool,
) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || hoso_export::render(&table, format))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = format!("attachment; filename=\"{basename}.{}\"", format.extension());
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if truncated {
        headers.insert("x-hoso-truncated", HeaderValue::from_static("true"));
    }
    Ok((headers, bytes).into_response())
}

/// A report as a spreadsheet: codes by their labels, dates as dates, numbers as numbers.
pub fn report_table(report: &ReportTable, truncated: bool) -> Table {
    let columns = report
        .columns
        .iter()
        .map(|c| {
            let width = match c.format {
                ColumnFormat::Date | ColumnFormat::Month => 12.0,
                ColumnFormat::Integer | ColumnFormat::Decimal => 10.0,
                ColumnFormat::Text | ColumnFormat::Code => 28.0,
            };
            Column::new(c.label.clone(), width)
        })
        .collect();
    let mut table = Table::new("Báo cáo", columns);
    for row in &report.rows {
        let cells = row
            .iter()
            .zip(&report.columns)
            .map(|(cell, column)| {
                let iso = cell.value.as_str().and_then(|s| {
                    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                        .ok()
                });
                match (column.format, &cell.value) {
                    (_, serde_json::Value::Null) => Cell::Empty,
                    (ColumnFormat::Date, _) if iso.is_some() => Cell::from(iso),
                    (ColumnFormat::Integer, v) if v.is_i64() && column.key != "unit" => {
                        Cell::Integer(v.as_i64().unwrap_or_default())
                    }
                    (ColumnFormat::Decimal, v) if v.is_number() => {
                        Cell::Number(v.as_f64().unwrap_or_default())
                    }
                    _ => Cell::text(cell.text.clone()),
                }
            })
            .collect();
        table.push(cells);
    }
    table.notes.push(report.title.clone());
    if truncated {
        table.notes.push(format!(
            "Danh sách bị cắt: có {} dòng, tệp chỉ giữ {} dòng đầu.",
            report.total,
            report.rows.len()
        ));
    }
    table
}
