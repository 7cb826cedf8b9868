//! Sensitive fields are encrypted at rest, and the key can be rotated, on every database.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::records::PersonQuery;
use hoso_app::{App, ClientInfo};

#[tokio::test]
async fn identifiers_are_not_stored_in_clear_and_survive_key_rotation() {
    for db in databases().await {
        let app = demo_app(config(&db), 15).await;
        let actor = login(&app, "admin").await;
        let client = ClientInfo::default();
        let page = app
            .list_persons(
                &actor,
                PersonQuery {
                    per_page: Some(200),
                    ..PersonQuery::default()
                },
            )
            .await
            .unwrap();
        let id = page.items[0].id;
        let before = app.get_person(&actor, id, &client).await.unwrap();
        let number = before.record["general"]["citizen_id_number"]
            .as_str()
            .unwrap()
            .to_string();

        // The number is nowhere in the stored documents or the projection.
        let mut conn = app.store().reader().await.unwrap();
        let versions = hoso_store::persons::versions(&mut conn, id).await.unwrap();
        assert!(
            !versions[0].document.contains(&number),
            "{}: số định danh stored in clear",
            db.label
        );
        drop(conn);
        assert_eq!(app.verify_versions(&actor, id).await.unwrap(), Ok(1));

        let report = app.rotate_key().await.unwrap();
        assert_ne!(report.old_key_id, report.new_key_id);
        assert_eq!(report.identifiers_rehashed, 15);
        assert!(report.secrets_resealed >= 15);
        assert!(
            db.dir
                .path()
                .join(format!("hoso.key.old-{}", report.old_key_id))
                .exists(),
            "old key kept for backups"
        );
        drop(app);

        // A restart reads everything under the new key; hashes and versions still verify.
        let app = App::start(config(&db)).await.unwrap();
        let actor = login(&app, "admin").await;
        let after = app.get_person(&actor, id, &client).await.unwrap();
        assert_eq!(after.record, before.record, "{}", db.label);
        assert_eq!(app.verify_versions(&actor, id).await.unwrap(), Ok(1));

        // De-duplication by số định danh still works under the new key.
        let dup = app
            .create_person(
                &actor,
                hoso_app::records::CreatePerson {
                    unit_id: before.unit_id,
                    status: None,
                    record: before.record.clone(),
                    note: None,
                },
                &client,
            )
            .await;
        assert!(
            matches!(dup, Err(hoso_app::AppError::Duplicate { existing_id, .. }) if existing_id == id)
        );
    }
}
