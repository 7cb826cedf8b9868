//! Idempotency keys: claimed once, settled, given back after a failure, taken over when their
//! node died (lease run out) or when they expired — on every available database.

use hoso_store::Store;
use hoso_store::idempotency::{Slot, claim, purge_expired, release, settle};
use hoso_store::testing::databases;

#[tokio::test]
async fn keys_are_claimed_once_settled_released_and_expire() {
    for db in databases().await {
        let store = Store::open(&db.url).await.unwrap();
        let mut conn = store.begin().await.unwrap();
        let (t0, lease, expiry) = (1_000_i64, 1_000 + 120_000, 1_000 + 3_600_000);
        assert_eq!(
            claim(&mut conn, "a", 1, Some("h1"), t0, lease, expiry)
                .await
                .unwrap(),
            Slot::Claimed,
            "{}",
            db.label
        );
        assert_eq!(
            claim(&mut conn, "a", 1, Some("h1"), t0 + 5, lease, expiry)
                .await
                .unwrap(),
            Slot::InFlight
        );
        settle(&mut conn, "a", 77).await.unwrap();
        assert_eq!(
            claim(&mut conn, "a", 1, Some("h2"), t0 + 10, lease, expiry)
                .await
                .unwrap(),
            Slot::Done {
                person_id: 77,
                request_hash: Some("h1".into())
            }
        );
        // Failed: given back, claimable again.
        assert_eq!(
            claim(&mut conn, "b", 1, None, t0, lease, expiry)
                .await
                .unwrap(),
            Slot::Claimed
        );
        release(&mut conn, "b").await.unwrap();
        assert_eq!(
            claim(&mut conn, "b", 1, None, t0 + 1, lease, expiry)
                .await
                .unwrap(),
            Slot::Claimed
        );
        // Its node died: after the lease another takes it over.
        let later = lease + 1;
        assert_eq!(
            claim(
                &mut conn,
                "b",
                1,
                None,
                later,
                later + 120_000,
                later + 3_600_000
            )
            .await
            .unwrap(),
            Slot::Claimed,
            "{}",
            db.label
        );
        // A settled key expires: forgotten, and claimable anew.
        let past = expiry + 1;
        assert_eq!(
            claim(
                &mut conn,
                "a",
                1,
                None,
                past,
                past + 120_000,
                past + 3_600_000
            )
            .await
            .unwrap(),
            Slot::Claimed,
            "{}",
            db.label
        );
        assert_eq!(purge_expired(&mut conn, i64::MAX).await.unwrap(), 2);
        conn.commit().await.unwrap();
    }
}
