//! The demo province: a realistic synthetic province for trying Hoso and for benchmarks.

use std::collections::HashMap;

use hoso_demo::{DemoUnit, PersonGenerator, province_tree};
use hoso_domain::access::Role;
use hoso_domain::schema::RecordDoc;
use hoso_store::persons::{self, VersionRow};
use hoso_store::{StoreError, accounts, audit, org as org_store};

use crate::records::{canonical_json, projection_row, version_hash};
use crate::{App, AppError, AppResult, auth};

#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub units: usize,
    pub people: usize,
    pub accounts: usize,
}

/// People written per transaction: large enough to amortise commits, small enough that a kill
/// loses little and memory stays flat.
const BATCH: usize = 2_000;

impl App {
    /// Whether the database holds no organisation yet.
    pub async fn is_empty(&self) -> AppResult<bool> {
        let mut conn = self.store.reader().await?;
        Ok(org_store::count(&mut conn).await? == 0)
    }

    /// Creates the demo province on an empty database: the org tree, `admin` (system
    /// administrator), `lanhdao` (leader over the province), a unit administrator for every unit
    /// with staff, and `people` synthetic people each with a personal account named by their số
    /// định danh. Every account gets `password`; its Argon2id hash is computed once and shared,
    /// which is acceptable for demo data only.
    pub async fn seed_demo(
        &self,
        people: usize,
        password: &str,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> AppResult<SeedReport> {
        if !self.is_empty().await? {
            return Err(AppError::Conflict(
                "Cơ sở dữ liệu đã có dữ liệu; chỉ tạo tỉnh mẫu trên cơ sở dữ liệu trống.".into(),
            ));
        }
        let pw = password.to_string();
        let phc = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let today = self.today();
        let tree = province_tree(people.max(1));
        let mut report = SeedReport {
            units: tree.len(),
            ..SeedReport::default()
        };

        // The tree, in one transaction.
        let mut tx = self.store.begin().await?;
        let mut ids: HashMap<usize, org_store::OrgUnitRow> = HashMap::new();
        for u in &tree {
            let parent = u.parent.and_then(|p| ids.get(&p));
            let row = org_store::insert(
                &mut tx,
                org_store::NewOrgUnit {
                    parent,
                    code: &u.code,
                    name: &u.name,
                    kind: u.kind.as_str(),
                    valid_from: "2025-07-01",
                    actor_id: None,
                    decision_ref: Some("Dữ liệu mẫu"),
                },
            )
            .await?;
            ids.insert(u.key, row);
        }
        let root = tree
            .iter()
            .find(|u| u.parent.is_none())
            .and_then(|u| ids.get(&u.key))
            .cloned();
        let admin = accounts::insert(
            &mut tx,
            accounts::NewAccount {
                username: "admin",
                display_name: "Quản trị hệ thống Sở Nội vụ",
                password_hash: &phc,
                person_id: None,
                must_change_password: false,
                created_by: None,
            },
        )
        .await?;
        accounts::grant(
            &mut tx,
            accounts::NewGrant {
                account_id: admin,
                role: Role::SystemAdmin.as_str(),
                unit_id: None,
                read_only: false,
                granted_by: None,
                request_ref: Some("Dữ liệu mẫu"),
            },
        )
        .await?;
        let leader = accounts::insert(
            &mut tx,
            accounts::NewAccount {
                username: "lanhdao",
                display_name: "Lãnh đạo UBND tỉnh",
                password_hash: &phc,
                person_id: None,
                must_change_password: false,
                created_by: Some(admin),
            },
        )
        .await?;
        accounts::grant(
            &mut tx,
            accounts::NewGrant {
                account_id: leader,
                role: Role::Viewer.as_str(),
                unit_id: root.as_ref().map(|r| r.id),
                read_only: true,
                granted_by: Some(admin),
                request_ref: Some("Dữ liệu mẫu"),
            },
        )
        .await?;
        report.accounts += 2;
        audit::append(
            &mut tx,
            audit::NewEntry {
                actor_id: None,
                action: "demo.seed_tree",
                target_kind: "org_unit",
                target_id: None,
                client_addr: None,
                detail: serde_json::json!({"units": tree.len()}).to_string(),
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;

        let schema = self.schemas.latest();
        let mut generator = PersonGenerator::new(0x486f_736f, &tree, today);
        let mut unit_admins: HashMap<usize, ()> = HashMap::new();
        let mut done = 0usize;
        while done < people {
            let n = BATCH.min(people - done);
            let mut tx = self.store.begin().await?;
            for _ in 0..n {
                let p = generator.next_person();
                let unit = ids
                    .get(&p.unit_key)
                    .ok_or_else(|| AppError::Internal("demo person in unknown unit".into()))?;
                if unit_admins.insert(p.unit_key, ()).is_none() {
                    let code = unit_code(&tree, p.unit_key);
                    let acc = accounts::insert(
                        &mut tx,
                        accounts::NewAccount {
                            username: &format!("qt.{}", code.to_lowercase()),
                            display_name: &format!("Cán bộ tổ chức — {}", unit.name),
                            password_hash: &phc,
                            person_id: None,
                            must_change_password: false,
                            created_by: Some(admin),
                        },
                    )
                    .await?;
                    accounts::grant(
                        &mut tx,
                        accounts::NewGrant {
                            account_id: acc,
                            role: Role::UnitAdmin.as_str(),
                            unit_id: Some(unit.id),
                            read_only: false,
                            granted_by: Some(admin),
                            request_ref: Some("Dữ liệu mẫu"),
                        },
                    )
                    .await?;
                    report.accounts += 1;
                }
                let mut doc: RecordDoc = p.doc;
                let identity = doc
                    .entry("identity")
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if let Some(identity) = identity.as_object_mut() {
                    identity.insert("employing_unit".into(), unit.id.into());
                    identity.insert(
                        "managing_agency".into(),
                        crate::records::managing_agency_of(unit).into(),
                    );
                    identity.insert("dossier_id".into(), p.national_id.clone().into());
                }
                let projection = projection_row(&schema.project(&doc));
                let canonical = canonical_json(&doc);
                let person_id = persons::insert(
                    &mut tx,
                    persons::NewPerson {
                        national_id_hash: &self.keys.national_id_hash(&p.national_id),
                        unit_id: unit.id,
                        status: p.status.as_str(),
                        projection: &projection,
                    },
                )
                .await?;
                let hash = version_hash(None, &schema.version, &canonical);
                let version = VersionRow {
                    person_id,
                    version: 1,
                    schema_version: schema.version.clone(),
                    document: canonical,
                    hash,
                    prev_hash: None,
                    unit_id: unit.id,
                    status: p.status.as_str().to_string(),
                    created_by: Some(admin),
                    created_at: hoso_store::now_ms(),
                    note: Some("Dữ liệu mẫu".into()),
                };
                persons::insert_version(&mut tx, &version).await?;
                persons::set_projection(
                    &mut tx,
                    person_id,
                    1,
                    unit.id,
                    p.status.as_str(),
                    &projection,
                )
                .await?;
                let acc = accounts::insert(
                    &mut tx,
                    accounts::NewAccount {
                        username: &p.national_id,
                        display_name: &p.full_name,
                        password_hash: &phc,
                        person_id: Some(person_id),
                        must_change_password: false,
                        created_by: Some(admin),
                    },
                )
                .await?;
                accounts::grant(
                    &mut tx,
                    accounts::NewGrant {
                        account_id: acc,
                        role: Role::Individual.as_str(),
                        unit_id: None,
                        read_only: false,
                        granted_by: Some(admin),
                        request_ref: None,
                    },
                )
                .await?;
                report.accounts += 1;
            }
            audit::append(
                &mut tx,
                audit::NewEntry {
                    actor_id: None,
                    action: "demo.seed_people",
                    target_kind: "person",
                    target_id: None,
                    client_addr: None,
                    detail: serde_json::json!({"count": n}).to_string(),
                },
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            done += n;
            progress(done, people);
        }
        report.people = done;
        Ok(report)
    }
}

fn unit_code(tree: &[DemoUnit], key: usize) -> String {
    tree.iter()
        .find(|u| u.key == key)
        .map(|u| u.code.clone())
        .unwrap_or_else(|| key.to_string())
}
