//! Upgrades (issue 15, item 3): a database made by each earlier release, kept in
//! `tests/fixtures/releases/` (the SQLite file gzipped, its key, and what it held), is migrated
//! by this code and must pass the checks a restore passes: the audit chain, every version chain,
//! the record versions' heads, the records readable, a backup of it restoring elsewhere. Add one
//! fixture per release (`hoso seed-demo` on that release's binary, then the JSON beside it).

mod common;

use std::io::Read;
use std::path::Path;

use common::{PASSWORD, databases};
use hoso_app::{App, ClientInfo, Config, Secret};

#[derive(serde::Deserialize)]
struct Expected {
    made_by: String,
    migrations: Vec<i64>,
    people: i64,
    versions: i64,
    audit_entries: i64,
    version_heads: String,
}

fn fixtures() -> Vec<(String, Expected)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/releases");
    let mut out: Vec<(String, Expected)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let expected = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            (dir.join(&name).to_string_lossy().into_owned(), expected)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn every_earlier_release_database_migrates_and_checks_out() {
    let all = fixtures();
    assert!(!all.is_empty(), "at least today's release is kept");
    for (stem, expected) in all {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(format!("{stem}.db.gz")).unwrap())
            .read_to_end(&mut db)
            .unwrap();
        std::fs::write(dir.path().join("hoso.db"), db).unwrap();
        std::fs::copy(format!("{stem}.key"), dir.path().join("hoso.key")).unwrap();
        let config = Config {
            database_url: format!("sqlite://{}/hoso.db", dir.path().display()),
            key_file: dir.path().join("hoso.key"),
            fixed_today: Some(hoso_store::testing::today()),
            backup_passphrase: Some(Secret::new("nâng cấp")),
            backup_dir: Some(dir.path().join("backups")),
            attachments_dir: Some(dir.path().join("attachments")),
            ..Config::default()
        };
        let app = App::start(config.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", expected.made_by));
        app.readiness().await.unwrap();
        let (entries, broken) = app.verify_audit_chain().await.unwrap();
        assert!(broken.is_none(), "{}", expected.made_by);
        assert!(entries >= expected.audit_entries);
        let (chains, broken) = app.verify_every_version_chain().await.unwrap();
        assert_eq!(broken, None, "{}", expected.made_by);
        assert_eq!(chains, expected.people);
        let store = hoso_store::Store::connect(&config.database_url)
            .await
            .unwrap();
        let mut c = store.reader().await.unwrap();
        let (versions, heads) = hoso_store::dump::version_heads(&mut c).await.unwrap();
        drop(c);
        store.close().await;
        assert_eq!(
            (versions, heads),
            (expected.versions, expected.version_heads.clone())
        );
        assert!(
            expected
                .migrations
                .iter()
                .all(|m| *m <= hoso_store::migrate::latest())
        );

        // The records read as before, and the old database backs up and restores elsewhere.
        let admin = app
            .login("admin", PASSWORD, None, &ClientInfo::default())
            .await
            .unwrap()
            .1;
        let list = app.list_persons(&admin, Default::default()).await.unwrap();
        assert_eq!(list.total, expected.people);
        app.get_person(&admin, list.items[0].id, &ClientInfo::default())
            .await
            .unwrap();
        let taken = app.take_backup(None).await.unwrap();
        assert_eq!(taken.status, "succeeded", "{:?}", taken.error);
        let target_db = databases().await.pop().unwrap();
        let mut target = config.clone();
        target.database_url = target_db.url.clone();
        target.key_file = target_db.dir.path().join("hoso.key");
        target.attachments_dir = Some(target_db.dir.path().join("attachments"));
        let manifest = hoso_app::backup::restore(
            &target,
            &config.backup_path().join(&taken.file_name),
            "Kiểm tra nâng cấp",
        )
        .await
        .unwrap();
        let restored = App::start(target).await.unwrap();
        let v = restored.verify_restored(&manifest, None).await.unwrap();
        assert!(
            v.passed,
            "{} → {}: {}",
            expected.made_by, target_db.label, v.note
        );
    }
}
