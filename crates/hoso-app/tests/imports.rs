//! Import from a spreadsheet, on every database: the dry run reports each refused row and
//! writes nothing; the import creates the new people (incomplete legacy rows accepted) through
//! the version writer with provenance "import"; running it again changes nothing; a changed
//! row becomes a new version keeping what the file does not hold; as a job with progress;
//! rights first.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::imports::{ImportFile, ImportOptions, ImportReport};
use hoso_app::{App, AppError, ClientInfo};
use rust_xlsxwriter::Workbook;

const HEADERS: [&str; 5] = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số định danh",
    "Dân tộc",
];

fn workbook(rows: &[[&str; 5]]) -> ImportFile {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH CÁN BỘ").unwrap();
    for (j, h) in HEADERS.iter().enumerate() {
        ws.write_string(2, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(3 + i as u32, j as u16, *v).unwrap();
            }
        }
    }
    ImportFile {
        file_name: "danh-sach.xlsx".into(),
        bytes: wb.save_to_buffer().unwrap(),
        options: ImportOptions::default(),
    }
}

const DAT: [&str; 5] = [
    "Nguyễn Văn Đạt",
    "07/03/1985",
    "Nam",
    "001085012345",
    "Kinh",
];
const HUONG: [&str; 5] = [
    "Trần Thị Thu Hương",
    "01/01/1990",
    "Nữ",
    "079 190 000 123",
    "mường",
];

fn messy() -> ImportFile {
    workbook(&[
        DAT,
        HUONG,
        ["Lê Văn Cường", "31/02/1980", "Nam", "001080000003", "Kinh"],
        ["Phạm Văn Dũng", "01/02/1981", "Nam", "001081000004", "Kinh"],
        ["Phạm Văn Dũng", "01/02/1981", "Nam", "001081000004", "Kinh"],
        ["Hoàng Văn Em", "01/02/1982", "Nam", "", "Klingon"],
    ])
}

async fn total(app: &App, actor: &hoso_app::Actor) -> i64 {
    app.list_persons(actor, Default::default())
        .await
        .unwrap()
        .total
}

fn counts(r: &ImportReport) -> (usize, usize, usize, usize, usize) {
    (r.rows, r.created, r.updated, r.unchanged, r.refused)
}

#[tokio::test]
async fn dry_run_then_import_then_again_then_a_change() {
    for db in databases().await {
        let app = demo_app(config(&db), 4).await;
        let admin = login(&app, "admin").await;
        let unit = common::some_unit(&app, &admin).await;
        let client = ClientInfo::default();
        let before = total(&app, &admin).await;

        let dry = app
            .import_dry_run(&admin, &client, unit, &messy())
            .await
            .unwrap();
        assert_eq!(
            counts(&dry),
            (6, 2, 0, 0, 4),
            "{}: {:?}",
            db.label,
            dry.errors
        );
        assert_eq!(dry.incomplete, 2, "legacy rows lack required fields");
        let at = |row: u32| dry.errors.iter().filter(move |e| e.row == row);
        assert!(
            at(6).any(|e| e.column == "Ngày sinh" && e.value == "31/02/1980"),
            "{:?}",
            dry.errors
        );
        assert!(at(7).any(|e| e.message.contains("trùng với dòng 8")));
        assert!(at(8).any(|e| e.message.contains("trùng với dòng 7")));
        assert!(at(9).any(|e| e.message.contains("Klingon")));
        assert!(at(9).any(|e| e.message.contains("Thiếu số định danh")));
        assert_eq!(
            total(&app, &admin).await,
            before,
            "a dry run writes nothing"
        );

        let done = app
            .import_now(&admin, &client, unit, &messy())
            .await
            .unwrap();
        assert_eq!(counts(&done), (6, 2, 0, 0, 4), "{}", db.label);
        assert_eq!(total(&app, &admin).await, before + 2);
        let listed = app.list_persons(&admin, Default::default()).await.unwrap();
        let dat = listed
            .items
            .iter()
            .find(|p| p.full_name == "Nguyễn Văn Đạt")
            .expect("imported");
        assert_eq!(dat.date_of_birth.as_deref(), Some("1985-03-07"));
        let versions = app.versions(&admin, dat.id).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].source, "import");
        assert!(versions[0].note.as_deref().unwrap().contains("dòng 4"));

        // The same file again: nothing changes.
        let again = app
            .import_now(&admin, &client, unit, &messy())
            .await
            .unwrap();
        assert_eq!(counts(&again), (6, 0, 0, 2, 4), "{}", db.label);
        assert_eq!(app.versions(&admin, dat.id).await.unwrap().len(), 1);

        // A changed row: a new version; the other row untouched.
        let changed = workbook(&[
            ["Nguyễn Văn Đạt", "07/03/1985", "Nam", "001085012345", "Tày"],
            HUONG,
        ]);
        let r = app
            .import_now(&admin, &client, unit, &changed)
            .await
            .unwrap();
        assert_eq!(counts(&r), (2, 0, 1, 1, 0), "{}: {:?}", db.label, r.errors);
        let versions = app.versions(&admin, dat.id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert!(versions.iter().all(|v| v.source == "import"));
        // A file holding fewer columns keeps what the record has.
        let fewer = {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "Số định danh").unwrap();
            ws.write_string(0, 1, "Họ và tên").unwrap();
            ws.write_string(1, 0, "001085012345").unwrap();
            ws.write_string(1, 1, "Nguyễn Văn Đạt").unwrap();
            ImportFile {
                file_name: "it.xlsx".into(),
                bytes: wb.save_to_buffer().unwrap(),
                options: ImportOptions::default(),
            }
        };
        let r = app.import_now(&admin, &client, unit, &fewer).await.unwrap();
        assert_eq!(counts(&r), (1, 0, 0, 1, 0), "{}: {:?}", db.label, r.errors);
    }
}

#[tokio::test]
async fn an_import_runs_as_a_job_with_progress_and_rights_come_first() {
    for db in databases().await {
        let app = demo_app(config(&db), 4).await;
        let admin = login(&app, "admin").await;
        let viewer = login(&app, "lanhdao").await;
        let unit = common::some_unit(&app, &admin).await;
        let client = ClientInfo::default();

        let refused = app.import_dry_run(&viewer, &client, unit, &messy()).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{}: {refused:?}",
            db.label
        );
        let refused = app.enqueue_import(&viewer, &client, unit, messy()).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        // Not a spreadsheet: a clear message, nothing written.
        let junk = ImportFile {
            file_name: "x.pdf".into(),
            bytes: b"%PDF-1.7\n\x00\x01".to_vec(),
            options: ImportOptions::default(),
        };
        match app.import_now(&admin, &client, unit, &junk).await {
            Err(AppError::BadRequest(m)) => assert!(m.contains("không phải là bảng tính"), "{m}"),
            other => panic!("{other:?}"),
        }

        let job = app
            .enqueue_import(&admin, &client, unit, messy())
            .await
            .unwrap();
        assert_eq!(job.status, "queued");
        assert_eq!(job.kind, "import.file");
        let ran = app.run_next_job("node-a").await.unwrap().unwrap();
        assert_eq!(ran.id, job.id);
        assert_eq!(ran.status, "succeeded", "{}: {ran:?}", db.label);
        assert_eq!((ran.progress_done, ran.progress_total), (6, Some(6)));
        assert!(
            ran.result.as_deref().unwrap().contains("2 tạo mới"),
            "{ran:?}"
        );
        assert_eq!(
            app.import_job(&admin, job.id).await.unwrap().status,
            "succeeded"
        );
        assert!(app.import_job(&viewer, job.id).await.is_err());

        // A queued import is cancelled before it starts.
        let job = app
            .enqueue_import(&admin, &client, unit, messy())
            .await
            .unwrap();
        let cancelled = app.cancel_import(&admin, &client, job.id).await.unwrap();
        assert_eq!(cancelled.status, "cancelled");
        assert!(app.run_next_job("node-a").await.unwrap().is_none());
    }
}
