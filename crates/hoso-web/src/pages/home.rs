//! The home page: what each role needs first.

use askama::Template;
use axum::extract::State;
use hoso_app::App;
use hoso_app::export::{Count, Dashboard};
use hoso_domain::schema::FieldRole;

use super::{Layout, PageActor, PageResult, format, render};
use crate::extract::Client;

/// One horizontal bar.
pub struct Bar {
    pub label: String,
    pub count: String,
    /// Width in percent of the widest bar.
    pub width: f64,
    /// Link to the filtered list, when there is one.
    pub href: Option<String>,
}

/// A row of a two-sided bar chart (the age pyramid: men | band | women; the trend: left |
/// month | joined): the figures, and each bar's width in percent of the widest.
pub struct TwoSidedRow {
    pub label: String,
    pub left: String,
    pub right: String,
    pub left_width: f64,
    pub right_width: f64,
}

/// The rows of a two-sided chart from (label, left, right) figures.
pub(super) fn two_sided(
    rows: impl Iterator<Item = (String, i64, i64)> + Clone,
) -> Vec<TwoSidedRow> {
    let max = rows
        .clone()
        .map(|(_, l, r)| l.max(r))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    rows.map(|(label, l, r)| TwoSidedRow {
        label,
        left: format::thousands(l),
        right: format::thousands(r),
        left_width: (l as f64 / max * 100.0).round(),
        right_width: (r as f64 / max * 100.0).round(),
    })
    .collect()
}

fn bars(counts: &[Count], href: impl Fn(&Count) -> Option<String>) -> Vec<Bar> {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1) as f64;
    counts
        .iter()
        .map(|c| Bar {
            label: c.label.clone(),
            count: format::thousands(c.count),
            width: (c.count as f64 / max * 100.0).round(),
            href: href(c),
        })
        .collect()
}

pub struct OwnSummary {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub status: String,
    pub date_of_birth: String,
    pub position: String,
    pub rank: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    staff: bool,
    total: String,
    working: String,
    by_status: Vec<Bar>,
    by_unit: Vec<Bar>,
    by_gender: Vec<Bar>,
    by_rank: Vec<Bar>,
    by_category: Vec<Bar>,
    pyramid: Vec<TwoSidedRow>,
    /// Joining and leaving over the last twelve months, oldest first.
    changes: Vec<TwoSidedRow>,
    any_change: bool,
    /// People at work at each month's end, each bar opening that day's headcount by unit.
    working_by_month: Vec<Bar>,
    own: Option<OwnSummary>,
    /// What is due in the scope (from the daily alert job): label, count, link.
    alerts: Vec<(String, String, String)>,
    /// The decisions about the caller's own record (movements, status decisions), newest
    /// first: what, which decision, from when, where it stands.
    my_decisions: Vec<String>,
    /// For the system administrator: why the backups need a look.
    backup_alert: Option<String>,
    /// The caller's latest change requests: id, state, sections, comment.
    my_changes: Vec<(i64, String, String, String)>,
}

pub async fn home(State(app): State<App>, page: PageActor, Client(client): Client) -> PageResult {
    let layout = page.layout("Trang chủ", "home");
    let own = match page.actor.person_id {
        Some(id) => {
            let view = app.get_person(&page.actor, id, &client).await?;
            let schema = app.schemas().latest();
            let p = schema.project(&view.record);
            let by_role = |role: FieldRole| {
                schema
                    .role_column(role)
                    .and_then(|c| p.value(c.name))
                    .and_then(|v| v.as_text())
                    .map(str::to_string)
            };
            let catalogs = app.catalogs();
            Some(OwnSummary {
                id,
                name: p.full_name.clone(),
                unit: view.unit_name,
                status: format::status(&view.status),
                date_of_birth: by_role(FieldRole::BirthDate)
                    .map(|d| format::date(&d))
                    .unwrap_or_default(),
                position: by_role(FieldRole::CurrentPosition)
                    .map(|c| {
                        catalogs
                            .name("chuc_vu", &c)
                            .map_or(c.clone(), str::to_string)
                    })
                    .unwrap_or_default(),
                rank: by_role(FieldRole::RankOrTitle)
                    .map(|c| hoso_app::export::rank_name(&catalogs, &c).unwrap_or(c))
                    .unwrap_or_default(),
                version: view.current_version,
            })
        }
        None => None,
    };
    let staff = layout.staff;
    let d = if staff {
        app.dashboard(&page.actor).await?
    } else {
        Dashboard {
            total: 0,
            working: 0,
            by_status: vec![],
            by_unit: vec![],
            by_gender: vec![],
            by_rank: vec![],
            by_category: vec![],
            age_pyramid: vec![],
            changes_by_month: vec![],
            working_by_month: vec![],
        }
    };
    let changes = two_sided(
        d.changes_by_month
            .iter()
            .map(|m| (format::month_year(&m.month), m.left, m.joined)),
    );
    let any_change = d.changes_by_month.iter().any(|m| m.joined + m.left > 0);
    let month_ends: Vec<Count> = d
        .working_by_month
        .iter()
        .map(|m| Count {
            key: m.day.clone(),
            label: format::month_year(&m.month),
            count: m.working,
        })
        .collect();
    let working_by_month = bars(&month_ends, |c| {
        Some(format!(
            "/bao-cao?ngay={}&nhom=unit&f_cot=status&f_op=eq&f_gt=working",
            c.key
        ))
    });
    let pyramid = two_sided(
        d.age_pyramid
            .iter()
            .rev()
            .map(|b| (b.label.clone(), b.men, b.women)),
    );
    // The workflow first: what waits for this account's verification or signature.
    let mut alerts = Vec::new();
    let to_verify = app.pending_verification_count(&page.actor).await?;
    if to_verify > 0 {
        alerts.push((
            "Phiếu bổ sung lý lịch chờ bạn xác thực".to_string(),
            format::thousands(to_verify),
            "/xac-thuc".to_string(),
        ));
    }
    let returned = app
        .returned_count(
            &page.actor,
            hoso_app::approval_returns::ReturnedList::ToCorrect,
        )
        .await?;
    if returned > 0 {
        alerts.push((
            "Hồ sơ thủ trưởng trả lại, chờ bạn sửa hoặc trả lời".to_string(),
            format::thousands(returned),
            "/xac-thuc#thu-truong-tra-lai".to_string(),
        ));
    }
    let to_sign = app.awaiting_approval_count(&page.actor).await?;
    if to_sign > 0 {
        alerts.push((
            "Hồ sơ có thay đổi chờ phê duyệt bằng chữ ký số".to_string(),
            format::thousands(to_sign),
            "/phe-duyet".to_string(),
        ));
    }
    // The periodic reports and the salary dates of the units this account sees (none for an
    // individual).
    if let Some(counts) = app.periodic_report_counts(&page.actor).await? {
        push_unit_deadlines(
            &mut alerts,
            counts,
            (
                "Báo cáo định kỳ quá hạn, chưa gửi",
                &format!(
                    "Báo cáo định kỳ đến hạn trong {} ngày làm việc tới",
                    hoso_app::periodic_reports::DUE_SOON_WORKING_DAYS
                ),
            ),
            (
                "/bao-cao-dinh-ky?state=overdue",
                "/bao-cao-dinh-ky?state=due_soon",
            ),
        );
    }
    if let Some(counts) = app.payroll_counts(&page.actor).await? {
        push_unit_deadlines(
            &mut alerts,
            counts,
            (
                "Bảng lương tháng quá hạn, chưa lập",
                &format!(
                    "Bảng lương tháng đến hạn lập trong {} ngày làm việc tới",
                    hoso_app::payroll::DUE_SOON_WORKING_DAYS
                ),
            ),
            ("/bang-luong?state=overdue", "/bang-luong?state=open"),
        );
    }
    alerts.extend(app.alert_summary(&page.actor).await?.into_iter().map(|c| {
        (
            c.kind_label,
            format::thousands(c.count),
            format!("/canh-bao?kind={}", c.kind),
        )
    }));
    let my_changes = app
        .my_changes(
            &page.actor,
            hoso_app::changes::ChangeQuery {
                per_page: Some(5),
                ..Default::default()
            },
        )
        .await?
        .items
        .into_iter()
        .map(|c| {
            (
                c.id,
                c.state_label,
                c.section_labels.join(", "),
                c.review_comment.unwrap_or_default(),
            )
        })
        .collect();
    let my_decisions = match page.actor.person_id {
        Some(id) => my_decisions(&app, &page.actor, id).await?,
        None => Vec::new(),
    };
    let backup_alert = app.backup_alert(&page.actor).await?;
    Ok(render(&HomePage {
        alerts,
        backup_alert,
        my_decisions,
        my_changes,
        staff,
        total: format::thousands(d.total),
        working: format::thousands(d.working),
        by_status: bars(&d.by_status, |c| Some(format!("/can-bo?status={}", c.key))),
        by_unit: bars(&d.by_unit, |c| Some(format!("/don-vi/{}", c.key))),
        by_gender: bars(&d.by_gender, |c| {
            (!c.key.is_empty()).then(|| format!("/can-bo?status=working&gender={}", c.key))
        }),
        by_rank: bars(&d.by_rank, |c| {
            (!c.key.is_empty()).then(|| {
                format!(
                    "/can-bo?status=working&grade={}",
                    format::url_encode(&c.key)
                )
            })
        }),
        by_category: bars(&d.by_category, |c| {
            (!c.key.is_empty()).then(|| format!("/can-bo?status=working&category={}", c.key))
        }),
        pyramid,
        changes,
        any_change,
        working_by_month,
        own,
        layout,
    }))
}

/// How many of one's own decisions the home page lists.
const MY_DECISIONS: usize = 5;

/// The person is told of every decision about their record (a transfer proposed, a retirement
/// waiting for its date), not only once it has changed the record.
async fn my_decisions(
    app: &App,
    actor: &hoso_app::Actor,
    person_id: i64,
) -> Result<Vec<String>, super::PageError> {
    let line = |kind: &str, number: &str, decided: &str, effective: &str, state: &str| {
        (
            effective.to_string(),
            format!(
                "{kind}: quyết định số {number} ngày {}, hiệu lực từ {} — {}",
                format::date(decided),
                format::date(effective),
                state.to_lowercase()
            ),
        )
    };
    let mut dated: Vec<(String, String)> = app
        .movements_of_person(actor, person_id)
        .await?
        .into_iter()
        .filter(|m| m.state != "cancelled")
        .map(|m| {
            line(
                &m.kind_label,
                &m.decision_number,
                &m.decision_date,
                &m.effective_date,
                &m.state_label,
            )
        })
        .collect();
    dated.extend(
        app.status_decisions_of(actor, person_id)
            .await?
            .into_iter()
            .filter(|d| d.state != "cancelled")
            .map(|d| {
                line(
                    &d.kind_label,
                    &d.decision_number,
                    &d.decision_date,
                    &d.effective_date,
                    &d.state_label,
                )
            }),
    );
    // Newest effective date first, across both kinds of decision.
    dated.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(dated
        .into_iter()
        .take(MY_DECISIONS)
        .map(|(_, l)| l)
        .collect())
}

/// The lines of a unit deadline's counts (overdue, due soon) that are not zero: label, count and
/// the list they open.
fn push_unit_deadlines(
    alerts: &mut Vec<(String, String, String)>,
    (overdue, due_soon): (usize, usize),
    (overdue_label, soon_label): (&str, &str),
    (overdue_link, soon_link): (&str, &str),
) {
    for (count, label, link) in [
        (overdue, overdue_label, overdue_link),
        (due_soon, soon_label, soon_link),
    ] {
        if count > 0 {
            alerts.push((
                label.to_string(),
                format::thousands(count as i64),
                link.to_string(),
            ));
        }
    }
}
