//! The demo province: a realistic synthetic province for trying Hoso and for benchmarks.

use hoso_domain::audit_action::AuditAction;
use std::collections::HashMap;

use hoso_demo::{DemoUnit, PersonGenerator, province_tree};
use hoso_domain::access::Role;
use hoso_domain::org::OrgUnitKind;

use hoso_store::bulk::BulkPerson;
use hoso_store::secrets::SecretRow;
use hoso_store::{accounts, org as org_store};

use crate::versions::{NewVersion, Provenance, prepare_document, version_row};
use crate::work::About;
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
    /// administrator), `lanhdao` (leader over the province), a unit administrator (`qt.<code>`)
    /// and a head who approves (`pd.<code>`) for every unit with staff, and `people` synthetic people each with a personal account named by their số
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
        let mut tx = self.begin_system_work().await?;
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
                self.now_ms(),
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
            self.now_ms(),
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
            self.now_ms(),
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
            self.now_ms(),
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
            self.now_ms(),
        )
        .await?;
        report.accounts += 2;
        tx.audit(
            AuditAction::DemoSeedTree,
            About::kind("org_unit"),
            serde_json::json!({"units": tree.len()}),
        )
        .await?;
        tx.commit().await?;

        // Generating and preparing documents (JSON, hashing) runs on its own thread while the
        // database writes the previous batch: on two cores, the two halves overlap.
        let (sender, mut batches) =
            tokio::sync::mpsc::channel::<AppResult<Vec<(usize, BulkPerson)>>>(2);
        let producer = {
            let schema = self.schemas.latest();
            let units: HashMap<usize, org_store::OrgUnitRow> = ids.clone();
            let phc = phc.clone();
            let key_id = self.keys.current.id.clone();
            let keys = self.keys.clone();
            let mut generator = PersonGenerator::new(0x486f_736f, &tree, today);
            let catalogs = self.catalogs();
            let created_at = self.now_ms();
            std::thread::spawn(move || {
                let seeding = Seeding {
                    schema,
                    catalogs: &catalogs,
                    today,
                    created_at,
                    key: &keys.current,
                    key_id: &key_id,
                    password_hash: &phc,
                    admin,
                };
                let mut left = people;
                while left > 0 {
                    let n = BATCH.min(left);
                    left -= n;
                    let batch = (0..n)
                        .map(|_| {
                            let p = generator.next_person();
                            let unit = units.get(&p.unit_key).ok_or_else(|| {
                                AppError::Internal("demo person in unknown unit".into())
                            })?;
                            Ok((p.unit_key, prepare_person(&seeding, unit, p)?))
                        })
                        .collect::<AppResult<Vec<_>>>();
                    if sender.blocking_send(batch).is_err() {
                        return;
                    }
                }
            })
        };
        // Secondary indexes are built once after the load rather than row by row during it.
        let mut tx = self.begin_system_work().await?;
        let aside = hoso_store::bulk::set_indexes_aside(&mut tx).await?;
        tx.commit().await?;
        let loaded = async {
            let mut unit_admins: HashMap<usize, ()> = HashMap::new();
            let mut done = 0usize;
            while let Some(batch) = batches.recv().await {
                let batch = batch?;
                let n = batch.len();
                let mut tx = self.begin_system_work().await?;
                // Unit administrators first: they take ids from the sequences, the bulk insert after
                // them assigns its own.
                // The unit of each person and the agencies above it (Sở, bệnh viện, xã…, not
                // the province nor a phòng), each with its HR officer and its head, as Vietnamese
                // agencies are run: the Sở's officer keeps the records of all its phòng.
                let keys: Vec<usize> = batch
                    .iter()
                    .flat_map(|(unit_key, _)| {
                        std::iter::successors(Some(*unit_key), |k| {
                            tree.get(*k).and_then(|u| u.parent)
                        })
                        .filter(|k| {
                            *k == *unit_key
                                || tree.get(*k).is_some_and(|u| {
                                    !matches!(
                                        u.kind,
                                        OrgUnitKind::Province | OrgUnitKind::Department
                                    )
                                })
                        })
                        .collect::<Vec<_>>()
                    })
                    .collect();
                for unit_key in &keys {
                    if unit_admins.insert(*unit_key, ()).is_some() {
                        continue;
                    }
                    let unit = ids
                        .get(unit_key)
                        .ok_or_else(|| AppError::Internal("demo person in unknown unit".into()))?;
                    let code = unit_code(&tree, *unit_key);
                    // "Văn phòng — Sở Y tế": a phòng's name alone is in every Sở.
                    let parent = tree
                        .get(*unit_key)
                        .and_then(|u| u.parent)
                        .and_then(|p| tree.get(p))
                        .filter(|p| p.kind != OrgUnitKind::Province);
                    let unit_name =
                        hoso_domain::org::unit_label(&unit.name, parent.map(|p| p.name.as_str()));
                    unit_account(
                        &mut tx,
                        &format!("qt.{}", code.to_lowercase()),
                        &format!("Cán bộ tổ chức — {unit_name}"),
                        &phc,
                        Role::UnitAdmin,
                        unit.id,
                        admin,
                        self.now_ms(),
                    )
                    .await?;
                    report.accounts += 1;
                    // The head of the unit, who signs its verified changes.
                    unit_account(
                        &mut tx,
                        &format!("pd.{}", code.to_lowercase()),
                        &format!("Thủ trưởng — {unit_name}"),
                        &phc,
                        Role::Approver,
                        unit.id,
                        admin,
                        self.now_ms(),
                    )
                    .await?;
                    report.accounts += 1;
                }
                let key = &self.keys.current;
                let mut bulk: Vec<BulkPerson> = batch.into_iter().map(|(_, p)| p).collect();
                let first = hoso_store::bulk::next_person_id(&mut tx).await?;
                for (i, person) in bulk.iter_mut().enumerate() {
                    let context = crate::records::secret_context(first + i as i64, 1);
                    person.secret.sealed =
                        hex::encode(key.seal(person.secret.sealed.as_bytes(), &context));
                }
                let inserted =
                    hoso_store::bulk::insert_people(&mut tx, &mut bulk, self.now_ms()).await?;
                debug_assert_eq!(inserted.first().copied(), Some(first));
                report.accounts += bulk.len();
                tx.audit(
                    AuditAction::DemoSeedPeople,
                    About::kind("person"),
                    serde_json::json!({"count": n}),
                )
                .await?;
                tx.commit().await?;
                done += n;
                progress(done, people);
            }
            Ok::<usize, AppError>(done)
        }
        .await;
        // Built again even when the load failed: whatever was written keeps its indexes.
        let mut tx = self.begin_system_work().await?;
        hoso_store::bulk::rebuild_indexes(&mut tx, aside).await?;
        tx.commit().await?;
        let done = loaded?;
        producer
            .join()
            .map_err(|_| AppError::Internal("demo generator thread panicked".into()))?;
        report.people = done;
        // Fresh statistics, or the planner guesses on an empty table's numbers.
        self.store.analyze().await?;
        Ok(report)
    }
}

/// What every generated person of one seeding shares.
struct Seeding<'a> {
    schema: &'a hoso_domain::schema::RecordSchema,
    catalogs: &'a hoso_domain::catalog::Catalogs,
    today: time::Date,
    created_at: i64,
    key: &'a crate::crypto::MasterKey,
    key_id: &'a str,
    password_hash: &'a str,
    admin: i64,
}

/// A generated person, prepared (and validated) by the version writer, ready for the bulk
/// insert but for sealing (which needs the id).
fn prepare_person(
    seeding: &Seeding<'_>,
    unit: &org_store::OrgUnitRow,
    p: hoso_demo::DemoPerson,
) -> AppResult<BulkPerson> {
    let Seeding {
        schema,
        catalogs,
        today,
        created_at,
        key,
        key_id,
        password_hash: phc,
        admin,
    } = *seeding;
    let prepared = prepare_document(
        schema,
        catalogs,
        today,
        p.doc,
        unit.id,
        crate::records::managing_agency_of(unit),
    )?;
    let version = version_row(
        &NewVersion {
            person_id: 0,
            prev: None,
            schema,
            prepared: &prepared,
            unit_id: unit.id,
            status: p.status,
            provenance: Provenance::Demo,
            author: Some(admin),
            note: Some("Dữ liệu mẫu".into()),
        },
        created_at,
    );
    let from = crate::versions::in_force_from(today, None, true, prepared.entered_service);
    let left_on = crate::versions::first_left_on(&prepared.canonical, p.status);
    let states = crate::versions::state_starts(1, from, today, p.status, left_on)
        .into_iter()
        .map(|s| (s.version, s.from.to_string(), s.status.as_str().to_string()))
        .collect();
    Ok(BulkPerson {
        states,
        national_id_hash: key.national_id_hash(&prepared.national_id),
        unit_id: unit.id,
        status: p.status.as_str().to_string(),
        projection: prepared.projection,
        history: prepared.history,
        version,
        // Sealed by the writer, once the person id (part of the sealing context) is known.
        secret: SecretRow {
            person_id: 0,
            version: 1,
            key_id: key_id.to_string(),
            sealed: prepared.secret,
        },
        username: p.national_id,
        display_name: p.full_name,
        password_hash: phc.to_string(),
        created_by: Some(admin),
    })
}

fn unit_code(tree: &[DemoUnit], key: usize) -> String {
    tree.iter()
        .find(|u| u.key == key)
        .map(|u| u.code.clone())
        .unwrap_or_else(|| key.to_string())
}

/// A demo staff account holding one role over one unit, created by `admin` at `at`.
#[allow(clippy::too_many_arguments)]
async fn unit_account(
    tx: &mut hoso_store::AnyConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    unit_id: i64,
    admin: i64,
    at: i64,
) -> AppResult<()> {
    let account = accounts::insert(
        tx,
        accounts::NewAccount {
            username,
            display_name,
            password_hash,
            person_id: None,
            must_change_password: false,
            created_by: Some(admin),
        },
        at,
    )
    .await?;
    accounts::grant(
        tx,
        accounts::NewGrant {
            account_id: account,
            role: role.as_str(),
            unit_id: Some(unit_id),
            read_only: false,
            granted_by: Some(admin),
            request_ref: Some("Dữ liệu mẫu"),
        },
        at,
    )
    .await?;
    Ok(())
}

/// The example of a deployment's own deadline rules, shipped as
/// `hoso.deadline-rules.example.toml` at the root of the repository.
pub const EXAMPLE_DEADLINE_RULES: &str = include_str!("../../../hoso.deadline-rules.example.toml");

/// Writes the example deadline rules into `data_dir` and returns the file. The demo province
/// follows them when the configuration names no rules file: the shipped presets hold only what
/// their texts say, and none in force today both limits verification and sets an approval
/// window, which the demo is there to show.
pub fn ensure_demo_deadline_rules(data_dir: &std::path::Path) -> AppResult<std::path::PathBuf> {
    let file = data_dir.join("demo-deadline-rules.toml");
    std::fs::create_dir_all(data_dir)
        .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", data_dir.display())))?;
    std::fs::write(&file, EXAMPLE_DEADLINE_RULES)
        .map_err(|e| AppError::Internal(format!("cannot write {}: {e}", file.display())))?;
    Ok(file)
}

/// The demo province's signing certificates: a root and an intermediate authority, and one
/// approver's certificate in a PKCS#12 file protected by the demo password, so that the demo
/// heads (`pd.<code>`) can sign with the "PKCS#12" option. Written once into `dir`; returns the
/// root certificate file (to trust) and the PKCS#12 file.
///
/// The certificates are valid from the day before `clock`'s today for ten years.
pub fn ensure_demo_pki(
    dir: &std::path::Path,
    password: &str,
    clock: crate::Clock,
) -> AppResult<(std::path::PathBuf, std::path::PathBuf)> {
    use crate::signing::{Authority, Usage};
    let root_file = dir.join("demo-root.pem");
    let p12_file = dir.join("thu-truong-mau.p12");
    if root_file.exists() && p12_file.exists() {
        return Ok((root_file, p12_file));
    }
    hoso_store::private_dir(dir)
        .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let now = clock.now_seconds();
    let year = 365 * 86_400;
    let e = |m: String| AppError::Internal(format!("demo certificates: {m}"));
    let root = Authority::issue(
        "Hoso — CA gốc tỉnh mẫu (chỉ để thử)",
        Usage::CertificateAuthority,
        now - 86_400,
        now + 10 * year,
        None,
    )
    .map_err(e)?;
    let sub = Authority::issue(
        "Hoso — CA cấp dưới tỉnh mẫu",
        Usage::CertificateAuthority,
        now - 86_400,
        now + 5 * year,
        Some(&root),
    )
    .map_err(e)?;
    let head = Authority::issue(
        "Thủ trưởng đơn vị (tài khoản mẫu)",
        Usage::Signing,
        now - 86_400,
        now + 2 * year,
        Some(&sub),
    )
    .map_err(e)?;
    let p12 = head.to_pkcs12(&[&sub.cert], password).map_err(e)?;
    let pem = root
        .cert
        .to_pem()
        .map_err(|x| AppError::Internal(x.to_string()))?;
    std::fs::write(&root_file, pem)
        .map_err(|x| AppError::Internal(format!("cannot write {}: {x}", root_file.display())))?;
    // The signing key: the owner's only.
    let _ = std::fs::remove_file(&p12_file);
    crate::write_private_file(&p12_file, &p12)
        .map_err(|x| AppError::Internal(format!("cannot write {}: {x}", p12_file.display())))?;
    Ok((root_file, p12_file))
}
