//! Personal accounts for every record (LS Đ7.1, LC Đ6.2–6.3, ĐN Đ6.5, ĐT Đ8.2c): the unit's
//! HR officer creates them, one person or a whole unit at once, and hands each person a
//! one-time activation code on a printed sheet; the person signs in with the số định danh and
//! chooses a password with the code. The same code brings back a person who forgot the
//! password. No password ever appears on a list. An account follows its person: its access
//! ends when the person leaves service and comes back on return.

use hoso_domain::access::Role;
use hoso_domain::audit_action::AuditAction;
use hoso_domain::org::PersonStatus;
use hoso_domain::password_policy::PersonalData;
use hoso_domain::schema::FieldRole;
use hoso_store::personal_accounts::{self as store, AccountFilter, PersonalAccountRow};
use hoso_store::{accounts, org as org_store, persons, sessions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;
use utoipa::ToSchema;

use crate::authz::{Attempt, Capability};
use crate::work::About;
use crate::work::Work;
use crate::{Actor, App, AppError, AppResult, ClientInfo, Page, Paging};

/// How long an activation code stays valid.
pub const ACTIVATION_DAYS: i64 = 30;
/// Wrong codes tried before the waiting code is thrown away (a new one must be issued): with
/// about 59 bits per code, guessing is hopeless, and no lockout of the password sign-in can be
/// provoked through this door.
pub const ACTIVATION_ATTEMPTS: i64 = 5;
/// People given accounts in one run for a unit; the sheet stays printable, and a second run
/// takes the next ones.
pub const BATCH_LIMIT: usize = 1_000;
/// Letters and digits that cannot be mistaken for one another on paper (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 12;

/// Where a person's personal account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonalAccountState {
    /// No account yet.
    None,
    /// Created; the person has not chosen a password with the code yet.
    Pending,
    /// The person signs in.
    InUse,
    /// Access ended (the person left service).
    Suspended,
}

impl PersonalAccountState {
    pub const ALL: [PersonalAccountState; 4] = [
        PersonalAccountState::None,
        PersonalAccountState::Pending,
        PersonalAccountState::InUse,
        PersonalAccountState::Suspended,
    ];

    pub fn of(account: Option<&PersonalAccountRow>) -> PersonalAccountState {
        match account {
            None => PersonalAccountState::None,
            Some(a) if !a.has_access || !a.active => PersonalAccountState::Suspended,
            Some(a) if a.password_set => PersonalAccountState::InUse,
            Some(_) => PersonalAccountState::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PersonalAccountState::None => "none",
            PersonalAccountState::Pending => "pending",
            PersonalAccountState::InUse => "in_use",
            PersonalAccountState::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<PersonalAccountState> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PersonalAccountState::None => "Chưa có tài khoản",
            PersonalAccountState::Pending => "Chờ kích hoạt",
            PersonalAccountState::InUse => "Đang sử dụng",
            PersonalAccountState::Suspended => "Đã ngừng (nghỉ, chuyển công tác)",
        }
    }

    fn filter(self) -> AccountFilter {
        match self {
            PersonalAccountState::None => AccountFilter::Without,
            PersonalAccountState::Pending => AccountFilter::Pending,
            PersonalAccountState::InUse => AccountFilter::InUse,
            PersonalAccountState::Suspended => AccountFilter::Suspended,
        }
    }
}

// Days go out as `YYYY-MM-DD`, as the OpenAPI document says (`time` alone writes `[year, ordinal]`).
time::serde::format_description!(iso_day, Date, "[year]-[month]-[day]");

/// A person's account as the HR officer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonalAccountView {
    pub person_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    /// The record's status (`working`, `retired`…).
    pub person_status: String,
    pub state: PersonalAccountState,
    pub state_label: String,
    pub account_id: Option<i64>,
    pub username: Option<String>,
    /// Day the account was created (Vietnam time).
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_day::option")]
    pub created_on: Option<Date>,
    /// Last day the waiting activation code is valid.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_day::option")]
    pub activation_valid_until: Option<Date>,
}

/// One line of the hand-over sheet: what a person needs to sign in the first time.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivationSlip {
    pub person_id: i64,
    pub account_id: i64,
    pub full_name: String,
    pub unit_name: String,
    /// The sign-in name: the số định danh.
    pub username: String,
    /// The one-time code, shown once (only its hash is kept).
    pub activation_code: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_day")]
    pub valid_until: Date,
    /// The account was created now (not only given a new code).
    pub created: bool,
}

/// What a run for a whole unit did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitActivation {
    pub unit_id: i64,
    pub unit_name: String,
    pub slips: Vec<ActivationSlip>,
    /// People in service still without an account after this run (beyond the batch limit).
    pub remaining: usize,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct IssueAccount {
    /// The written request or decision (số văn bản) the account is made on; the record's own
    /// when empty.
    #[serde(default)]
    pub request_ref: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActivateAccount {
    /// The số định danh (12 digits).
    pub username: String,
    pub activation_code: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Default)]
pub struct PersonalAccountQuery {
    pub unit_id: Option<i64>,
    pub name: Option<String>,
    pub state: Option<PersonalAccountState>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A fresh activation code: 12 characters, shown in groups of four.
pub fn new_activation_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// The code as typed, without spaces and dashes, upper case; `None` when it cannot be a code.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

fn code_hash(normalised: &str) -> String {
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn date_of_ms(ms: i64) -> Option<Date> {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .map(|t| t.to_offset(crate::clock::VIETNAM).date())
}

const WRONG_CODE: &str = "Số định danh hoặc mã kích hoạt không đúng, hoặc mã đã hết hạn. Mỗi mã chỉ dùng được một lần; nếu cần, đề nghị bộ phận tổ chức cán bộ của đơn vị cấp mã mới.";

impl App {
    fn view_of(&self, p: store::PersonWithAccount) -> PersonalAccountView {
        let state = PersonalAccountState::of(p.account.as_ref());
        PersonalAccountView {
            person_id: p.person_id,
            full_name: p.full_name,
            unit_id: p.unit_id,
            person_status: p.status,
            state,
            state_label: state.label_vi().to_string(),
            account_id: p.account.as_ref().map(|a| a.account_id),
            username: p.account.as_ref().map(|a| a.username.clone()),
            created_on: p.account.as_ref().and_then(|a| date_of_ms(a.created_at)),
            activation_valid_until: p
                .account
                .as_ref()
                .and_then(|a| a.activation_expires_at)
                .and_then(|ms| date_of_ms(ms - 1)),
        }
    }

    /// The personal account of one person, for an administrator of its unit.
    pub async fn personal_account(
        &self,
        actor: &Actor,
        person_id: i64,
        client: &ClientInfo,
    ) -> AppResult<PersonalAccountView> {
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        self.require_person(
            &mut conn,
            actor,
            Capability::SeeAdministration,
            person_id,
            Attempt {
                action: AuditAction::AccountPersonalView,
                about: About::new("person", person_id),
                client,
            },
        )
        .await?;
        let person = persons::get(&mut conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let account = store::of_person(&mut conn, person_id).await?;
        Ok(self.view_of(store::PersonWithAccount {
            person_id,
            full_name: person.full_name,
            unit_id: person.unit_id,
            status: person.status,
            account,
        }))
    }

    /// Whether the actor may create or renew the personal account of this person (buttons).
    pub async fn may_issue_personal_account(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> AppResult<bool> {
        let mut conn = self.store.reader().await?;
        self.may_person(&mut conn, actor, Capability::AdministerAccounts, person_id)
            .await
    }

    /// The people of a unit's subtree with the state of their personal accounts (the first unit
    /// the actor administers when none is named).
    pub async fn personal_accounts(
        &self,
        actor: &Actor,
        query: PersonalAccountQuery,
        client: &ClientInfo,
    ) -> AppResult<Page<PersonalAccountView>> {
        let paging = Paging::new(query.page, query.per_page)?;
        let mut conn = self.store.reader().await?;
        let attempt = |id| Attempt {
            action: AuditAction::AccountPersonalView,
            about: About::new("unit", id),
            client,
        };
        let unit = match query.unit_id {
            Some(id) => {
                self.require_unit(
                    &mut conn,
                    actor,
                    Capability::SeeAdministration,
                    id,
                    attempt(id),
                )
                .await?
            }
            None => self.first_administered_unit(&mut conn, actor).await?,
        };
        let name = query
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let filter = query.state.map_or(AccountFilter::All, |s| s.filter());
        let (rows, total) = store::list(
            &mut conn,
            &unit.path,
            name,
            filter,
            paging.per_page,
            paging.offset(),
        )
        .await?;
        Ok(Page {
            items: rows.into_iter().map(|r| self.view_of(r)).collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    async fn first_administered_unit(
        &self,
        conn: &mut hoso_store::AnyConnection,
        actor: &Actor,
    ) -> AppResult<org_store::OrgUnitRow> {
        if !actor
            .capabilities()
            .may_somewhere(Capability::SeeAdministration)
        {
            return Err(AppError::Forbidden);
        }
        let unit_id = actor
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::UnitAdmin | Role::SystemAdmin))
            .find_map(|g| g.unit_id);
        let unit = match unit_id {
            Some(id) => org_store::get(conn, id).await?,
            None => org_store::roots(conn).await?.into_iter().next(),
        };
        unit.ok_or_else(AppError::unit_not_found)
    }

    /// Creates the person's account if it has none (giving access back if it was ended while
    /// the person is in service again) and issues a new activation code, replacing any other.
    pub async fn issue_personal_account(
        &self,
        actor: &Actor,
        person_id: i64,
        input: IssueAccount,
        client: &ClientInfo,
    ) -> AppResult<ActivationSlip> {
        let attempt = || Attempt {
            action: AuditAction::AccountIssueActivation,
            about: About::new("person", person_id),
            client,
        };
        let mut conn = self.store.reader().await?;
        self.visible_person(&mut conn, actor, person_id).await?;
        self.require_person(
            &mut conn,
            actor,
            Capability::AdministerAccounts,
            person_id,
            attempt(),
        )
        .await?;
        drop(conn);
        let request_ref = request_ref(input.request_ref.as_deref())?;
        let mut work = self.begin_work(actor, client).await?;
        let slip = self
            .issue_in(&mut work, actor, person_id, &request_ref)
            .await?;
        work.commit().await?;
        self.refresh_alerts_of(&[person_id]).await;
        Ok(slip)
    }

    /// [`Self::issue_personal_account`] for every person in service in the unit's subtree who
    /// has no account yet (at most [`BATCH_LIMIT`] a run), in one transaction: the sheet to hand
    /// over.
    pub async fn issue_personal_accounts_for_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: IssueAccount,
        client: &ClientInfo,
    ) -> AppResult<UnitActivation> {
        let mut conn = self.store.reader().await?;
        let unit = self
            .require_unit(
                &mut conn,
                actor,
                Capability::AdministerAccounts,
                unit_id,
                Attempt {
                    action: AuditAction::AccountIssueActivation,
                    about: About::new("unit", unit_id),
                    client,
                },
            )
            .await?;
        drop(conn);
        let request_ref = request_ref(input.request_ref.as_deref())?;
        let mut work = self.begin_work(actor, client).await?;
        let people = store::working_without_account(&mut work, &unit.path).await?;
        let remaining = people.len().saturating_sub(BATCH_LIMIT);
        let mut slips = Vec::with_capacity(people.len().min(BATCH_LIMIT));
        for person_id in people.into_iter().take(BATCH_LIMIT) {
            slips.push(
                self.issue_in(&mut work, actor, person_id, &request_ref)
                    .await?,
            );
        }
        work.audit(
            AuditAction::AccountIssueActivationUnit,
            About::new("unit", unit.id),
            serde_json::json!({"accounts": slips.len(), "remaining": remaining, "request_ref": request_ref}),
        )
        .await?;
        work.commit().await?;
        let issued: Vec<i64> = slips.iter().map(|s| s.person_id).collect();
        self.refresh_alerts_of(&issued).await;
        Ok(UnitActivation {
            unit_id: unit.id,
            unit_name: unit.name,
            slips,
            remaining,
        })
    }

    async fn issue_in(
        &self,
        work: &mut Work<'_>,
        actor: &Actor,
        person_id: i64,
        request_ref: &str,
    ) -> AppResult<ActivationSlip> {
        let person = persons::get(work, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        if person.status != PersonStatus::Working.as_str() {
            let status = PersonStatus::parse(&person.status)
                .map_or("không còn công tác", |s| s.label_vi());
            return Err(AppError::BadRequest(format!(
                "Không cấp tài khoản cá nhân cho người có trạng thái \"{status}\": tài khoản chỉ dành cho người đang công tác."
            )));
        }
        let unit_name = org_store::get(work, person.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let now = self.now_ms();
        let existing = store::of_person(work, person_id).await?;
        let (account_id, username, created) = match existing {
            Some(a) => {
                if store::grant_individual(
                    work,
                    a.account_id,
                    now,
                    Some(actor.account_id),
                    request_ref,
                )
                .await?
                {
                    work.audit(
                        AuditAction::AccountRestorePersonalAccess,
                        About::new("account", a.account_id),
                        serde_json::json!({"person_id": person_id, "request_ref": request_ref}),
                    )
                    .await?;
                }
                (a.account_id, a.username, false)
            }
            None => {
                let username = self.national_id_of(work, person_id).await?;
                if accounts::by_username(work, &username).await?.is_some() {
                    return Err(AppError::Conflict(
                        "Số định danh của hồ sơ này đã là tên đăng nhập của một tài khoản khác. Vui lòng liên hệ quản trị hệ thống."
                            .into(),
                    ));
                }
                let id = store::insert(
                    work,
                    store::NewPersonalAccount {
                        person_id,
                        username: &username,
                        display_name: &person.full_name,
                        created_at: now,
                        created_by: Some(actor.account_id),
                        request_ref,
                    },
                )
                .await?;
                work.audit(
                    AuditAction::AccountCreatePersonal,
                    About::new("account", id),
                    serde_json::json!({"person_id": person_id, "request_ref": request_ref}),
                )
                .await?;
                (id, username, true)
            }
        };
        let code = new_activation_code();
        let expires_at = now + ACTIVATION_DAYS * 86_400_000;
        let normalised = normalise_code(&code)
            .ok_or_else(|| AppError::Internal("a fresh activation code does not parse".into()))?;
        store::set_activation(
            work,
            account_id,
            &code_hash(&normalised),
            expires_at,
            Some(actor.account_id),
            now,
        )
        .await?;
        work.audit(
            AuditAction::AccountIssueActivation,
            About::new("account", account_id),
            serde_json::json!({"person_id": person_id}),
        )
        .await?;
        Ok(ActivationSlip {
            person_id,
            account_id,
            full_name: person.full_name,
            unit_name,
            username,
            activation_code: code,
            valid_until: date_of_ms(expires_at - 1).unwrap_or_else(|| self.today()),
            created,
        })
    }

    /// The số định danh of a record, from its current version.
    async fn national_id_of(
        &self,
        conn: &mut hoso_store::AnyConnection,
        person_id: i64,
    ) -> AppResult<String> {
        let version = persons::current_version(conn, person_id)
            .await?
            .ok_or_else(AppError::record_not_found)?;
        let doc = self.full_document(conn, &version).await?;
        let schema = self
            .schemas
            .get(&version.schema_version)
            .unwrap_or_else(|| self.schemas.latest());
        schema
            .role_text(&doc, FieldRole::NationalId)
            .map(str::to_string)
            .ok_or_else(|| AppError::Internal(format!("person {person_id} has no số định danh")))
    }

    /// The person chooses a password with the one-time code (first sign-in, or a forgotten
    /// password). Anonymous; every answer to a wrong number or code is the same.
    pub async fn activate_account(
        &self,
        input: ActivateAccount,
        client: &ClientInfo,
    ) -> AppResult<()> {
        if input.new_password.len() > 1024 || input.username.len() > 64 {
            return Err(AppError::BadRequest(
                "Dữ liệu nhập dài quá mức cho phép.".into(),
            ));
        }
        let username = input.username.trim();
        let code = normalise_code(&input.activation_code);
        let mut conn = self.store.reader().await?;
        let account = accounts::by_username(&mut conn, username).await?;
        let waiting = match &account {
            Some(a) if a.person_id.is_some() => store::activation(&mut conn, a.id).await?,
            _ => None,
        };
        drop(conn);
        let now = self.now_ms();
        let (Some(account), Some((hash, expires_at, failures))) = (account, waiting) else {
            self.audit_activation_refused(None, client, "unknown_or_no_code")
                .await?;
            return Err(AppError::BadRequest(WRONG_CODE.into()));
        };
        let right = code
            .as_deref()
            .is_some_and(|c| same_hash(&code_hash(c), &hash));
        if !right || expires_at <= now || failures >= ACTIVATION_ATTEMPTS {
            let mut work = self.begin_work_as(Some(account.id), client).await?;
            if expires_at <= now || failures + 1 >= ACTIVATION_ATTEMPTS {
                store::clear_activation(&mut work, account.id).await?;
            } else {
                store::count_failure(&mut work, account.id).await?;
            }
            work.audit_refusal(
                AuditAction::AccountActivate,
                About::new("account", account.id),
                if expires_at <= now {
                    "code_expired"
                } else {
                    "wrong_code"
                },
            )
            .await?;
            work.commit().await?;
            return Err(AppError::BadRequest(WRONG_CODE.into()));
        }
        let mut conn = self.store.reader().await?;
        let has_access = store::of_person(&mut conn, account.person_id.unwrap_or_default())
            .await?
            .is_some_and(|a| a.has_access && a.active);
        let (full_name, birth, unit_name) =
            crate::security::password_personal_data(self, &mut conn, None, &account).await?;
        drop(conn);
        if !has_access {
            self.audit_activation_refused(Some(account.id), client, "access_ended")
                .await?;
            return Err(AppError::BadRequest(
                "Tài khoản cá nhân này đã ngừng (người đã nghỉ hoặc chuyển công tác).".into(),
            ));
        }
        self.policy()
            .validate(
                &input.new_password,
                &PersonalData {
                    username: &account.username,
                    full_name: Some(&full_name),
                    date_of_birth: birth.as_deref(),
                    unit_name: unit_name.as_deref(),
                },
            )
            .map_err(AppError::WeakPassword)?;
        let new = input.new_password;
        let phc = self
            .run_blocking_hash(move || crate::auth::hash_password(&new))
            .await??;
        let mut work = self.begin_work_as(Some(account.id), client).await?;
        // The code is spent even if two requests race: only the one that deletes it goes on.
        if !store::take_activation(&mut work, account.id, &hash).await? {
            return Err(AppError::BadRequest(WRONG_CODE.into()));
        }
        if account.password_hash != store::NO_PASSWORD_YET {
            accounts::push_password_history(&mut work, account.id, &account.password_hash).await?;
        }
        store::set_chosen_password(&mut work, account.id, &phc, hoso_store::now_ms()).await?;
        sessions::revoke_all_of(&mut work, account.id).await?;
        work.audit(
            AuditAction::AccountActivate,
            About::new("account", account.id),
            serde_json::Value::Null,
        )
        .await?;
        work.commit().await?;
        Ok(())
    }

    /// The personal account of the record in service whose số định danh the province's
    /// account system vouched for, created now; `None` when there is no such record.
    pub(crate) async fn personal_account_from_oidc(
        &self,
        number: &str,
        client: &ClientInfo,
    ) -> AppResult<Option<accounts::AccountRow>> {
        let hash = self.keys.current.national_id_hash(number);
        let mut work = self.begin_work_as(None, client).await?;
        let Some(person_id) = persons::find_by_national_id_hash(&mut work, &hash).await? else {
            return Ok(None);
        };
        let Some(person) = persons::get(&mut work, person_id).await? else {
            return Ok(None);
        };
        if person.status != PersonStatus::Working.as_str()
            || store::of_person(&mut work, person_id).await?.is_some()
        {
            return Ok(None);
        }
        let at = work.at;
        let id = store::insert(
            &mut work,
            store::NewPersonalAccount {
                person_id,
                username: number,
                display_name: &person.full_name,
                created_at: at,
                created_by: None,
                request_ref: "Đăng nhập lần đầu bằng tài khoản dùng chung",
            },
        )
        .await?;
        work.audit(
            AuditAction::AccountCreatePersonal,
            About::new("account", id),
            serde_json::json!({"person_id": person_id, "method": "oidc"}),
        )
        .await?;
        let account = accounts::by_id(&mut work, id).await?;
        work.commit().await?;
        Ok(account)
    }

    async fn audit_activation_refused(
        &self,
        account_id: Option<i64>,
        client: &ClientInfo,
        reason: &str,
    ) -> AppResult<()> {
        let mut work = self.begin_work_as(account_id, client).await?;
        let about = match account_id {
            Some(id) => About::new("account", id),
            None => About::kind("account"),
        };
        work.audit_refusal(AuditAction::AccountActivate, about, reason)
            .await?;
        work.commit().await?;
        Ok(())
    }
}

/// Gives a person's account its access back when the record returns to service, inside the
/// caller's transaction; `by` is the account that decided it.
pub(crate) async fn restore_personal_access_in(
    work: &mut Work<'_>,
    by: i64,
    person_id: i64,
    reason: &str,
) -> AppResult<()> {
    let at = work.at;
    if let Some(a) = store::of_person(work, person_id).await?
        && store::grant_individual(work, a.account_id, at, Some(by), reason).await?
    {
        work.audit(
            AuditAction::AccountRestorePersonalAccess,
            About::new("account", a.account_id),
            serde_json::json!({"person_id": person_id, "reason": reason}),
        )
        .await?;
    }
    Ok(())
}

fn request_ref(given: Option<&str>) -> AppResult<String> {
    let r = given.map(str::trim).unwrap_or_default();
    if r.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "Số hiệu văn bản dài quá 200 ký tự.".into(),
        ));
    }
    Ok(if r.is_empty() {
        "Cấp tài khoản cá nhân theo hồ sơ".to_string()
    } else {
        r.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_unambiguous_characters_in_groups() {
        for _ in 0..200 {
            let code = new_activation_code();
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(code.matches('-').count(), 2);
            let n = normalise_code(&code).expect("parses");
            assert_eq!(n.len(), 12);
            assert!(!n.contains(['0', 'O', '1', 'I', 'L']), "{n}");
        }
    }

    #[test]
    fn typed_codes_are_normalised() {
        assert_eq!(
            normalise_code(" abcd-efgh jkmn ").as_deref(),
            Some("ABCDEFGHJKMN")
        );
        assert_eq!(normalise_code("ABCD-EFGH-JKM"), None, "too short");
        assert_eq!(
            normalise_code("ABCD-EFGH-JKM0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalise_code(""), None);
    }

    #[test]
    fn hashes_compare_in_full() {
        let h = code_hash("ABCDEFGHJKMN");
        assert!(same_hash(&h, &code_hash("ABCDEFGHJKMN")));
        assert!(!same_hash(&h, &code_hash("ABCDEFGHJKMP")));
        assert!(!same_hash(&h, &h[..10]));
    }

    #[test]
    fn states_round_trip_and_read_the_account() {
        for s in PersonalAccountState::ALL {
            assert_eq!(PersonalAccountState::parse(s.as_str()), Some(s));
        }
        let mut a = PersonalAccountRow {
            account_id: 1,
            username: "001090000123".into(),
            active: true,
            created_at: 0,
            password_set: false,
            has_access: true,
            activation_expires_at: Some(1),
        };
        assert_eq!(PersonalAccountState::of(None), PersonalAccountState::None);
        assert_eq!(
            PersonalAccountState::of(Some(&a)),
            PersonalAccountState::Pending
        );
        a.password_set = true;
        assert_eq!(
            PersonalAccountState::of(Some(&a)),
            PersonalAccountState::InUse
        );
        a.has_access = false;
        assert_eq!(
            PersonalAccountState::of(Some(&a)),
            PersonalAccountState::Suspended
        );
    }
}
