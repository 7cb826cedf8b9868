//! A process killed (SIGKILL) in the middle of writing leaves nothing half-written (issue 15,
//! item 4): the real binary, on every available database.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hoso_store::testing::{TestDb, databases};

fn hoso(db: &TestDb, args: &[&str]) -> Command {
    let dir = db.dir.path();
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.args(args)
        .env("HOSO_DATABASE_URL", &db.url)
        .env("HOSO_KEY_FILE", dir.join("hoso.key"))
        .env("HOSO_ATTACHMENTS_DIR", dir.join("attachments"))
        .env("HOSO_BACKUP_DIR", dir.join("backups"))
        .env("HOSO_BACKUP_PASSPHRASE", "mật khẩu sao lưu thử")
        .env("HOSO_DEMO_PASSWORD", "Mat-khau-2026!")
        .env("HOSO_FIXED_TODAY", hoso_store::testing::today().to_string())
        .env("HOSO_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run(db: &TestDb, args: &[&str]) -> String {
    let out = hoso(db, args).output().expect("run hoso");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "hoso {args:?} on {}: {err}", db.label);
    err
}

fn files(dir: &Path, suffix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(suffix))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_backup_killed_half_way_leaves_no_archive_and_the_next_one_is_whole() {
    for db in databases().await {
        run(&db, &["seed-demo", "--people", "1500"]);
        let backups = db.dir.path().join("backups");
        let mut child = hoso(&db, &["backup"]).spawn().unwrap();
        let started = Instant::now();
        while files(&backups, ".part").is_empty() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "{}: the backup ended before it could be killed",
                db.label
            );
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no .part file"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(
            files(&backups, ".tar.gz.age").is_empty(),
            "{}: a killed backup never leaves a file that looks finished",
            db.label
        );

        // The next one is whole, restores and checks out; the audit chain is intact.
        let said = run(&db, &["backup", "--verify"]);
        assert!(said.contains("Đạt"), "{said}");
        assert_eq!(files(&backups, ".tar.gz.age").len(), 1, "{}", db.label);
        run(&db, &["audit", "verify"]);
    }
}

async fn people(url: &str) -> i64 {
    let store = hoso_store::Store::connect(url).await.unwrap();
    let mut conn = store.reader().await.unwrap();
    let n = hoso_store::persons::count(&mut conn).await.unwrap();
    drop(conn);
    store.close().await;
    n
}

#[tokio::test]
async fn an_import_killed_half_way_keeps_whole_batches_and_resumes() {
    const ROWS: usize = 5000;
    for db in databases().await {
        run(&db, &["seed-demo", "--people", "5"]);
        let store = hoso_store::Store::connect(&db.url).await.unwrap();
        let mut conn = store.reader().await.unwrap();
        let (unit,): (String,) = sqlx::query_as(
            "SELECT o.code FROM persons p JOIN org_units o ON o.id = p.unit_id ORDER BY p.id LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        drop(conn);
        store.close().await;
        // A plain CSV list: men born 01/01/1980, số định danh 001 0 80 + a serial.
        let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Số định danh,Dân tộc\n");
        for i in 0..ROWS {
            csv.push_str(&format!(
                "Nguyễn Văn Thử {i},01/01/1980,Nam,001080{:06},Kinh\n",
                100_000 + i
            ));
        }
        let file = db.dir.path().join("danh-sach.csv");
        std::fs::write(&file, csv).unwrap();
        let before = people(&db.url).await;

        let file_arg = file.to_string_lossy().into_owned();
        let mut child = hoso(&db, &["import", &file_arg, "--unit", &unit])
            .spawn()
            .unwrap();
        let started = Instant::now();
        while people(&db.url).await == before {
            assert!(
                child.try_wait().unwrap().is_none(),
                "{}: import ended early",
                db.label
            );
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "no batch committed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        child.kill().unwrap(); // SIGKILL, somewhere in a later batch
        child.wait().unwrap();
        let kept = (people(&db.url).await - before) as usize;
        assert!(kept < ROWS, "{}: killed before the end", db.label);
        assert_eq!(
            kept % hoso_app::imports::BATCH_ROWS,
            0,
            "{}: only whole batches are kept ({kept})",
            db.label
        );
        run(&db, &["audit", "verify"]);

        // Run again: what was kept is unchanged, the rest is created.
        let out = hoso(&db, &["import", &file_arg, "--unit", &unit, "--json"])
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["unchanged"], kept, "{}: {report}", db.label);
        assert_eq!(report["created"], ROWS - kept, "{}", db.label);
        assert_eq!(people(&db.url).await - before, ROWS as i64);
        run(&db, &["audit", "verify"]);
    }
}
