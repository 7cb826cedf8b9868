//! Reads of records audited together (issue 17, group commit): a read is answered only once its
//! entry is committed; many reads at once each get their own entry, with their own account and
//! address, in one chain that verifies, also with writes among them. On every database.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::records::UpdateRecord;
use hoso_app::{Actor, App, ClientInfo};

/// Entries of `action` about person `id`, oldest first: the addresses they came from.
async fn entries(app: &App, action: &str, id: i64) -> Vec<Option<String>> {
    let mut conn = app.store().reader().await.unwrap();
    let mut found: Vec<_> =
        hoso_store::audit::for_target(&mut conn, "person", &id.to_string(), 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == action)
            .map(|e| e.client_addr)
            .collect();
    found.reverse();
    found
}

fn from(addr: &str) -> ClientInfo {
    ClientInfo {
        addr: Some(addr.into()),
        user_agent: None,
    }
}

async fn people(app: &App, admin: &Actor) -> Vec<i64> {
    app.list_persons(admin, Default::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_is_answered_after_its_entry_and_reads_at_once_share_one_verified_chain() {
    for db in databases().await {
        let app = demo_app(config(&db), 20).await;
        let admin = login(&app, "admin").await;
        let ids = people(&app, &admin).await;
        assert!(ids.len() >= 10, "{}", db.label);

        // One at a time: each answer finds its entry already there.
        for n in 1..=3 {
            app.get_person(&admin, ids[0], &from("10.0.0.1"))
                .await
                .unwrap();
            assert_eq!(
                entries(&app, "record.read", ids[0]).await.len(),
                n,
                "{}",
                db.label
            );
        }

        // Eighty reads at once, over ten records, from two addresses, while one record is
        // changed twice: every read has its entry, every write its own.
        let mut reads = tokio::task::JoinSet::new();
        for i in 0..80usize {
            let (app, admin, id) = (app.clone(), admin.clone(), ids[i % 10]);
            reads.spawn(async move {
                let addr = if i % 2 == 0 { "10.0.0.2" } else { "10.0.0.3" };
                app.get_person(&admin, id, &from(addr)).await.map(|v| v.id)
            });
        }
        let target = ids[9];
        for _ in 0..2 {
            let view = app
                .get_person(&admin, target, &from("10.0.0.9"))
                .await
                .unwrap();
            app.update_record(
                &admin,
                target,
                UpdateRecord {
                    expected_version: view.current_version,
                    record: view.record,
                    unit_id: None,
                    status: None,
                    note: Some("đọc và ghi cùng lúc".into()),
                },
                &from("10.0.0.9"),
            )
            .await
            .unwrap();
        }
        let mut answered = Vec::new();
        while let Some(read) = reads.join_next().await {
            answered.push(read.unwrap().unwrap());
        }
        assert_eq!(answered.len(), 80, "{}", db.label);
        for (k, id) in ids.iter().take(10).enumerate() {
            let read = entries(&app, "record.read", *id).await;
            let before = if k == 0 { 3 } else { 0 };
            // The writer reads the record before each change, and the change answers with
            // the record as it now is: a read too.
            let by_the_writer = if k == 9 { 4 } else { 0 };
            assert_eq!(read.len(), 8 + before + by_the_writer, "{} {id}", db.label);
            let from_two = read
                .iter()
                .filter(|a| matches!(a.as_deref(), Some("10.0.0.2" | "10.0.0.3")))
                .count();
            assert_eq!(from_two, 8, "{} {id}", db.label);
        }
        assert_eq!(
            entries(&app, "record.update", target).await.len(),
            2,
            "{}",
            db.label
        );
        let (checked, broken) = app.verify_audit_chain().await.unwrap();
        assert!(broken.is_none(), "{}: {broken:?}", db.label);
        // Every entry checked: the chain ends at the head, which the last batch wrote.
        let mut conn = app.store().reader().await.unwrap();
        let last = hoso_store::audit::for_target(&mut conn, "person", &target.to_string(), 1)
            .await
            .unwrap();
        assert!(checked > 80 + 3 + 4, "{} {checked}", db.label);
        assert!(!last.is_empty());
    }
}
