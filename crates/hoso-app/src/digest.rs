//! The daily e-mail digest of alerts (F12): each active account with an e-mail address gets,
//! once a day, the counts of the alerts in its scope and the most urgent items — in
//! Vietnamese, with names, units, kinds, due dates and reasons only (never an identifier or any
//! field the schema keeps secret). Off unless SMTP is configured. Sent by the daily digest job
//! (`jobs::JobKind::DigestDaily`), which the alerts job queues once the alerts of the day are
//! computed; the job queue makes sure that one node sends it, once.

use hoso_domain::audit_action::AuditAction;
use hoso_domain::calendar::format_date;
use hoso_store::alerts::{self as alert_store, AlertFilter};
use hoso_store::{accounts, digest as store};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::alerts::kind_label;
use crate::auth::{actor_from, grants_from_rows};
use crate::config::{SmtpConfig, SmtpTls};
use crate::jobs::Progress;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// How many alerts a digest lists (the counts cover them all).
pub const TOP_ITEMS: i64 = 10;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailInput {
    /// The address for the daily digest; empty or null to stop it.
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmailView {
    pub email: Option<String>,
    /// Whether this server sends digests at all (SMTP configured).
    pub digest_enabled: bool,
}

/// One account's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub body: String,
    pub alerts: i64,
}

fn parse_email(raw: &str) -> AppResult<String> {
    let email = raw.trim();
    if email.chars().count() > 254 || email.parse::<lettre::Address>().is_err() {
        return Err(AppError::BadRequest(format!(
            "Địa chỉ thư điện tử «{email}» không hợp lệ."
        )));
    }
    Ok(email.to_string())
}

fn transport(smtp: &SmtpConfig) -> AppResult<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| AppError::Internal(format!("smtp: {e}")))?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
            .map_err(|e| AppError::Internal(format!("smtp: {e}")))?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose().to_string(),
        ));
    }
    Ok(builder.build())
}

fn iso_to_vn(iso: &str) -> String {
    time::Date::parse(
        iso,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map(format_date)
    .unwrap_or_else(|_| iso.to_string())
}

impl App {
    /// The caller's own e-mail address.
    pub async fn own_email(&self, actor: &Actor) -> AppResult<EmailView> {
        let mut conn = self.store.reader().await?;
        Ok(EmailView {
            email: store::email_of(&mut conn, actor.account_id).await?,
            digest_enabled: self.config.smtp.is_some(),
        })
    }

    /// Sets (or clears) the caller's own address for the daily digest. Audited.
    pub async fn set_own_email(
        &self,
        actor: &Actor,
        input: EmailInput,
        client: &ClientInfo,
    ) -> AppResult<EmailView> {
        let email = match input.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(parse_email(raw)?),
        };
        let mut tx = self.begin_work(actor, client).await?;
        store::set_email(&mut tx, actor.account_id, email.as_deref()).await?;
        tx.audit(
            AuditAction::AccountEmail,
            About::new("account", actor.account_id),
            serde_json::json!({"set": email.is_some()}),
        )
        .await?;
        tx.commit().await?;
        Ok(EmailView {
            email,
            digest_enabled: self.config.smtp.is_some(),
        })
    }

    /// The digest of one account from the stored alerts, or `None` when it has none (or the
    /// account is gone or inactive).
    pub async fn digest_for(
        &self,
        account_id: i64,
        as_of: time::Date,
    ) -> AppResult<Option<Digest>> {
        let mut conn = self.store.reader().await?;
        let Some(account) = accounts::by_id(&mut conn, account_id).await? else {
            return Ok(None);
        };
        if !account.active {
            return Ok(None);
        }
        let grants = grants_from_rows(accounts::grants_of(&mut conn, account_id).await?);
        let actor = actor_from(account, grants, None);
        let scope = actor.read_scope();
        let counts = alert_store::summary(&mut conn, &scope).await?;
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        if total == 0 {
            return Ok(None);
        }
        let (top, _) = alert_store::list(
            &mut conn,
            &scope,
            &AlertFilter {
                limit: TOP_ITEMS,
                ..AlertFilter::default()
            },
        )
        .await?;
        let day = format_date(as_of);
        let mut body = format!(
            "Kính gửi {},\n\nHệ thống quản lý hồ sơ cán bộ, công chức, viên chức thông báo các cảnh báo, thời hạn trong phạm vi bạn quản lý, tính đến ngày {day}: tổng cộng {total} cảnh báo.\n\nTheo loại:\n",
            actor.display_name
        );
        for (kind, n) in &counts {
            body.push_str(&format!("- {}: {n}\n", kind_label(kind)));
        }
        body.push_str(&format!("\n{} việc cần xử lý sớm nhất:\n", top.len()));
        for (i, a) in top.iter().enumerate() {
            body.push_str(&format!(
                "{}. {} ({}) — {}, hạn {}: {}. Căn cứ: {}\n",
                i + 1,
                a.full_name,
                a.unit_name,
                kind_label(&a.kind),
                iso_to_vn(&a.due),
                a.message,
                a.legal_basis
            ));
        }
        body.push_str(
            "\nXem đầy đủ, lọc và xuất Excel tại trang «Cảnh báo» (/canh-bao) của hệ thống.\n\
             Thư này được gửi tự động mỗi ngày; để ngừng nhận, hãy xóa địa chỉ thư điện tử trong tài khoản của bạn.\n",
        );
        Ok(Some(Digest {
            subject: format!("[Hồ sơ cán bộ] {total} cảnh báo, thời hạn ngày {day}"),
            body,
            alerts: total,
        }))
    }

    /// Sends the digests of `today` to every active account with an address. Returns (sent,
    /// failed). One failed address does not stop the others; it is logged (without the address).
    pub(crate) async fn send_digests(
        &self,
        smtp: &SmtpConfig,
        today: time::Date,
        progress: &Progress<'_>,
    ) -> AppResult<(usize, usize)> {
        let from: Mailbox = smtp
            .from
            .parse()
            .map_err(|e| AppError::Internal(format!("HOSO_SMTP_FROM: {e}")))?;
        let mailer = transport(smtp)?;
        let mut conn = self.store.reader().await?;
        let recipients = store::recipients(&mut conn).await?;
        drop(conn);
        let (mut sent, mut failed) = (0, 0);
        let total = recipients.len() as i64;
        for (i, (account_id, address)) in recipients.into_iter().enumerate() {
            // Every 20 accounts, well within the lease however slow the relay.
            if i > 0 && i % 20 == 0 {
                progress
                    .report(
                        i as i64,
                        Some(total),
                        &format!("Đã xử lý {i}/{total} tài khoản"),
                    )
                    .await?;
            }
            let Some(digest) = self.digest_for(account_id, today).await? else {
                continue;
            };
            let Ok(to) = address.parse::<Mailbox>() else {
                failed += 1;
                tracing::warn!(
                    account_id,
                    "digest not sent: stored e-mail address is invalid"
                );
                continue;
            };
            let message = Message::builder()
                .from(from.clone())
                .to(to)
                .subject(digest.subject.clone())
                .header(ContentType::TEXT_PLAIN)
                .body(digest.body.clone())
                .map_err(|e| AppError::Internal(format!("digest message: {e}")))?;
            match mailer.send(message).await {
                Ok(_) => {
                    sent += 1;
                    let mut tx = self.begin_system_work().await?;
                    tx.audit(
                        AuditAction::AlertsDigestSent,
                        About::new("account", account_id),
                        serde_json::json!({"alerts": digest.alerts, "on": today.to_string()}),
                    )
                    .await?;
                    tx.commit().await?;
                }
                Err(e) => {
                    failed += 1;
                    // The relay's reply may quote the address: log only its code.
                    tracing::warn!(
                        account_id,
                        code = ?e.status(),
                        permanent = e.is_permanent(),
                        "digest not sent"
                    );
                }
            }
        }
        Ok((sent, failed))
    }
}
