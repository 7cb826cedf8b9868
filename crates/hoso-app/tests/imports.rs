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

/// The official version and whether the record has a personal account, of the person
/// named `name`.
async fn official_and_account(app: &App, admin: &hoso_app::Actor, name: &str) -> (i64, i64, bool) {
    let listed = app.list_persons(admin, Default::default()).await.unwrap();
    let id = listed
        .items
        .iter()
        .find(|p| p.full_name == name)
        .unwrap_or_else(|| panic!("{name} imported"))
        .id;
    let approvals = app.record_approvals(admin, id).await.unwrap();
    let account = app
        .personal_account(admin, id, &ClientInfo::default())
        .await
        .unwrap();
    (
        approvals.official_version,
        approvals.current_version,
        account.account_id.is_some(),
    )
}

#[tokio::test]
async fn an_initial_load_is_official_at_once_and_later_changes_wait_for_the_signature() {
    for db in databases().await {
        let app = demo_app(config(&db), 4).await;
        let admin = login(&app, "admin").await;
        let unit = common::some_unit(&app, &admin).await;
        let code = {
            let mut conn = app.store().reader().await.unwrap();
            hoso_store::org::get(&mut conn, unit)
                .await
                .unwrap()
                .unwrap()
                .code
                .to_lowercase()
        };
        let hr = login(&app, &format!("qt.{code}")).await;
        let viewer = login(&app, "lanhdao").await;
        let client = ClientInfo::default();
        let initial = |decision: Option<&str>| {
            let mut f = workbook(&[DAT]);
            f.options.initial_load = true;
            f.options.decision = decision.map(str::to_string);
            f
        };

        // Rights first: no right over the unit is a 403 whatever the options say.
        let refused = app.import_now(&viewer, &client, unit, &initial(None)).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        // A unit administrator's initial load cites the head's decision; nothing is written.
        let before = total(&app, &admin).await;
        match app
            .import_now(&hr, &client, unit, &initial(Some("  ")))
            .await
        {
            Err(AppError::BadRequest(m)) => assert!(m.contains("quyết định"), "{m}"),
            other => panic!("{}: {other:?}", db.label),
        }
        match app.enqueue_import(&hr, &client, unit, initial(None)).await {
            Err(AppError::BadRequest(m)) => assert!(m.contains("quyết định"), "{m}"),
            other => panic!("{}: {other:?}", db.label),
        }
        assert_eq!(total(&app, &admin).await, before);

        // With the decision: official at once, and a personal account without a code yet.
        let decision = "Quyết định số 12/QĐ-UBND ngày 01/12/2026";
        let r = app
            .import_now(&hr, &client, unit, &initial(Some(decision)))
            .await
            .unwrap();
        assert_eq!(
            (r.created, r.official, r.awaiting_approval, r.accounts),
            (1, 1, 0, 1)
        );
        assert_eq!(r.official_basis.as_deref(), Some(decision));
        assert_eq!(
            official_and_account(&app, &admin, "Nguyễn Văn Đạt").await,
            (1, 1, true),
            "{}",
            db.label
        );

        // An ordinary import: the new record waits for the signature, with its account.
        let r = app
            .import_now(&hr, &client, unit, &workbook(&[DAT, HUONG]))
            .await
            .unwrap();
        assert_eq!(
            (r.created, r.unchanged, r.official, r.awaiting_approval),
            (1, 1, 0, 1)
        );
        assert_eq!(
            official_and_account(&app, &admin, "Trần Thị Thu Hương").await,
            (0, 1, true)
        );

        // A change to a record held waits for the signature even in an initial load by the
        // system administrator (whose initial load needs no decision cited).
        let mut changed =
            workbook(&[["Nguyễn Văn Đạt", "07/03/1985", "Nam", "001085012345", "Tày"]]);
        changed.options.initial_load = true;
        let r = app
            .import_now(&admin, &client, unit, &changed)
            .await
            .unwrap();
        assert_eq!(
            (r.updated, r.official, r.awaiting_approval, r.accounts),
            (1, 0, 1, 0)
        );
        assert!(r.official_basis.is_some());
        assert_eq!(
            official_and_account(&app, &admin, "Nguyễn Văn Đạt").await,
            (1, 2, true)
        );

        // The HR officer hands out the codes of the accounts the import made.
        let issued = app
            .issue_personal_accounts_for_unit(&hr, unit, Default::default(), &client)
            .await
            .unwrap();
        let names: Vec<&str> = issued.slips.iter().map(|s| s.full_name.as_str()).collect();
        assert!(names.contains(&"Nguyễn Văn Đạt"), "{}: {names:?}", db.label);
        assert!(names.contains(&"Trần Thị Thu Hương"), "{names:?}");
        let again = app
            .issue_personal_accounts_for_unit(&hr, unit, Default::default(), &client)
            .await
            .unwrap();
        assert!(
            again.slips.iter().all(|s| s.full_name != "Nguyễn Văn Đạt"),
            "a code once handed out is not handed out again by the unit run"
        );
    }
}

/// A one-sheet workbook with these headers (row 1) and rows.
fn sheet(headers: &[&str], rows: &[&[&str]]) -> ImportFile {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in headers.iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            ws.write_string(1 + i as u32, j as u16, *v).unwrap();
        }
    }
    ImportFile {
        file_name: "danh-sach.xlsx".into(),
        bytes: wb.save_to_buffer().unwrap(),
        options: ImportOptions::default(),
    }
}

#[tokio::test]
async fn a_saved_mapping_maps_the_next_file_by_its_headers() {
    use hoso_app::imports::Target;
    for db in databases().await {
        let app = demo_app(config(&db), 4).await;
        let admin = login(&app, "admin").await;
        let viewer = login(&app, "lanhdao").await;
        let unit = common::some_unit(&app, &admin).await;
        let client = ClientInfo::default();
        let joined = "Ngày về đơn vị công tác";
        let into_joined = Target::Field {
            section: "recruitment".into(),
            field: "current_agency_join_date".into(),
        };

        let mut first = sheet(
            &[
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Số định danh",
                joined,
            ],
            &[&[
                "Nguyễn Văn Đạt",
                "07/03/1985",
                "Nam",
                "001085012345",
                "01/06/2010",
            ]],
        );
        let dry = app
            .import_dry_run(&admin, &client, unit, &first)
            .await
            .unwrap();
        assert!(
            dry.columns
                .iter()
                .any(|c| c.header == joined && c.target.is_none()),
            "{}: the header is not one the schema knows: {:?}",
            db.label,
            dry.columns
        );
        first.options.overrides.insert(4, into_joined.clone());

        // Rights first, then the name.
        let refused = app
            .save_import_mapping_of_file(&viewer, &client, unit, &first, "Sở Y tế")
            .await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        match app
            .save_import_mapping_of_file(&admin, &client, unit, &first, "   ")
            .await
        {
            Err(AppError::BadRequest(m)) => assert!(m.contains("đặt tên"), "{m}"),
            other => panic!("{other:?}"),
        }
        let saved = app
            .save_import_mapping_of_file(&admin, &client, unit, &first, " Danh sách  của Sở Y tế ")
            .await
            .unwrap();
        assert_eq!(saved.name, "Danh sách của Sở Y tế");
        assert!(
            saved
                .columns
                .iter()
                .any(|c| c.header == joined && c.target == into_joined)
        );

        // The next file: the column first, its header spaced and cased otherwise.
        let mut next = sheet(
            &[
                "NGÀY VỀ ĐƠN VỊ  CÔNG TÁC",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Số định danh",
            ],
            &[&[
                "01/06/2010",
                "Nguyễn Văn Đạt",
                "07/03/1985",
                "Nam",
                "001085012345",
            ]],
        );
        next.options.mapping = Some(saved.id);
        let r = app.import_now(&admin, &client, unit, &next).await.unwrap();
        assert_eq!(
            r.columns[0].target.as_ref(),
            Some(&into_joined),
            "{}: {:?}",
            db.label,
            r.columns
        );
        assert_eq!((r.created, r.refused), (1, 0), "{:?}", r.errors);

        // Listed for importers only; deleted by who saved it.
        assert_eq!(app.import_mappings(&admin).await.unwrap().len(), 1);
        assert!(matches!(
            app.import_mappings(&viewer).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.delete_import_mapping(&viewer, &client, saved.id).await,
            Err(AppError::Forbidden)
        ));
        app.delete_import_mapping(&admin, &client, saved.id)
            .await
            .unwrap();
        assert!(app.import_mappings(&admin).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn what_hoso_exports_in_the_template_imports_back_unchanged() {
    for db in databases().await {
        let app = demo_app(config(&db), 12).await;
        let admin = login(&app, "admin").await;
        let viewer = login(&app, "lanhdao").await;
        let unit = common::some_unit(&app, &admin).await;
        let client = ClientInfo::default();
        let held = app
            .list_persons(
                &admin,
                hoso_app::records::PersonQuery {
                    unit: Some(unit),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .filter(|p| p.unit_id == unit)
            .count();
        assert!(held > 0);

        let refused = app.export_unit_for_import(&viewer, &client, unit).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let bytes = app
            .export_unit_for_import(&admin, &client, unit)
            .await
            .unwrap();
        let file = ImportFile {
            file_name: "xuat.xlsx".into(),
            bytes,
            options: ImportOptions::default(),
        };
        let r = app
            .import_dry_run(&admin, &client, unit, &file)
            .await
            .unwrap();
        assert!(
            !r.section_sheets.is_empty(),
            "{}: the template has a sheet per repeating section",
            db.label
        );
        assert_eq!(
            (r.rows, r.created, r.updated, r.unchanged, r.refused),
            (held, 0, 0, held, 0),
            "{}: {:?}",
            db.label,
            r.errors.first()
        );
    }
}

#[tokio::test]
async fn a_sheet_of_work_history_replaces_the_held_rows_of_the_people_it_names() {
    for db in databases().await {
        let app = demo_app(config(&db), 4).await;
        let admin = login(&app, "admin").await;
        let unit = common::some_unit(&app, &admin).await;
        let client = ClientInfo::default();
        app.import_now(&admin, &client, unit, &workbook(&[DAT]))
            .await
            .unwrap();

        // The list of people with its headers only, then the work history of two people:
        // one held, one not.
        let mut wb = Workbook::new();
        let list = wb.add_worksheet();
        list.set_name("Danh sách").unwrap();
        for (j, h) in HEADERS.iter().enumerate() {
            list.write_string(0, j as u16, *h).unwrap();
        }
        let history = wb.add_worksheet();
        history.set_name("Quá trình công tác").unwrap();
        for (j, h) in [
            "Số định danh",
            "Từ (tháng/năm)",
            "Đến (tháng/năm)",
            "Đơn vị công tác",
            "Chức danh/chức vụ",
        ]
        .iter()
        .enumerate()
        {
            history.write_string(0, j as u16, *h).unwrap();
        }
        let rows = [
            [
                "001085012345",
                "09/2008",
                "12/2012",
                "UBND huyện Cái Nước",
                "Chuyên viên",
            ],
            [
                "001085012345",
                "01/2013",
                "",
                "Sở Nội vụ",
                "Chuyên viên chính",
            ],
            ["001099000777", "01/2020", "", "Sở Y tế", ""],
        ];
        for (i, r) in rows.iter().enumerate() {
            for (j, v) in r.iter().enumerate() {
                if !v.is_empty() {
                    history.write_string(1 + i as u32, j as u16, *v).unwrap();
                }
            }
        }
        let file = ImportFile {
            file_name: "qua-trinh.xlsx".into(),
            bytes: wb.save_to_buffer().unwrap(),
            options: ImportOptions::default(),
        };
        let r = app.import_now(&admin, &client, unit, &file).await.unwrap();
        assert_eq!(
            r.section_sheets
                .iter()
                .map(|s| (s.sheet.as_str(), s.section.as_str()))
                .collect::<Vec<_>>(),
            [("Quá trình công tác", "work_history")],
            "{}",
            db.label
        );
        assert_eq!(
            (r.updated, r.refused),
            (1, 1),
            "{}: {:?}",
            db.label,
            r.errors
        );
        let refusal = &r.errors[0];
        assert_eq!(
            (refusal.sheet.as_str(), refusal.row),
            ("Quá trình công tác", 4)
        );
        assert!(
            refusal.message.contains("Chưa có hồ sơ"),
            "{}",
            refusal.message
        );

        let dat = app
            .list_persons(&admin, Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|p| p.full_name == "Nguyễn Văn Đạt")
            .unwrap()
            .id;
        let record = app.get_person(&admin, dat, &client).await.unwrap();
        let held = record.record["work_history"].as_array().unwrap();
        assert_eq!(held.len(), 2, "{}: {held:?}", db.label);
        assert_eq!(held[1]["unit"], "Sở Nội vụ");
        assert_eq!(
            record.record["general"]["birth_full_name"], "Nguyễn Văn Đạt",
            "the single sections are kept"
        );
    }
}
