//! Two nodes on one database (a SQLite file, PostgreSQL): a catalog or holiday edit made
//! through one is seen by the other after its next reload tick, and only what changed reloads.

mod common;

use common::{config, databases, demo_app, login};
use hoso_app::catalogs::CatalogItemInput;
use hoso_app::holidays::HolidayDayInput;
use hoso_app::{App, ClientInfo};
use time::macros::date;

#[tokio::test]
async fn an_edit_on_one_node_reaches_the_other_at_its_next_tick() {
    for db in databases().await {
        let one = demo_app(config(&db), 1).await;
        let two = App::start(config(&db)).await.unwrap();
        assert!(
            two.reload_reference_if_changed().await.unwrap().is_empty(),
            "{}: nothing changed since the start",
            db.label
        );
        let client = ClientInfo::default();
        let admin = login(&one, "admin").await;

        // A catalog item added on node one.
        let has = |app: &App| {
            app.catalogs()
                .items("ton_giao")
                .iter()
                .any(|i| i.code == "TG-MOI")
        };
        one.put_catalog_item(
            &admin,
            "ton_giao",
            CatalogItemInput {
                kind: None,
                code: "TG-MOI".into(),
                name: "Tôn giáo mới".into(),
                decision_ref: "QĐ 1/QĐ-UBND".into(),
            },
            &client,
        )
        .await
        .unwrap();
        assert!(has(&one), "{}: at once on the node that edited", db.label);
        assert!(!has(&two), "{}: not yet on the other", db.label);
        assert_eq!(
            two.reload_reference_if_changed().await.unwrap(),
            vec!["catalogs".to_string()],
            "{}",
            db.label
        );
        assert!(has(&two), "{}: after the tick", db.label);
        assert!(two.reload_reference_if_changed().await.unwrap().is_empty());

        // Retired on node two: node one follows.
        two.retire_catalog_item(&admin, "ton_giao", None, "TG-MOI", &client)
            .await
            .unwrap();
        assert!(has(&one));
        one.reload_reference_if_changed().await.unwrap();
        assert!(!has(&one), "{}", db.label);

        // A holiday declared on node one.
        let day = date!(2027 - 03 - 08);
        assert!(two.calendar().is_working_day(day));
        one.add_holiday_day(
            &admin,
            2027,
            HolidayDayInput {
                date: "2027-03-08".into(),
                kind: "holiday".into(),
                name: "Ngày nghỉ thử".into(),
                source: String::new(),
                decision_ref: "TB 2/TB-BNV".into(),
            },
            &client,
        )
        .await
        .unwrap();
        assert!(!one.calendar().is_working_day(day));
        assert!(two.calendar().is_working_day(day), "{}", db.label);
        assert_eq!(
            two.reload_reference_if_changed().await.unwrap(),
            vec!["holidays".to_string()],
            "{}: only the calendar reloads",
            db.label
        );
        assert!(!two.calendar().is_working_day(day), "{}", db.label);
    }
}
