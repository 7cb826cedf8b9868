//! Backup and restore (issue 15) on both databases: a backup of each kind restores into an
//! empty database of each kind, identical (tables, counts, chains, a whole record read field
//! by field, the attachments); SQLite → PostgreSQL → SQLite round trip; bad archives and bad
//! targets change nothing; the retention lets the old ones go.

mod common;

use std::path::{Path, PathBuf};

use common::{PASSWORD, TestDb, config_on, databases, demo_app, login};
use hoso_app::attachments::{AttachmentStore, sha256_hex};
use hoso_app::backup::{self, Manifest};
use hoso_app::security::AuditQuery;
use hoso_app::{App, AppError, ClientInfo, Config, Secret};
use time::macros::date;

const PASSPHRASE: &str = "mật khẩu sao lưu của tỉnh 2026";
const DECISION: &str = "Văn bản số 123/SNV-CNTT ngày 01/12/2026 của Sở Nội vụ";

fn with_backups(mut config: Config, dir: &Path) -> Config {
    config.backup_passphrase = Some(Secret::new(PASSPHRASE));
    config.backup_dir = Some(dir.join("backups"));
    config.attachments_dir = Some(dir.join("attachments"));
    config
}

/// A fresh target: its own key file and attachment folder (nothing there yet).
fn target_config(db: &TestDb) -> Config {
    let dir = db.dir.path().join("target");
    let mut config = with_backups(config_on(db, common_today()), &dir);
    config.key_file = dir.join("hoso.key");
    config
}

fn common_today() -> time::Date {
    hoso_store::testing::today()
}

/// A source with the demo province, a scan in its attachment store, and one backup taken.
async fn source_with_backup(db: &TestDb) -> (App, Config, PathBuf, Vec<u8>) {
    let config = with_backups(config_on(db, common_today()), db.dir.path());
    let app = demo_app(config.clone(), 25).await;
    let scan = b"%PDF-1.4\n% quyet dinh\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    AttachmentStore::open(&config)
        .unwrap()
        .put(&sha256_hex(&scan), scan.clone())
        .await
        .unwrap();
    let taken = app.take_backup(None).await.unwrap();
    assert_eq!(taken.status, "succeeded", "{:?}", taken.error);
    assert_eq!(taken.people, Some(25));
    assert_eq!(taken.attachments, Some(1));
    let path = config.backup_path().join(&taken.file_name);
    assert!(path.exists());
    // No plaintext anywhere in the file: a name on a record is not findable in it.
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(!bytes.windows(4).any(|w| w == b"PDF-"), "encrypted");
    (app, config, path, scan)
}

/// Every person's record, as the administrator reads it, field by field.
async fn records(app: &App) -> Vec<(i64, String, serde_json::Value)> {
    let admin = login(app, "admin").await;
    let client = ClientInfo::default();
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let list = app
            .list_persons(
                &admin,
                hoso_app::records::PersonQuery {
                    page: Some(page),
                    per_page: Some(100),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for p in &list.items {
            let v = app.get_person(&admin, p.id, &client).await.unwrap();
            out.push((
                v.id,
                v.version_hash,
                serde_json::to_value(&v.record).unwrap(),
            ));
        }
        if (page * 100) >= list.total {
            break;
        }
        page += 1;
    }
    out
}

async fn restored(config: &Config, path: &Path) -> (App, Manifest) {
    let manifest = backup::restore(config, path, DECISION).await.unwrap();
    let app = App::start(config.clone()).await.unwrap();
    let v = app
        .verify_restored(&manifest, Some(DECISION))
        .await
        .unwrap();
    assert!(v.passed, "{}", v.note);
    (app, manifest)
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_database_of_either_kind_identically() {
    for source_db in databases().await {
        let (source, _, path, scan) = source_with_backup(&source_db).await;
        let expected = records(&source).await;
        assert_eq!(expected.len(), 25);
        for target_db in databases().await {
            let label = format!("{} → {}", source_db.label, target_db.label);
            let target = target_config(&target_db);
            let (app, manifest) = restored(&target, &path).await;
            assert_eq!(manifest.header.backend, source_db.label, "{label}");
            assert_eq!(manifest.people, 25, "{label}");
            assert_eq!(
                records(&app).await,
                expected,
                "{label}: every record, field by field"
            );
            // The scan came back, byte for byte, and the restore is in the audit trail.
            let back = AttachmentStore::open(&target)
                .unwrap()
                .get(&sha256_hex(&scan))
                .await
                .unwrap();
            assert_eq!(back, scan, "{label}");
            let admin = login(&app, "admin").await;
            let entries = app
                .audit_entries(
                    &admin,
                    AuditQuery {
                        action: Some("backup.restore".into()),
                        ..Default::default()
                    },
                    &ClientInfo::default(),
                )
                .await
                .unwrap();
            assert_eq!(entries.total, 1, "{label}");
            assert!(
                entries.items[0].detail.to_string().contains("123/SNV-CNTT"),
                "{label}"
            );
            // The restored database goes on: the chain continues, new ids do not collide.
            let (n, broken) = app.verify_audit_chain().await.unwrap();
            assert!(broken.is_none() && n > manifest.audit_entries, "{label}");
            let unit = common::some_unit(&app, &admin).await;
            let record = hoso_domain::schema::fixtures::RecordBuilder::civil_servant()
                .national_id("001185012345")
                .build();
            common::create_person(&app, &admin, unit, record).await;
        }
    }
}

#[tokio::test]
async fn sqlite_to_postgresql_and_back_gives_the_same_records() {
    let dbs = databases().await;
    if dbs.len() < 2 {
        return; // PostgreSQL not configured.
    }
    let (source, _, path, _) = source_with_backup(&dbs[0]).await;
    let expected = records(&source).await;
    let pg = databases().await.into_iter().nth(1).unwrap();
    let pg_config = target_config(&pg);
    let (pg_app, _) = restored(&pg_config, &path).await;
    let again = pg_app.take_backup(None).await.unwrap();
    assert_eq!(again.status, "succeeded", "{:?}", again.error);
    let back = databases().await.into_iter().next().unwrap();
    let (sqlite_app, manifest) = restored(
        &target_config(&back),
        &pg_config.backup_path().join(&again.file_name),
    )
    .await;
    assert_eq!(manifest.header.backend, "postgres");
    assert_eq!(records(&sqlite_app).await, expected);
}

fn refused(e: AppError, needle: &str) {
    match e {
        AppError::BadRequest(m) => assert!(m.contains(needle), "«{m}» should say «{needle}»"),
        other => panic!("expected a Vietnamese refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_archives_and_bad_targets_change_nothing() {
    let dbs = databases().await;
    let (source, source_config, path, _) = source_with_backup(&dbs[0]).await;
    for target_db in databases().await {
        let target = target_config(&target_db);
        let dir = target_db.dir.path();

        let mut wrong = target.clone();
        wrong.backup_passphrase = Some(Secret::new("không phải mật khẩu này"));
        refused(
            backup::restore(&wrong, &path, DECISION).await.unwrap_err(),
            "Sai mật khẩu",
        );

        let bytes = std::fs::read(&path).unwrap();
        let truncated = dir.join("cut.age");
        std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
        refused(
            backup::restore(&target, &truncated, DECISION)
                .await
                .unwrap_err(),
            "hỏng",
        );

        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        let damaged = dir.join("flipped.age");
        std::fs::write(&damaged, &flipped).unwrap();
        refused(
            backup::restore(&target, &damaged, DECISION)
                .await
                .unwrap_err(),
            "hỏng",
        );

        let foreign = dir.join("danh-sach.xlsx");
        std::fs::write(&foreign, b"PK\x03\x04 not a backup").unwrap();
        refused(
            backup::restore(&target, &foreign, DECISION)
                .await
                .unwrap_err(),
            "không phải bản sao lưu",
        );

        refused(
            backup::restore(&target, &path, "  ").await.unwrap_err(),
            "văn bản cho phép",
        );

        let mut no_pass = target.clone();
        no_pass.backup_passphrase = None;
        refused(
            backup::restore(&no_pass, &path, DECISION)
                .await
                .unwrap_err(),
            "mật khẩu sao lưu",
        );

        // Nothing above wrote anything: the real restore still finds the target empty.
        assert!(
            !target.key_file.exists(),
            "no key written by a refused restore"
        );
        let (app, _) = restored(&target, &path).await;

        // Now it holds data: a second restore is refused, and leaves it as it is.
        let before = records(&app).await;
        refused(
            backup::restore(&target, &path, DECISION).await.unwrap_err(),
            "đã có dữ liệu",
        );
        let app = App::start(target.clone()).await.unwrap();
        assert_eq!(records(&app).await, before);
    }
    // The source itself is not empty either; and a key that is not the archive's is refused.
    refused(
        backup::restore(&source_config, &path, DECISION)
            .await
            .unwrap_err(),
        "đã có dữ liệu",
    );
    let other = databases().await.into_iter().next().unwrap();
    let mut other_key = target_config(&other);
    std::fs::create_dir_all(other_key.key_file.parent().unwrap()).unwrap();
    std::fs::write(&other_key.key_file, "11".repeat(32)).unwrap();
    refused(
        backup::restore(&other_key, &path, DECISION)
            .await
            .unwrap_err(),
        "khác khóa",
    );
    other_key.key_file = other.dir.path().join("new.key");
    restored(&other_key, &path).await;
    drop(source);
}

#[tokio::test]
async fn a_trial_restore_verifies_a_backup_and_the_page_shows_it() {
    for db in databases().await {
        let (app, _, _, _) = source_with_backup(&db).await;
        let admin = login(&app, "admin").await;
        let client = ClientInfo::default();
        let overview = app.backups(&admin, &client).await.unwrap();
        assert_eq!(overview.backups.len(), 1, "{}", db.label);
        assert!(
            overview.warning.is_none(),
            "a fresh good backup: no warning"
        );
        let id = overview.backups[0].id;
        let v = app.verify_backup(id).await.unwrap();
        assert!(v.passed, "{}: {}", db.label, v.note);
        let overview = app.backups(&admin, &client).await.unwrap();
        assert_eq!(overview.backups[0].verify_status.as_deref(), Some("passed"));
        // Only the system administrator sees backups.
        let hr = login(&app, "lanhdao").await;
        assert!(matches!(
            app.backups(&hr, &client).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            app.request_backup(&hr, &client).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn the_last_good_backup_too_old_warns_the_administrator() {
    let db = databases().await.into_iter().next().unwrap();
    let dir = db.dir.path().to_path_buf();
    let config = with_backups(config_on(&db, date!(2026 - 10 - 01)), &dir);
    let app = demo_app(config.clone(), 3).await;
    let admin = login(&app, "admin").await;
    let overview = app.backups(&admin, &ClientInfo::default()).await.unwrap();
    assert!(overview.warning.unwrap().contains("Chưa có bản sao lưu"));
    app.take_backup(None).await.unwrap();
    let later = App::start(with_backups(config_on(&db, date!(2026 - 10 - 03)), &dir))
        .await
        .unwrap();
    let admin = later
        .login("admin", PASSWORD, None, &ClientInfo::default())
        .await
        .unwrap()
        .1;
    let overview = later.backups(&admin, &ClientInfo::default()).await.unwrap();
    assert!(overview.warning.unwrap().contains("cũ hơn 36 giờ"));
    let mut none = config;
    none.backup_passphrase = None;
    let unconfigured = App::start(none).await.unwrap();
    let overview = unconfigured
        .backups(&admin, &ClientInfo::default())
        .await
        .unwrap();
    assert!(overview.warning.unwrap().contains("HOSO_BACKUP_PASSPHRASE"));
    assert!(matches!(
        unconfigured.take_backup(None).await,
        Err(AppError::BadRequest(_))
    ));
}

#[tokio::test]
async fn the_retention_lets_old_backups_go_and_keeps_the_rest() {
    let db = databases().await.into_iter().next().unwrap();
    let dir = db.dir.path().to_path_buf();
    let on = |day: time::Date| {
        let mut c = with_backups(config_on(&db, day), &dir);
        c.backup_keep_daily = 2;
        c.backup_keep_monthly = 1;
        c
    };
    demo_app(on(date!(2026 - 09 - 10)), 3).await;
    let mut files = Vec::new();
    for day in [
        date!(2026 - 09 - 10),
        date!(2026 - 10 - 05),
        date!(2026 - 10 - 13),
        date!(2026 - 10 - 14),
    ] {
        let app = App::start(on(day)).await.unwrap();
        let b = app.take_backup(None).await.unwrap();
        files.push(on(day).backup_path().join(b.file_name));
    }
    let app = App::start(on(date!(2026 - 10 - 14))).await.unwrap();
    assert_eq!(app.prune_backups().await.unwrap(), 1);
    assert!(
        !files[0].exists(),
        "September's goes (one month kept: October's first)"
    );
    assert!(files[1..].iter().all(|f| f.exists()));
    assert_eq!(
        app.prune_backups().await.unwrap(),
        0,
        "nothing more to let go"
    );
}

/// The names of the objects in a bucket.
async fn objects(bucket: &object_store::aws::AmazonS3) -> Vec<String> {
    use futures_util::TryStreamExt;
    let mut names: Vec<String> = object_store::ObjectStore::list(bucket, None)
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .unwrap();
    names.sort();
    names
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn backups_kept_in_an_s3_bucket_verify_and_are_let_go_there() {
    let Some(moto) = common::moto::Moto::start(&["hoso-backups"]) else {
        eprintln!("SKIPPED: moto_server not found (pip install 'moto[server]')");
        return;
    };
    let bucket = moto.bucket("hoso-backups");
    for db in databases().await {
        let dir = db.dir.path().to_path_buf();
        let prefix = format!("tinh-mau-{}", db.label);
        let on = |day: time::Date| {
            let mut c = with_backups(config_on(&db, day), &dir);
            c.backup_url = Some(format!("s3://hoso-backups/{prefix}"));
            c.backup_options = moto.options();
            c.backup_keep_daily = 1;
            c.backup_keep_monthly = 1;
            c
        };
        let app = demo_app(on(date!(2026 - 09 - 10)), 5).await;
        let september = app.take_backup(None).await.unwrap();
        assert_eq!(september.status, "succeeded", "{:?}", september.error);
        let in_bucket = |name: &str| format!("{prefix}/{name}");
        assert!(
            objects(&bucket)
                .await
                .contains(&in_bucket(&september.file_name)),
            "{}: the archive is in the bucket",
            db.label
        );
        assert!(
            files_in(&on(date!(2026 - 09 - 10)).backup_path()).is_empty(),
            "{}: nothing stays in the staging folder",
            db.label
        );
        let admin = login(&app, "admin").await;
        let overview = app.backups(&admin, &ClientInfo::default()).await.unwrap();
        assert_eq!(overview.destination, format!("s3://hoso-backups/{prefix}"));

        // A trial restore downloads it and checks it.
        let v = app.verify_backup(september.id).await.unwrap();
        assert!(v.passed, "{}: {}", db.label, v.note);

        // October's backup: September's lets go, from the bucket.
        let app = App::start(on(date!(2026 - 10 - 14))).await.unwrap();
        let october = app.take_backup(None).await.unwrap();
        assert_eq!(october.status, "succeeded", "{:?}", october.error);
        assert_eq!(app.prune_backups().await.unwrap(), 1);
        let names = objects(&bucket).await;
        assert!(!names.contains(&in_bucket(&september.file_name)));
        assert!(names.contains(&in_bucket(&october.file_name)));

        // The archive in the bucket is the same file a restore takes.
        let fetched = object_store::ObjectStoreExt::get(
            &bucket,
            &in_bucket(&october.file_name).as_str().into(),
        )
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
        let local = dir.join("tai-ve.tar.gz.age");
        std::fs::write(&local, &fetched).unwrap();
        let manifest = backup::check_archive(&local, &Secret::new(PASSPHRASE))
            .await
            .unwrap();
        assert_eq!(manifest.people, 5);

        // A bucket that is not there: the run fails, says so, and leaves nothing behind.
        let mut lost = on(date!(2026 - 10 - 14));
        lost.backup_url = Some("s3://khong-co-bucket-nay/x".into());
        let app = App::start(lost.clone()).await.unwrap();
        let failed = app.take_backup(None).await.unwrap();
        assert_eq!(failed.status, "failed", "{}", db.label);
        assert!(
            failed.error.as_deref().unwrap().contains("kho lưu trữ"),
            "{:?}",
            failed.error
        );
        assert!(
            files_in(&lost.backup_path()).is_empty(),
            "{}: no archive left in the staging folder",
            db.label
        );
    }
}

/// A tmpfs of `kib` KiB mounted on `dir` for the life of the guard; `None` where this process
/// may not mount (not root).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, kib: u32) -> Option<SmallDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(dir.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_fails_the_backup_cleanly_and_changes_nothing() {
    for db in databases().await {
        let dir = db.dir.path().to_path_buf();
        let config = with_backups(config_on(&db, common_today()), &dir);
        let Some(_disk) = SmallDisk::mount(&config.backup_path(), 16) else {
            eprintln!("SKIPPED: cannot mount a small tmpfs here (needs root)");
            return;
        };
        let app = demo_app(config.clone(), 25).await;
        let admin = login(&app, "admin").await;
        let before = records(&app).await;
        let failed = app.take_backup(None).await.unwrap();
        assert_eq!(failed.status, "failed", "{}", db.label);
        let why = failed.error.clone().unwrap();
        assert!(why.contains("ổ đĩa đã đầy"), "{}: {why}", db.label);
        assert!(
            files_in(&config.backup_path()).is_empty(),
            "{}: the partial archive is gone",
            db.label
        );
        // The failure shows on the backups page, and the data is as it was.
        let overview = app.backups(&admin, &ClientInfo::default()).await.unwrap();
        assert_eq!(overview.backups[0].status_label, "Thất bại");
        assert!(overview.warning.is_some());
        assert_eq!(records(&app).await, before, "{}", db.label);
        let (_, broken) = app.verify_audit_chain().await.unwrap();
        assert!(broken.is_none(), "{}: {broken:?}", db.label);
    }
}
