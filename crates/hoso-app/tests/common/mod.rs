//! Shared by the integration tests of hoso-app: an app on a fresh database of each backend
//! (SQLite always; PostgreSQL too when `HOSO_TEST_POSTGRES_URL` is set), the demo province,
//! signing in, and a person created from a record built with
//! [`hoso_domain::schema::fixtures::RecordBuilder`].

#![allow(dead_code)]

pub mod moto;

use hoso_app::config::{SmtpConfig, SmtpTls};
use hoso_app::records::CreatePerson;
use hoso_app::{Actor, App, ClientInfo, Config};
use hoso_domain::schema::RecordDoc;

pub use hoso_store::testing::{TestDb, databases};

/// The password of every account of the demo province.
pub const PASSWORD: &str = "Mat-khau-2026!";

/// An app on `db`, on the tests' fixed day.
pub fn config(db: &TestDb) -> Config {
    config_on(db, hoso_store::testing::today())
}

/// An app on `db`, on `today`.
pub fn config_on(db: &TestDb, today: time::Date) -> Config {
    Config {
        database_url: db.url.clone(),
        key_file: db.dir.path().join("hoso.key"),
        fixed_today: Some(today),
        ..Config::default()
    }
}

/// The example of a deployment's own deadline rules shipped at the root of the repository (a
/// 5-working-day verification limit and an approval window in the last 5 working days), for
/// tests of what no shipped preset in force today has.
pub fn example_rules_file() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../hoso.deadline-rules.example.toml")
}

/// Mail sent in clear, without signing in, to an SMTP server on 127.0.0.1:`port`.
pub fn smtp(port: u16, from: &str) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: from.into(),
        tls: SmtpTls::None,
        username: None,
        password: None,
    }
}

/// An app started with `config` and seeded with the demo province of `people` people, every
/// account's password [`PASSWORD`].
pub async fn demo_app(config: Config, people: usize) -> App {
    let app = App::start(config).await.unwrap();
    app.seed_demo(people, PASSWORD, &|_, _| {}).await.unwrap();
    app
}

/// `username` signed in with [`PASSWORD`].
pub async fn login(app: &App, username: &str) -> Actor {
    app.login(username, PASSWORD, None, &ClientInfo::default())
        .await
        .unwrap_or_else(|e| panic!("login {username}: {e}"))
        .1
}

/// The unit of the first person `admin` lists: a unit of the demo province that keeps records.
pub async fn some_unit(app: &App, admin: &Actor) -> i64 {
    app.list_persons(admin, Default::default())
        .await
        .unwrap()
        .items[0]
        .unit_id
}

/// A person created by `admin` in `unit_id` with `record`: its id.
pub async fn create_person(app: &App, admin: &Actor, unit_id: i64, record: RecordDoc) -> i64 {
    app.create_person(
        admin,
        CreatePerson {
            unit_id,
            status: None,
            record,
            note: None,
        },
        &ClientInfo::default(),
    )
    .await
    .unwrap()
    .id
}
