//! `hoso-bench --import-rows N`: the import of issue 11 at scale. Generates a list of N people
//! as HR officers keep it (a title row, Vietnamese headers, dates typed as text, the số định
//! danh with spaces, catalog values by name), then times reading it, the dry run, the import
//! itself (validation, the version writer, personal accounts, audit) and the same file again
//! (every row unchanged), each with the process's peak RSS; beside them, the floor: the same
//! number of rows inserted directly with one prepared statement each, in the import's batches.

use std::time::Instant;

use hoso_app::App;
use hoso_app::imports::{BATCH_ROWS, ImportFile, ImportOptions};
use rust_xlsxwriter::Workbook;

use crate::{Database, Res, rss};

const HEADERS: [&str; 11] = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Nơi ở hiện nay",
    "Số điện thoại",
    "Ngày tuyển dụng",
];
const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Đức"];
const GIVEN: [&str; 8] = ["Đạt", "Hương", "Cường", "Dũng", "Lan", "Hà", "Sơn", "Mai"];
const ETHNIC: [&str; 4] = ["Kinh", "kinh", "Tày", "Mường"];
const PLACES: [&str; 4] = [
    "Xã Tân Lập, tỉnh Phú Thọ",
    "Phường Ba Đình, TP Hà Nội",
    "Xã Đông Hòa, tỉnh Đắk Lắk",
    "Phường 1, TP Hồ Chí Minh",
];

/// The spreadsheet: `rows` people, every one valid (a benchmark of the happy path).
pub fn workbook(rows: usize) -> Res<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH CÁN BỘ, CÔNG CHỨC (Có đến ngày 01/12/2026)")?;
    for (j, h) in HEADERS.iter().enumerate() {
        ws.write_string(2, j as u16, *h)?;
    }
    for i in 0..rows {
        let r = 3 + i as u32;
        let name = format!(
            "{} {} {}",
            FAMILY[i % FAMILY.len()],
            MIDDLE[(i / 8) % MIDDLE.len()],
            GIVEN[(i / 48) % GIVEN.len()]
        );
        let female = i % 2 == 1;
        let province = ["001", "079", "068", "025", "096", "031"][i % 6];
        let id = format!("{province}{}{:02}{:06}", u8::from(female), 80 + i % 20, i);
        let spaced = format!("{} {} {}", &id[..3], &id[3..6], &id[6..]);
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, &name)?;
        ws.write_string(
            r,
            2,
            format!("{:02}/{:02}/19{}", 1 + i % 28, 1 + i % 12, 80 + i % 20),
        )?;
        ws.write_string(r, 3, if female { "Nữ" } else { "Nam" })?;
        ws.write_string(r, 4, &spaced)?;
        ws.write_string(r, 5, ETHNIC[i % ETHNIC.len()])?;
        ws.write_string(r, 6, "Không")?;
        ws.write_string(r, 7, PLACES[i % PLACES.len()])?;
        ws.write_string(r, 8, PLACES[(i + 1) % PLACES.len()])?;
        ws.write_string(r, 9, format!("09{:08}", i))?;
        ws.write_string(r, 10, format!("01/{:02}/20{:02}", 1 + i % 12, 5 + i % 20))?;
    }
    Ok(wb.save_to_buffer()?)
}

fn line(what: &str, rows: usize, seconds: f64) {
    let (now, peak) = rss();
    println!(
        "{what}: {rows} rows in {seconds:.1} s = {:.0} rows/s; RSS {now}, peak {peak}",
        rows as f64 / seconds.max(1e-9)
    );
}

/// The first unit of the demo province that takes records.
async fn some_unit_code(app: &App) -> Res<String> {
    use sqlx::Row;
    let mut conn = app.store().reader().await?;
    let row = sqlx::query(
        "SELECT code FROM org_units WHERE dissolved_on IS NULL AND parent_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<String, _>("code")?)
}

pub async fn run(app: &App, db: &Database, rows: usize) -> Res<()> {
    println!("import benchmark: {rows} rows, backend {}", db.label);
    app.seed_demo(12, crate::PASSWORD, &|_, _| {}).await?;
    let unit = some_unit_code(app).await?;

    let t = Instant::now();
    let bytes = workbook(rows)?;
    println!(
        "generated the workbook: {:.1} MB in {:.1} s",
        bytes.len() as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64()
    );
    let file = ImportFile {
        file_name: "danh-sach.xlsx".into(),
        bytes,
        options: ImportOptions {
            initial_load: true,
            ..ImportOptions::default()
        },
    };

    let t = Instant::now();
    let workbook = hoso_import::read_workbook(&file.bytes, &hoso_import::Limits::default())?;
    line(
        "read the workbook alone (calamine, the cells)",
        workbook.sheets.first().map_or(0, |s| s.rows.len()),
        t.elapsed().as_secs_f64(),
    );
    drop(workbook);

    let t = Instant::now();
    let analysis = {
        let schema = app.schemas().latest();
        let catalogs = app.catalogs();
        hoso_import::analyze(
            &file.bytes,
            schema,
            &catalogs,
            &hoso_import::Options::default(),
        )?
    };
    let refused = analysis
        .rows
        .iter()
        .filter(|r| !r.issues.is_empty())
        .count();
    if let Some(first) = analysis.rows.iter().find_map(|r| r.issues.first()) {
        println!("first issue: {first:?}");
    }
    line(
        "read and parse (hoso_import::analyze)",
        rows,
        t.elapsed().as_secs_f64(),
    );
    drop(analysis);
    if refused > 0 {
        return Err(format!("{refused} generated rows do not parse").into());
    }

    let t = Instant::now();
    let dry = app.import_as_system(&unit, &file, true).await?;
    line(
        "dry run (read, validate, compare)",
        dry.rows,
        t.elapsed().as_secs_f64(),
    );
    if dry.created != rows {
        return Err(format!(
            "the dry run would create {} of {rows}: {:?}",
            dry.created,
            dry.errors.first()
        )
        .into());
    }

    let t = Instant::now();
    let done = app.import_as_system(&unit, &file, false).await?;
    line(
        "import (read, validate, write versions, accounts, audit)",
        done.created,
        t.elapsed().as_secs_f64(),
    );

    let t = Instant::now();
    let again = app.import_as_system(&unit, &file, false).await?;
    line(
        "the same file again (all unchanged)",
        again.unchanged,
        t.elapsed().as_secs_f64(),
    );

    // The floor: one plain row per person, one prepared INSERT each, BATCH_ROWS a transaction.
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&db.url).await?;
    sqlx::query("CREATE TABLE bench_import_floor (id BIGINT PRIMARY KEY, national_id_hash TEXT NOT NULL, document TEXT NOT NULL)")
        .execute(&mut conn)
        .await?;
    let document = "x".repeat(1_500);
    let t = Instant::now();
    for start in (0..rows).step_by(BATCH_ROWS) {
        let mut tx = conn.begin().await?;
        for i in start..(start + BATCH_ROWS).min(rows) {
            sqlx::query("INSERT INTO bench_import_floor (id, national_id_hash, document) VALUES ($1, $2, $3)")
                .bind(i as i64)
                .bind(format!("{i:064}"))
                .bind(document.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    line(
        "floor: the same number of plain INSERTs directly on the database",
        rows,
        t.elapsed().as_secs_f64(),
    );
    sqlx::query("DROP TABLE bench_import_floor")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}
