//! The background job runner: jobs are rows of `job_runs` (see `hoso_store::jobs`), claimed by
//! one node at a time through the database, with progress, retries after a back-off, and a page
//! and API for the system administrator to watch, retry and cancel them.
//!
//! Each node's worker loop calls [`App::enqueue_daily_jobs`] (idempotent: one run per job and
//! day, whichever node enqueues it) and [`App::run_next_job`] until nothing is claimable; on
//! shutdown [`App::release_jobs`] gives back what it holds. Which day a daily job is for comes
//! from the application's clock ([`App::today`]); claims and leases are real-clock instants.
//!
//! To add a kind of job: a [`JobKind`] variant (code, label, attempts), its arm in
//! `App::dispatch`, and a call that enqueues it (a use case, or `enqueue_daily_jobs`).

use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::format_date;
pub use hoso_store::jobs::JobStatus;
use hoso_store::jobs::{self as store, JobFilter, JobRow, NewJob};
use hoso_store::{StoreError, persons};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo, Page, Paging};

/// How long a claim lasts without a progress report: a node silent for longer is taken for dead
/// and its job is claimed again.
pub const LEASE_MS: i64 = 5 * 60_000;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Computes every person's alerts for a day (then queues the digest, if mail is configured).
    AlertsDaily,
    /// Sends each account with an e-mail address the digest of its alerts for a day.
    DigestDaily,
    /// Imports an uploaded spreadsheet into a unit (`imports`), batch by batch.
    Import,
    /// Backs up the database, attachments and keys (`backup`), lets go of the backups the
    /// retention keeps no more, and once a week restores the new one into a scratch database to
    /// check it. Daily when a backup passphrase is configured; also on demand.
    Backup,
    /// Restores one stored backup into a scratch database and checks it, at the system
    /// administrator's request.
    BackupVerify,
}

impl JobKind {
    pub const ALL: [JobKind; 5] = [
        JobKind::AlertsDaily,
        JobKind::DigestDaily,
        JobKind::Import,
        JobKind::Backup,
        JobKind::BackupVerify,
    ];

    /// The code stored in `job_runs.kind`.
    pub const fn code(self) -> &'static str {
        match self {
            JobKind::AlertsDaily => "alerts.daily",
            JobKind::DigestDaily => "alerts.digest",
            JobKind::Import => "import.file",
            JobKind::Backup => "backup",
            JobKind::BackupVerify => "backup.verify",
        }
    }

    pub const fn label_vi(self) -> &'static str {
        match self {
            JobKind::AlertsDaily => "Tính cảnh báo hằng ngày",
            JobKind::DigestDaily => "Gửi thư tóm tắt cảnh báo hằng ngày",
            JobKind::Import => "Nhập dữ liệu từ tệp",
            JobKind::Backup => "Sao lưu dữ liệu",
            JobKind::BackupVerify => "Khôi phục thử bản sao lưu để kiểm tra",
        }
    }

    /// Attempts before the job is marked failed. A digest is tried less often: a run that
    /// failed half-way has already sent some of its mail.
    pub const fn max_attempts(self) -> i64 {
        match self {
            JobKind::AlertsDaily => 5,
            JobKind::DigestDaily => 3,
            // Each batch is committed whole and a run again finds it unchanged.
            JobKind::Import => 3,
            // A failed run leaves no archive behind: running it again is safe.
            JobKind::Backup => 3,
            // Nothing is kept of a failed trial restore.
            JobKind::BackupVerify => 2,
        }
    }

    pub fn from_code(code: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.code() == code)
    }

    fn codes() -> Vec<&'static str> {
        JobKind::ALL.iter().map(|k| k.code()).collect()
    }
}

/// The Vietnamese name of a stored kind (a code written by a newer version is shown as stored).
pub fn kind_label(code: &str) -> String {
    JobKind::from_code(code).map_or_else(|| code.to_string(), |k| k.label_vi().to_string())
}

pub const fn status_label(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "Đang chờ",
        JobStatus::Running => "Đang chạy",
        JobStatus::Succeeded => "Hoàn thành",
        JobStatus::Failed => "Thất bại",
        JobStatus::Cancelled => "Đã hủy",
    }
}

/// One run of a job, as the administrator sees it. Instants are Unix milliseconds.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    /// alerts.daily, alerts.digest.
    pub kind: String,
    pub kind_label: String,
    /// queued, running, succeeded, failed, cancelled.
    pub status: String,
    pub status_label: String,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub progress_note: Option<String>,
    /// Attempts started so far.
    pub attempts: i64,
    pub max_attempts: i64,
    /// Not run before this instant (a retry waits out its back-off).
    pub run_after: i64,
    /// The node running it.
    pub node: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// What the last successful run did.
    pub result: Option<String>,
    /// Why the last attempt failed (never personal data).
    pub error: Option<String>,
    /// The account that asked for it; none for the daily jobs.
    pub created_by: Option<i64>,
    pub can_retry: bool,
    pub can_cancel: bool,
}

impl From<JobRow> for JobView {
    fn from(r: JobRow) -> JobView {
        JobView {
            id: r.id,
            kind_label: kind_label(&r.kind),
            kind: r.kind,
            status: r.status.as_str().to_string(),
            status_label: status_label(r.status).to_string(),
            progress_done: r.progress_done,
            progress_total: r.progress_total,
            progress_note: r.progress_note,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_after: r.run_after,
            node: r.locked_by,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            result: r.result,
            error: r.error,
            created_by: r.created_by,
            can_retry: r.status == JobStatus::Failed,
            can_cancel: r.status == JobStatus::Queued,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// queued, running, succeeded, failed, cancelled.
    pub status: Option<String>,
    /// alerts.daily, alerts.digest.
    pub kind: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DailyParams {
    /// ISO date.
    day: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct BackupVerifyParams {
    backup_id: i64,
}

/// What a successful run leaves: its result, and a job to queue in the same transaction.
struct Done {
    result: String,
    then: Option<(JobKind, time::Date)>,
}

/// Reports a running job's progress, which also extends its lease.
pub(crate) struct Progress<'a> {
    app: &'a App,
    /// (job id, owner); `None` when the work runs outside the queue.
    job: Option<(i64, &'a str)>,
}

impl Progress<'_> {
    pub(crate) fn none(app: &App) -> Progress<'_> {
        Progress { app, job: None }
    }

    /// Records `done` of `total`. Fails when the job is no longer this node's (its lease ran
    /// out and another node took it over), so that the work stops.
    pub(crate) async fn report(&self, done: i64, total: Option<i64>, note: &str) -> AppResult<()> {
        let Some((id, owner)) = self.job else {
            return Ok(());
        };
        let mut tx = self.app.store.begin().await?;
        let ours = store::set_progress(
            &mut tx,
            id,
            owner,
            done,
            total,
            Some(note),
            hoso_store::now_ms(),
            LEASE_MS,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        if ours {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "Việc này đã được một máy chủ khác nhận chạy lại.".into(),
            ))
        }
    }
}

fn daily_key(kind: JobKind, day: time::Date) -> String {
    format!("{}:{day}", kind.code())
}

fn iso(field: &str, s: &str) -> AppResult<time::Date> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::Internal(format!("job {field}: not an ISO date")))
}

/// The text stored on a failed attempt: the user-facing message, except for internal errors,
/// whose detail (which may quote stored values) goes to the server log only.
fn stored_error(e: &AppError) -> String {
    match e {
        AppError::Internal(_) => {
            "Lỗi hệ thống khi chạy việc; chi tiết ghi trong nhật ký máy chủ.".to_string()
        }
        other => other.to_string(),
    }
}

fn forbidden_unless_system_admin(actor: &Actor) -> AppResult<()> {
    if actor
        .capabilities()
        .may(crate::Capability::ManageProvince, crate::Target::Province)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// What an administrator does to a run.
#[derive(Debug, Clone, Copy)]
enum JobChange {
    Retry,
    Cancel,
}

impl JobChange {
    fn action(self) -> AuditAction {
        match self {
            JobChange::Retry => AuditAction::JobRetry,
            JobChange::Cancel => AuditAction::JobCancel,
        }
    }
}

fn job_not_found() -> AppError {
    AppError::NotFound("Không tìm thấy việc nền.")
}

impl App {
    /// Queues today's daily jobs unless they already are (on this node or another). Cheap:
    /// one read when there is nothing to do.
    pub async fn enqueue_daily_jobs(&self) -> AppResult<()> {
        let today = self.today();
        let mut daily = vec![JobKind::AlertsDaily];
        if self.config.backup_passphrase.is_some() {
            daily.push(JobKind::Backup);
        }
        for kind in daily {
            let key = daily_key(kind, today);
            let mut conn = self.store.reader().await?;
            let known = store::by_dedup_key(&mut conn, &key).await?.is_some();
            drop(conn);
            if known {
                continue;
            }
            let mut tx = self.store.begin().await?;
            enqueue_daily(&mut tx, kind, today).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(())
    }

    /// Queues a backup now (system administrator); the job runner takes it like the daily one.
    pub async fn request_backup(&self, actor: &Actor, client: &ClientInfo) -> AppResult<JobView> {
        self.require_system_admin(
            actor,
            crate::authz::Attempt {
                action: AuditAction::BackupCreate,
                about: About::kind("backup"),
                client,
            },
            "only the system administrator takes backups",
        )
        .await?;
        if self.config.backup_passphrase.is_none() {
            return Err(AppError::BadRequest(
                "Chưa đặt mật khẩu sao lưu (HOSO_BACKUP_PASSPHRASE): Hoso không sao lưu khi không có nó.".into(),
            ));
        }
        let key = format!("backup.requested:{}", hoso_store::now_ms());
        let mut tx = self.store.begin().await?;
        let id = enqueue_for_day(
            &mut tx,
            JobKind::Backup,
            self.today(),
            &key,
            Some(actor.account_id),
        )
        .await?;
        let row = store::get(&mut tx, id).await?.ok_or_else(job_not_found)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(row.into())
    }

    /// Queues a trial restore of the stored backup `backup_id` (system administrator); the job
    /// runner takes it and records the result on the backup.
    pub async fn request_backup_verification(
        &self,
        actor: &Actor,
        backup_id: i64,
        client: &ClientInfo,
    ) -> AppResult<JobView> {
        self.require_system_admin(
            actor,
            crate::authz::Attempt {
                action: AuditAction::BackupVerify,
                about: About::new("backup", backup_id),
                client,
            },
            "only the system administrator checks backups",
        )
        .await?;
        let mut tx = self.store.begin().await?;
        let backup = hoso_store::backups::get(&mut tx, backup_id)
            .await?
            .ok_or(AppError::NotFound("Không tìm thấy bản sao lưu."))?;
        if backup.status != "succeeded" {
            return Err(AppError::BadRequest(
                "Chỉ kiểm tra được bản sao lưu thành công còn lưu giữ.".into(),
            ));
        }
        let id = enqueue_keyed(
            &mut tx,
            JobKind::BackupVerify,
            &format!("backup.verify:{backup_id}:{}", hoso_store::now_ms()),
            &BackupVerifyParams { backup_id },
            Some(actor.account_id),
        )
        .await?;
        let row = store::get(&mut tx, id).await?.ok_or_else(job_not_found)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(row.into())
    }

    /// Claims one due job for `node`, runs it and records how it ended (a failed attempt is
    /// queued again after a back-off while attempts remain). Returns the run as it ended, or
    /// `None` when no job was claimable.
    pub async fn run_next_job(&self, node: &str) -> AppResult<Option<JobView>> {
        let mut tx = self.store.begin().await?;
        let claimed = store::claim_next(
            &mut tx,
            self.store.backend(),
            node,
            &JobKind::codes(),
            hoso_store::now_ms(),
            LEASE_MS,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let Some(row) = claimed else { return Ok(None) };
        let id = row.id;
        let kind = JobKind::from_code(&row.kind)
            .ok_or_else(|| AppError::Internal(format!("claimed a job of unknown kind {id}")))?;
        let progress = Progress {
            app: self,
            job: Some((id, node)),
        };
        let outcome = self.dispatch(kind, &row, &progress).await;
        let now = hoso_store::now_ms();
        let mut tx = self.store.begin().await?;
        match outcome {
            Ok(done) => {
                if store::succeed(&mut tx, id, node, &done.result, now).await? {
                    if let Some((next, day)) = done.then {
                        enqueue_daily(&mut tx, next, day).await?;
                    }
                    tracing::info!(job = id, kind = kind.code(), "job succeeded");
                } else {
                    tracing::warn!(
                        job = id,
                        kind = kind.code(),
                        "job finished after another node took it over"
                    );
                }
            }
            Err(e) => {
                // Internal details may name stored values: the log gets them, the row does not.
                tracing::warn!(job = id, kind = kind.code(), error = %match &e { AppError::Internal(d) => d.clone(), other => other.to_string() }, "job attempt failed");
                match store::fail(&mut tx, id, node, &stored_error(&e), now).await? {
                    Some(JobStatus::Failed) => {
                        tracing::error!(job = id, kind = kind.code(), "job failed for good")
                    }
                    Some(_) => {}
                    None => tracing::warn!(
                        job = id,
                        kind = kind.code(),
                        "job failed after another node took it over"
                    ),
                }
            }
        }
        tx.commit().await.map_err(StoreError::from)?;
        let mut conn = self.store.reader().await?;
        let row = store::get(&mut conn, id).await?.ok_or_else(job_not_found)?;
        Ok(Some(row.into()))
    }

    /// Gives back the jobs `node` holds (it is shutting down): another node may run them at
    /// once instead of after the lease, and the interrupted attempt does not count.
    pub async fn release_jobs(&self, node: &str) -> AppResult<u64> {
        let mut tx = self.store.begin().await?;
        let n = store::release(&mut tx, node, hoso_store::now_ms()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(n)
    }

    async fn dispatch(
        &self,
        kind: JobKind,
        row: &JobRow,
        progress: &Progress<'_>,
    ) -> AppResult<Done> {
        if kind == JobKind::Import {
            return Ok(Done {
                result: self.run_import_job(row, progress).await?,
                then: None,
            });
        }
        if kind == JobKind::BackupVerify {
            let params: BackupVerifyParams = serde_json::from_str(&row.params)
                .map_err(|e| AppError::Internal(format!("job {} params: {e}", row.id)))?;
            progress
                .report(0, None, "Đang khôi phục thử để kiểm tra")
                .await?;
            let v = self.verify_backup(params.backup_id).await?;
            return Ok(Done {
                result: if v.passed {
                    format!("Khôi phục thử và kiểm tra: đạt. {}", v.note)
                } else {
                    format!("KIỂM TRA KHÔNG ĐẠT: {}", v.note)
                },
                then: None,
            });
        }
        let params: DailyParams = serde_json::from_str(&row.params)
            .map_err(|e| AppError::Internal(format!("job {} params: {e}", row.id)))?;
        let day = iso("day", &params.day)?;
        let today = self.today();
        if day < today {
            // Today's run supersedes it (a retry that waited past midnight, a node down all day).
            return Ok(Done {
                result: format!(
                    "Bỏ qua: ngày {} đã qua, việc của ngày {} thay thế.",
                    format_date(day),
                    format_date(today)
                ),
                then: None,
            });
        }
        match kind {
            JobKind::AlertsDaily => {
                // The day's movements first: the alerts then follow the records to their units.
                let moved = self.apply_due_movements(day).await?;
                let decided = self.apply_due_status_decisions(day).await?;
                let n = self.compute_alerts_reporting(day, progress).await?;
                let mut done = Vec::new();
                if moved > 0 {
                    done.push(format!("{moved} hồ sơ điều chuyển theo quyết định"));
                }
                if decided > 0 {
                    done.push(format!(
                        "{decided} hồ sơ đổi trạng thái công tác theo quyết định"
                    ));
                }
                done.push(format!("{n} cảnh báo"));
                Ok(Done {
                    result: done.join("; "),
                    // The digest lists the alerts just computed, so it follows them.
                    then: self
                        .config
                        .smtp
                        .is_some()
                        .then_some((JobKind::DigestDaily, day)),
                })
            }
            JobKind::Import | JobKind::BackupVerify => unreachable!("dispatched above"),
            JobKind::Backup => {
                progress.report(0, None, "Đang sao lưu").await?;
                let backup = self.take_backup(row.created_by).await?;
                if backup.status != "succeeded" {
                    return Err(AppError::BadRequest(
                        backup.error.unwrap_or_else(|| "Sao lưu thất bại.".into()),
                    ));
                }
                let pruned = self.prune_backups().await?;
                // A trial restore once a week (and of the first backup ever).
                let week_ms = 7 * 24 * 3_600_000;
                let mut conn = self.store.reader().await?;
                let verified_lately =
                    hoso_store::backups::list(&mut conn, 60)
                        .await?
                        .iter()
                        .any(|b| {
                            b.verify_status.as_deref() == Some("passed")
                                && b.verified_at.is_some_and(|at| self.now_ms() - at < week_ms)
                        });
                drop(conn);
                let verified = if verified_lately {
                    String::new()
                } else {
                    progress
                        .report(1, Some(2), "Đang khôi phục thử để kiểm tra")
                        .await?;
                    let v = self.verify_backup(backup.id).await?;
                    if v.passed {
                        "; đã khôi phục thử và kiểm tra: đạt".into()
                    } else {
                        format!("; KIỂM TRA KHÔNG ĐẠT: {}", v.note)
                    }
                };
                Ok(Done {
                    result: format!(
                        "Đã sao lưu {} ({} byte); {pruned} bản cũ đã xóa{verified}",
                        backup.file_name,
                        backup.size_bytes.unwrap_or(0)
                    ),
                    then: None,
                })
            }
            JobKind::DigestDaily => {
                let Some(smtp) = self.config.smtp.clone() else {
                    return Ok(Done {
                        result: "Bỏ qua: máy chủ thư (SMTP) chưa được cấu hình.".into(),
                        then: None,
                    });
                };
                let (sent, failed) = self.send_digests(&smtp, day, progress).await?;
                Ok(Done {
                    result: format!("{sent} thư đã gửi, {failed} thư lỗi"),
                    then: None,
                })
            }
        }
    }

    /// How many persons a batch over all records will go through (for progress).
    pub(crate) async fn person_count(&self) -> AppResult<i64> {
        let mut conn = self.store.reader().await?;
        Ok(persons::count(&mut conn).await?)
    }

    /// The runs, newest first, filtered by status and kind. System administrator only.
    pub async fn list_jobs(&self, actor: &Actor, q: JobQuery) -> AppResult<Page<JobView>> {
        forbidden_unless_system_admin(actor)?;
        let paging = Paging::new(q.page, q.per_page)?;
        let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
                AppError::BadRequest(format!("Trạng thái việc nền '{s}' không tồn tại."))
            })?),
        };
        let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(
                JobKind::from_code(k)
                    .ok_or_else(|| {
                        AppError::BadRequest(format!("Loại việc nền '{k}' không tồn tại."))
                    })?
                    .code()
                    .to_string(),
            ),
        };
        let mut conn = self.store.reader().await?;
        let (rows, total) = store::list(
            &mut conn,
            &JobFilter {
                status,
                kind,
                limit: paging.per_page,
                offset: paging.offset(),
            },
        )
        .await?;
        Ok(Page {
            items: rows.into_iter().map(JobView::from).collect(),
            total,
            page: paging.page,
            per_page: paging.per_page,
            total_capped: false,
        })
    }

    /// One run. System administrator only.
    pub async fn job(&self, actor: &Actor, id: i64) -> AppResult<JobView> {
        forbidden_unless_system_admin(actor)?;
        let mut conn = self.store.reader().await?;
        Ok(store::get(&mut conn, id)
            .await?
            .ok_or_else(job_not_found)?
            .into())
    }

    /// Queues a failed run again with a fresh set of attempts. System administrator only;
    /// audited.
    pub async fn retry_job(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<JobView> {
        self.change_job(actor, id, JobChange::Retry, client).await
    }

    /// Withdraws a run that has not started. System administrator only; audited.
    pub async fn cancel_job(
        &self,
        actor: &Actor,
        id: i64,
        client: &ClientInfo,
    ) -> AppResult<JobView> {
        self.change_job(actor, id, JobChange::Cancel, client).await
    }

    async fn change_job(
        &self,
        actor: &Actor,
        id: i64,
        change: JobChange,
        client: &ClientInfo,
    ) -> AppResult<JobView> {
        let action = change.action();
        let attempt = crate::authz::Attempt {
            action,
            about: About::new("job", id),
            client,
        };
        self.require(
            actor,
            crate::Capability::ManageProvince,
            crate::Target::Province,
            job_not_found,
            attempt,
        )
        .await?;
        let mut tx = self.begin_work(actor, client).await?;
        let row = store::get(&mut tx, id).await?.ok_or_else(job_not_found)?;
        let now = hoso_store::now_ms();
        let changed = match change {
            JobChange::Retry => store::retry(&mut tx, id, now).await?,
            JobChange::Cancel => store::cancel(&mut tx, id, now).await?,
        };
        if !changed {
            return Err(AppError::Conflict(match change {
                JobChange::Retry => format!(
                    "Chỉ chạy lại được việc đã thất bại; việc này đang ở trạng thái «{}».",
                    status_label(row.status)
                ),
                JobChange::Cancel => format!(
                    "Chỉ hủy được việc đang chờ; việc này đang ở trạng thái «{}».",
                    status_label(row.status)
                ),
            }));
        }
        tx.audit(
            action,
            About::new("job", id),
            serde_json::json!({"kind": row.kind, "was": row.status.as_str()}),
        )
        .await?;
        let row = store::get(&mut tx, id).await?.ok_or_else(job_not_found)?;
        tx.commit().await?;
        Ok(row.into())
    }
}

/// Queues `kind` for `day` unless it already is.
async fn enqueue_daily(
    conn: &mut hoso_store::AnyConnection,
    kind: JobKind,
    day: time::Date,
) -> AppResult<()> {
    enqueue_for_day(conn, kind, day, &daily_key(kind, day), None).await?;
    Ok(())
}

/// Queues `kind` for `day` under `key` unless a job holds that key already; its id.
async fn enqueue_for_day(
    conn: &mut hoso_store::AnyConnection,
    kind: JobKind,
    day: time::Date,
    key: &str,
    created_by: Option<i64>,
) -> AppResult<i64> {
    enqueue_keyed(
        conn,
        kind,
        key,
        &DailyParams {
            day: day.to_string(),
        },
        created_by,
    )
    .await
}

/// Queues `kind` with `params` under `key` unless a job holds that key already; its id.
async fn enqueue_keyed(
    conn: &mut hoso_store::AnyConnection,
    kind: JobKind,
    key: &str,
    params: &impl Serialize,
    created_by: Option<i64>,
) -> AppResult<i64> {
    let params = serde_json::to_string(params)
        .map_err(|e| AppError::Internal(format!("job params: {e}")))?;
    let (id, _) = store::enqueue(
        conn,
        &NewJob {
            kind: kind.code(),
            dedup_key: Some(key),
            params: &params,
            max_attempts: kind.max_attempts(),
            run_after: hoso_store::now_ms(),
            created_by,
        },
        hoso_store::now_ms(),
    )
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_have_codes_and_vietnamese_labels() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::from_code(k.code()), Some(k));
            assert!(!k.label_vi().is_empty());
            assert_eq!(kind_label(k.code()), k.label_vi());
        }
        assert_eq!(kind_label("import.persons"), "import.persons");
        let labels: std::collections::HashSet<_> =
            JobStatus::ALL.into_iter().map(status_label).collect();
        assert_eq!(labels.len(), JobStatus::ALL.len());
        assert_eq!(
            daily_key(JobKind::AlertsDaily, time::macros::date!(2026 - 12 - 03)),
            "alerts.daily:2026-12-03"
        );
    }

    #[test]
    fn internal_details_are_not_stored_on_the_job() {
        let e = AppError::Internal("duplicate key (national_id_hash)=(abc)".into());
        assert!(!stored_error(&e).contains("abc"));
        let e = AppError::BadRequest("Địa chỉ thư không hợp lệ.".into());
        assert_eq!(stored_error(&e), "Địa chỉ thư không hợp lệ.");
    }
}
