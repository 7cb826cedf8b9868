//! A process killed (SIGKILL) in the middle of writing leaves nothing half-written, and every
//! write it acknowledged is kept (issue 15, item 4): the real binary, on every available
//! database.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine;
use hoso_store::Store;
use hoso_store::testing::{TestDb, databases};
use reqwest::Method;
use serde_json::json;

mod common;
use common::{Api, DEMO_PASSWORD, Server, hoso, run, succeed, vars};

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

/// The first `n` people, each with the code of their unit.
async fn units_of_first_people(url: &str, n: i64) -> Vec<(i64, String)> {
    let store = Store::connect(url).await.unwrap();
    let mut conn = store.reader().await.unwrap();
    let rows = sqlx::query_as(
        "SELECT p.id, o.code FROM persons p JOIN org_units o ON o.id = p.unit_id ORDER BY p.id LIMIT $1",
    )
    .bind(n)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    store.close().await;
    rows
}

/// A plain CSV list of `rows` new people: men born 01/01/1980, số định danh 001 0 80 + a serial.
fn people_csv(db: &TestDb, rows: usize) -> PathBuf {
    let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Số định danh,Dân tộc\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "Nguyễn Văn Thử {i},01/01/1980,Nam,001080{:06},Kinh\n",
            100_000 + i
        ));
    }
    let file = db.dir.path().join("danh-sach.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

#[tokio::test]
async fn an_import_killed_half_way_keeps_whole_batches_and_resumes() {
    const ROWS: usize = 5000;
    for db in databases().await {
        run(&db, &["seed-demo", "--people", "5"]);
        let unit = units_of_first_people(&db.url, 1).await.remove(0).1;
        let file = people_csv(&db, ROWS);
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

async fn count(store: &Store, sql: &'static str, id: i64) -> i64 {
    let mut conn = store.reader().await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    n
}

/// Waits until the jobs the server queued when it started (the day's alerts) have run, so that
/// from then on the test's requests are the only writers.
async fn jobs_settled(store: &Store) {
    let started = Instant::now();
    loop {
        let mut conn = store.reader().await.unwrap();
        let (queued, open): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status IN ('queued', 'running') THEN 1 ELSE 0 END), 0) FROM job_runs",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        if queued > 0 && open == 0 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the day's jobs did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How far a batch got: whether it is signed, after checking that everything its signing
/// writes (state, approvals, hub queue, official versions, audit entry) is there for all of its
/// `items` or for none.
async fn signed_wholly_or_not_at_all(db: &TestDb, batch: i64, items: i64) -> bool {
    let store = Store::connect(&db.url).await.unwrap();
    let mut conn = store.reader().await.unwrap();
    let (state,): (String,) = sqlx::query_as("SELECT state FROM approval_batches WHERE id = $1")
        .bind(batch)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'approval.sign' AND target_id = $1",
    )
    .bind(batch.to_string())
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let approved = count(
        &store,
        "SELECT COUNT(*) FROM approval_items WHERE batch_id = $1",
        batch,
    )
    .await;
    let queued = count(
        &store,
        "SELECT COUNT(*) FROM hub_outbox WHERE batch_id = $1",
        batch,
    )
    .await;
    let official = count(
        &store,
        "SELECT COUNT(*) FROM approval_items a JOIN persons p ON p.id = a.person_id \
         WHERE a.batch_id = $1 AND p.official_version >= a.version",
        batch,
    )
    .await;
    let mut conn = store.reader().await.unwrap();
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM persons WHERE current_version > official_version")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    store.close().await;
    let seen = (state.as_str(), approved, queued, official, waiting, audited);
    assert!(
        seen == ("signed", items, items, items, 0, 1) || seen == ("prepared", 0, 0, 0, items, 0),
        "{}: batch {batch} of {items} half signed: (state, approvals, hub queue, official, waiting, audit entries) = {seen:?}",
        db.label
    );
    state == "signed"
}

/// On PostgreSQL, holds the row of the last record a signing makes official in a transaction of
/// the test's own: the signing then waits there with everything before it written but not
/// committed, and the kill lands inside its transaction for certain. The backend id is what the
/// signing waits on.
async fn hold_last_waiting_record(store: &Store) -> (sqlx::pool::PoolConnection<sqlx::Any>, i64) {
    let mut conn = store.reader().await.unwrap();
    sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
    // NO KEY UPDATE: the approvals may still reference the row (their foreign keys take KEY
    // SHARE); only the update that makes it official waits.
    sqlx::query(
        "SELECT id FROM persons WHERE id = (SELECT MAX(id) FROM persons WHERE current_version > official_version) FOR NO KEY UPDATE",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let (pid,): (i64,) = sqlx::query_as("SELECT CAST(pg_backend_pid() AS BIGINT)")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    (conn, pid)
}

/// Tries to take SQLite's one write lock without waiting: `true` if taken (the caller ends the
/// transaction), `false` if another connection holds it.
async fn take_write_lock(conn: &mut sqlx::AnyConnection) -> bool {
    match sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await {
        Ok(_) => true,
        Err(e) if e.to_string().contains("locked") => false,
        Err(e) => panic!("{e}"),
    }
}

/// When the signing server is killed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Moment {
    /// PostgreSQL: while its transaction waits on the row of the last record it makes official,
    /// which the test holds (see [`hold_last_waiting_record`]).
    Pinned,
    /// SQLite: while it holds the write lock, inside its transaction.
    Writing,
    /// SQLite: as soon as it has written and let the write lock go, which the test then takes
    /// and keeps across the kill, so that the server writes nothing more: a signing split into
    /// several transactions is caught between two of them.
    LetGo,
}

async fn version_chains_verify(db: &TestDb) {
    let vars = vars(db);
    let config = hoso_app::Config::from_sources(None, &|name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let app = hoso_app::App::start(config).await.unwrap();
    let (chains, broken) = app.verify_every_version_chain().await.unwrap();
    assert_eq!(broken, None, "{}: after {chains} good chains", db.label);
    app.store().close().await;
}

#[tokio::test]
async fn an_approval_signing_killed_half_way_signs_all_or_nothing() {
    for db in databases().await {
        let moment = match db.label {
            "postgres" => Moment::Pinned,
            _ => Moment::Writing,
        };
        sign_and_kill(db, moment).await;
    }
    let sqlite = databases().await.remove(0);
    sign_and_kill(sqlite, Moment::LetGo).await;
}

async fn sign_and_kill(db: TestDb, moment: Moment) {
    // Enough versions that signing them takes a while.
    const WAITING: usize = 600;
    let (root, p12) = hoso_app::demo::ensure_demo_pki(
        &db.dir.path().join("demo-pki"),
        DEMO_PASSWORD,
        hoso_app::Clock::on(hoso_store::testing::today()),
    )
    .unwrap();
    run(&db, &["seed-demo", "--people", "5"]);
    let unit = units_of_first_people(&db.url, 1).await.remove(0).1;
    // Imported versions are the system's: they wait for the head's signature.
    let file = people_csv(&db, WAITING).to_string_lossy().into_owned();
    run(&db, &["import", &file, "--unit", &unit]);

    let server = Server::start(&db);
    let head_name = format!("pd.{}", unit.to_lowercase());
    let head = Api::login(&server, &head_name).await;
    let (status, batch) = head
        .call(Method::POST, "/api/v1/approvals", Some(&json!({})))
        .await
        .unwrap();
    assert_eq!(status, 201, "{}: {batch}", db.label);
    assert_eq!(batch["item_count"], WAITING, "{}", db.label);
    let batch = batch["id"].as_i64().unwrap();
    let signing = json!({
        "pkcs12": base64::engine::general_purpose::STANDARD.encode(std::fs::read(&p12).unwrap()),
        "password": DEMO_PASSWORD,
    });
    let store = Store::connect(&db.url).await.unwrap();
    jobs_settled(&store).await;
    // The test's connection: on PostgreSQL the one holding the row, on SQLite the one
    // probing the write lock.
    let (mut conn, pinned_by) = match moment {
        Moment::Pinned => {
            let (conn, pid) = hold_last_waiting_record(&store).await;
            (conn, Some(pid))
        }
        Moment::Writing | Moment::LetGo => {
            let mut conn = store.reader().await.unwrap();
            sqlx::raw_sql("PRAGMA busy_timeout = 0")
                .execute(&mut *conn)
                .await
                .unwrap();
            (conn, None)
        }
    };

    let sign = tokio::spawn({
        let head = head.clone();
        let signing = signing.clone();
        let path = format!("/api/v1/approvals/{batch}/sign");
        async move { head.call(Method::POST, &path, Some(&signing)).await }
    });
    let started = Instant::now();
    let mut wrote = false;
    let mut holding = pinned_by.is_some();
    while !sign.is_finished() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{}: the signing never reached {moment:?}",
            db.label
        );
        if let Some(pid) = pinned_by {
            // Not on the holding connection: inside a transaction pg_stat_activity does not
            // change.
            let waiting = count(
                &store,
                "SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
                pid,
            )
            .await;
            if waiting > 0 {
                break;
            }
        } else if take_write_lock(&mut conn).await {
            if wrote && moment == Moment::LetGo {
                holding = true;
                break;
            }
            sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.unwrap();
        } else {
            wrote = true;
            if moment == Moment::Writing {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill();
    if holding {
        sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.unwrap();
    }
    drop(conn);
    let acknowledged = matches!(sign.await.unwrap(), Ok((200, _)));
    store.close().await;

    let signed = signed_wholly_or_not_at_all(&db, batch, WAITING as i64).await;
    assert!(
        signed || !acknowledged,
        "{}: the signing was acknowledged, then lost",
        db.label
    );
    if moment == Moment::Pinned {
        assert!(
            !signed,
            "killed while it waited, the signing never committed"
        );
    }
    eprintln!(
        "{} ({moment:?}): killed {} the signing committed",
        db.label,
        if signed { "after" } else { "before" }
    );

    // After the restart the same batch is signed whole.
    let server = Server::start(&db);
    if !signed {
        let head = Api::login(&server, &head_name).await;
        let (status, answer) = head
            .call(
                Method::POST,
                &format!("/api/v1/approvals/{batch}/sign"),
                Some(&signing),
            )
            .await
            .unwrap();
        assert_eq!(status, 200, "{}: {answer}", db.label);
        assert_eq!(answer["state"], "signed", "{}", db.label);
    }
    server.kill();
    assert!(signed_wholly_or_not_at_all(&db, batch, WAITING as i64).await);
    let mut verify = hoso(&db, &["verify-approval"]);
    verify.env("HOSO_TRUSTED_ROOTS", &root);
    let said = succeed(&db, verify);
    assert!(said.contains("1 lô phê duyệt đã kiểm tra"), "{said}");
    run(&db, &["audit", "verify"]);
    version_chains_verify(&db).await;
}

/// A write the server answered 2xx: the version it made and what it holds.
#[derive(Debug)]
struct Acknowledged {
    person: i64,
    version: i64,
    hash: String,
    other_names: String,
}

/// Edits one record over and over until the server is gone, sending each acknowledged write to
/// `acks`. An answer other than 2xx while the server runs is an error.
async fn keep_editing(
    api: Api,
    person: i64,
    acks: tokio::sync::mpsc::UnboundedSender<Acknowledged>,
) -> Result<(), String> {
    let path = format!("/api/v1/persons/{person}");
    // On a loaded machine the others may reach the kill before this one has read its record.
    let Ok((status, view)) = api.call(Method::GET, &path, None).await else {
        return Ok(());
    };
    if status != 200 {
        return Err(format!("GET {path}: {status} {view}"));
    }
    let mut record = view["record"].clone();
    let mut expected = view["current_version"].as_i64().unwrap();
    let path = format!("{path}/record");
    for n in 0.. {
        let other_names = format!("Tên gọi khác {person}-{n}");
        record["general"]["other_names"] = json!(other_names);
        let body = json!({"expected_version": expected, "record": record});
        match api.call(Method::PUT, &path, Some(&body)).await {
            Ok((200, view)) => {
                expected = view["current_version"].as_i64().unwrap();
                let _ = acks.send(Acknowledged {
                    person,
                    version: expected,
                    hash: view["version_hash"].as_str().unwrap().to_string(),
                    other_names,
                });
            }
            Ok((status, answer)) => return Err(format!("PUT {path}: {status} {answer}")),
            // The server is gone.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_write_acknowledged_before_a_kill_is_there_after_the_restart() {
    const WRITERS: i64 = 4;
    // Arbitrary: by then every writer is under way, and some request is in flight at the kill.
    const KILL_AFTER: usize = 30;
    for db in databases().await {
        run(&db, &["seed-demo", "--people", "12"]);
        let people = units_of_first_people(&db.url, WRITERS).await;
        let server = Server::start(&db);
        let (sender, mut acks) = tokio::sync::mpsc::unbounded_channel();
        let mut writers = Vec::new();
        for (person, unit) in &people {
            let hr = Api::login(&server, &format!("qt.{}", unit.to_lowercase())).await;
            writers.push(tokio::spawn(keep_editing(hr, *person, sender.clone())));
        }
        drop(sender);
        let mut acknowledged = Vec::new();
        let mut server = Some(server);
        while let Some(ack) = acks.recv().await {
            acknowledged.push(ack);
            if acknowledged.len() == KILL_AFTER {
                server.take().unwrap().kill();
            }
        }
        assert!(
            server.is_none(),
            "{}: the writers stopped before the kill",
            db.label
        );
        for writer in writers {
            writer.await.unwrap().unwrap();
        }

        let server = Server::start(&db);
        for (person, unit) in &people {
            let hr = Api::login(&server, &format!("qt.{}", unit.to_lowercase())).await;
            for ack in acknowledged.iter().filter(|a| a.person == *person) {
                let (status, version) = hr
                    .call(
                        Method::GET,
                        &format!("/api/v1/persons/{person}/versions/{}", ack.version),
                        None,
                    )
                    .await
                    .unwrap();
                assert_eq!(status, 200, "{}: {ack:?} lost: {version}", db.label);
                assert_eq!(version["hash"], ack.hash.as_str(), "{}: {ack:?}", db.label);
                assert_eq!(
                    version["record"]["general"]["other_names"],
                    ack.other_names.as_str(),
                    "{}: {ack:?}",
                    db.label
                );
            }
            // The record takes the next write on whatever the kill left: the write in flight
            // committed whole, or not at all.
            let path = format!("/api/v1/persons/{person}");
            let (_, view) = hr.call(Method::GET, &path, None).await.unwrap();
            let mut record = view["record"].clone();
            record["general"]["other_names"] = json!("Sau khi khởi động lại");
            let body = json!({"expected_version": view["current_version"], "record": record});
            let (status, answer) = hr
                .call(Method::PUT, &format!("{path}/record"), Some(&body))
                .await
                .unwrap();
            assert_eq!(status, 200, "{}: {answer}", db.label);
        }
        server.kill();
        eprintln!(
            "{}: {} writes acknowledged before the kill, all there",
            db.label,
            acknowledged.len()
        );
        run(&db, &["audit", "verify"]);
        version_chains_verify(&db).await;
    }
}

/// Where a merge of unit `source` into the new unit `code` stands after a kill: whether it is
/// done, after checking that it is so for everything it writes (the people's unit, the new
/// unit, the source dissolved, the reorganisation row, its audit entry) or for none of it.
async fn merged_wholly_or_not_at_all(db: &TestDb, source: i64, code: &str, people: i64) -> bool {
    let store = Store::connect(&db.url).await.unwrap();
    let in_source = count(
        &store,
        "SELECT COUNT(*) FROM persons WHERE unit_id = $1",
        source,
    )
    .await;
    let dissolved = count(
        &store,
        "SELECT COUNT(*) FROM org_units WHERE id = $1 AND dissolved_on IS NOT NULL",
        source,
    )
    .await;
    let mut conn = store.reader().await.unwrap();
    let (in_new,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM persons p JOIN org_units o ON o.id = p.unit_id WHERE o.code = $1",
    )
    .bind(code)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let (new_units,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM org_units WHERE code = $1")
        .bind(code)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reorganisations")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (audited,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'org.reorganise'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    store.close().await;
    let seen = (in_source, in_new, new_units, dissolved, rows, audited);
    assert!(
        seen == (0, people, 1, 1, 1, 1) || seen == (people, 0, 0, 0, 0, 0),
        "{}: merge half done: (in source, in new unit, new unit, source dissolved, reorganisations, audit entries) = {seen:?}",
        db.label
    );
    in_new == people
}

#[tokio::test]
async fn a_reorganisation_killed_half_way_moves_everyone_or_no_one() {
    for db in databases().await {
        // A unit of 800 brought in from a bare list (incomplete records: the reorganisation
        // carries them as they are).
        run(&db, &["seed-demo", "--people", "5"]);
        let unit_code = units_of_first_people(&db.url, 1).await.remove(0).1;
        let file = people_csv(&db, 800).to_string_lossy().into_owned();
        run(&db, &["import", &file, "--unit", &unit_code]);
        let store = Store::connect(&db.url).await.unwrap();
        let mut conn = store.reader().await.unwrap();
        let (source, parent, kind): (i64, i64, String) =
            sqlx::query_as("SELECT id, parent_id, kind FROM org_units WHERE code = $1")
                .bind(&unit_code)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        drop(conn);
        let people = count(
            &store,
            "SELECT COUNT(*) FROM persons WHERE unit_id = $1",
            source,
        )
        .await;
        assert!(people >= 800, "{}: {people} people", db.label);
        let today = hoso_store::testing::today().to_string();
        let code = "T68.HOPNHAT";
        let merge = json!({
            "operation": {"kind": "merge", "sources": [source], "into": {
                "type": "new", "parent_id": parent, "code": code,
                "name": "Đơn vị hợp nhất", "kind": kind}},
            "decision": {"number": "99/QĐ-UBND", "date": today, "effective_date": today},
        });

        let server = Server::start(&db);
        let admin = Api::login(&server, "admin").await;
        jobs_settled(&store).await;
        // PostgreSQL: the test holds the row of the source's last person, so the merge waits
        // there with everyone before written but not committed. SQLite: the kill lands while
        // the merge holds the write lock.
        let mut conn = store.reader().await.unwrap();
        let pinned_by = if db.label == "postgres" {
            sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
            sqlx::query(
                "SELECT id FROM persons WHERE id = (SELECT MAX(id) FROM persons WHERE unit_id = $1) FOR NO KEY UPDATE",
            )
            .bind(source)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            let (pid,): (i64,) = sqlx::query_as("SELECT CAST(pg_backend_pid() AS BIGINT)")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            Some(pid)
        } else {
            sqlx::raw_sql("PRAGMA busy_timeout = 0")
                .execute(&mut *conn)
                .await
                .unwrap();
            None
        };
        let merging = tokio::spawn({
            let admin = admin.clone();
            let merge = merge.clone();
            async move {
                admin
                    .call(Method::POST, "/api/v1/reorganisations", Some(&merge))
                    .await
            }
        });
        let started = Instant::now();
        while !merging.is_finished() {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{}: the merge never started writing",
                db.label
            );
            if let Some(pid) = pinned_by {
                let waiting = count(
                    &store,
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
                    pid,
                )
                .await;
                if waiting > 0 {
                    break;
                }
            } else if take_write_lock(&mut conn).await {
                sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.unwrap();
            } else {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        server.kill();
        if pinned_by.is_some() {
            sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.unwrap();
        }
        drop(conn);
        let acknowledged = matches!(merging.await.unwrap(), Ok((200, _)));
        store.close().await;

        let merged = merged_wholly_or_not_at_all(&db, source, code, people).await;
        assert!(
            merged || !acknowledged,
            "{}: the merge was acknowledged, then lost",
            db.label
        );
        if pinned_by.is_some() {
            assert!(!merged, "killed while it waited, the merge never committed");
        }
        eprintln!(
            "{}: merging {people} people, killed {} the merge committed",
            db.label,
            if merged { "after" } else { "before" }
        );

        // After the restart the same decision is carried out whole.
        let server = Server::start(&db);
        if !merged {
            let admin = Api::login(&server, "admin").await;
            let (status, answer) = admin
                .call(Method::POST, "/api/v1/reorganisations", Some(&merge))
                .await
                .unwrap();
            assert_eq!(status, 200, "{}: {answer}", db.label);
        }
        server.kill();
        assert!(merged_wholly_or_not_at_all(&db, source, code, people).await);
        run(&db, &["audit", "verify"]);
        version_chains_verify(&db).await;
    }
}
