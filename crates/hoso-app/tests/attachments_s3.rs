//! Attachments in an S3-compatible bucket: a real S3 server process (moto, from PyPI) on
//! 127.0.0.1, the real change-request use cases storing and serving a scan through it.
//! `.ci/run` installs moto and names its `moto_server` in `HOSO_TEST_MOTO_SERVER`; without it
//! the test says so and passes without running.

mod common;

use common::moto::Moto;
use common::{databases, demo_app, login};
use hoso_app::changes::{NewChange, Upload};
use hoso_app::{App, ClientInfo, Config};

#[tokio::test]
async fn scans_are_stored_in_and_served_from_an_s3_bucket() {
    let Some(moto) = Moto::start(&["hoso-scans"]) else {
        eprintln!("SKIPPED: moto_server not found (pip install 'moto[server]')");
        return;
    };

    let db = databases().await.remove(0);
    let config = Config {
        attachments_url: Some("s3://hoso-scans/tinh-mau".into()),
        attachments_options: moto.options(),
        ..common::config(&db)
    };
    let app = demo_app(config, 3).await;
    let client = ClientInfo::default();
    let admin = login(&app, "admin").await;
    let person = app
        .list_persons(&admin, Default::default())
        .await
        .unwrap()
        .items[0]
        .id;
    let draft = app
        .create_change(
            &admin,
            NewChange {
                person_id: person,
                reason: "Bổ sung quyết định".into(),
                sections: None,
            },
            &client,
        )
        .await
        .unwrap();
    let scan = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let stored = app
        .attach_to_change(
            &admin,
            draft.summary.id,
            Upload {
                file_name: "quyet-dinh.pdf".into(),
                bytes: scan.clone(),
                section: None,
                row_index: None,
            },
            &client,
        )
        .await
        .unwrap();

    // The object is in the bucket, under the prefix, named by its hash (read with a client of
    // our own)…
    let key = format!("tinh-mau/{}/{}", &stored.sha256[..2], stored.sha256);
    let bucket = moto.bucket("hoso-scans");
    let body = object_store::ObjectStoreExt::get(&bucket, &key.as_str().into())
        .await
        .unwrap_or_else(|e| panic!("object {key} in the bucket: {e}"))
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.to_vec(), scan);
    // …and served back through the use case.
    let (_, bytes) = app
        .change_attachment(&admin, draft.summary.id, &stored.sha256, &client)
        .await
        .unwrap();
    assert_eq!(bytes, scan);

    // A URL that is not s3:// refuses to start, saying why.
    let bad = Config {
        database_url: db.url.clone(),
        key_file: db.dir.path().join("hoso.key"),
        attachments_url: Some("ftp://kho/scan".into()),
        ..Config::default()
    };
    let e = App::start(bad).await.err().expect("refused");
    assert!(e.to_string().contains("s3://") || format!("{e:?}").contains("s3://"));
}
