//! Reorganisation (`/co-cau/sap-xep`): the system administrator merges units or splits one by a
//! decision, sees what would change ("Xem trước", a dry run of the same use case), then carries
//! it out ("Thực hiện"). Units are named by their codes, as decisions list them.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use hoso_app::reorganisation::{
    DecisionInput, Operation, ReorganisationPreview, Reorganise, SplitPart, UnitChoice,
};
use hoso_app::{App, AppError};
use hoso_domain::org::OrgUnitKind;

use super::{Layout, PageActor, PageResult, render_status};
use crate::extract::Client;

pub const PATH: &str = "/co-cau/sap-xep";

/// The form as sent (every field text, as the browser sends it).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ReorganiseForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    /// `merge` or `split`.
    kind: String,
    /// Merge: the codes of the units merged, separated by commas, spaces or lines.
    sources: String,
    /// Merge into an existing unit: its code…
    into_code: String,
    /// …or into a new one: its parent's code, code, name and kind.
    new_parent_code: String,
    new_code: String,
    new_name: String,
    new_kind: String,
    /// Split: the code of the unit split, and one line per part.
    source: String,
    parts: String,
    /// "1" when the staff grants go over to the receiving units.
    carry: String,
    decision_number: String,
    decision_date: String,
    signer: String,
    effective_date: String,
    /// `xem-truoc` (dry run) or `thuc-hien`.
    action: String,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "reorganisation.html")]
struct ReorganisationPage {
    layout: Layout,
    form: ReorganiseForm,
    kinds: Vec<KindOption>,
    error: Option<String>,
    preview: Option<ReorganisationPreview>,
    /// The message once carried out.
    done: Option<String>,
    path: &'static str,
}

impl ReorganisationPage {
    fn is_split(&self) -> bool {
        self.form.kind == "split"
    }
}

fn kinds(selected: &str) -> Vec<KindOption> {
    [
        OrgUnitKind::Commune,
        OrgUnitKind::AdministrativeAgency,
        OrgUnitKind::PublicServiceUnit,
        OrgUnitKind::Department,
    ]
    .into_iter()
    .map(|k| KindOption {
        value: k.as_str(),
        label: k.label_vi(),
        selected: k.as_str() == selected,
    })
    .collect()
}

fn page(
    actor: &PageActor,
    form: ReorganiseForm,
    error: Option<String>,
    preview: Option<ReorganisationPreview>,
) -> ReorganisationPage {
    ReorganisationPage {
        layout: actor.layout("Sắp xếp tổ chức", "org"),
        kinds: kinds(&form.new_kind),
        form,
        error,
        preview,
        done: None,
        path: PATH,
    }
}

/// The page is the system administrator's; the use case itself checks every unit named.
fn require_system_admin(actor: &PageActor) -> Result<(), AppError> {
    if actor.actor.is_system_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn form(page_actor: PageActor) -> PageResult {
    require_system_admin(&page_actor)?;
    let form = ReorganiseForm {
        kind: "merge".into(),
        new_kind: "commune".into(),
        ..ReorganiseForm::default()
    };
    Ok(render_status(
        StatusCode::OK,
        &page(&page_actor, form, None, None),
    ))
}

pub async fn submit(
    State(app): State<App>,
    page_actor: PageActor,
    Client(client): Client,
    Form(form): Form<ReorganiseForm>,
) -> PageResult {
    page_actor.check_csrf(form.csrf.as_deref())?;
    require_system_admin(&page_actor)?;
    let dry_run = form.action != "thuc-hien";
    let answer = async {
        let input = reorganisation_of(&app, &page_actor, &form, dry_run).await?;
        app.reorganise(&page_actor.actor, input, &client).await
    }
    .await;
    match answer {
        Ok(preview) => {
            // Carried out: the page shows what was done (sending it again is refused, the
            // sources being dissolved).
            let done = (!dry_run).then(|| {
                format!(
                    "Đã thực hiện {} theo quyết định số {}: {} hồ sơ chuyển đơn vị, {} hồ sơ đổi cơ quan quản lý.",
                    preview.kind_label.to_lowercase(),
                    preview.decision_number,
                    preview.people_total,
                    preview.records_revised
                )
            });
            let mut shown = page(&page_actor, form, None, Some(preview));
            shown.done = done;
            Ok(render_status(StatusCode::OK, &shown))
        }
        // What the form got wrong is shown on the form, its fields kept.
        Err(e @ (AppError::BadRequest(_) | AppError::Conflict(_))) => Ok(render_status(
            StatusCode::BAD_REQUEST,
            &page(&page_actor, form, Some(e.to_string()), None),
        )),
        Err(e) => Err(e.into()),
    }
}

fn codes(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .collect()
}

/// The use case's input from the form: codes read as units the actor sees.
async fn reorganisation_of(
    app: &App,
    page: &PageActor,
    f: &ReorganiseForm,
    dry_run: bool,
) -> Result<Reorganise, AppError> {
    let unit = |code: String| async move {
        app.org_unit_by_code(&page.actor, code.trim())
            .await
            .map(|u| u.id)
    };
    let operation = if f.kind == "split" {
        let source = app.org_unit_by_code(&page.actor, f.source.trim()).await?;
        let parent = source.parent_id.ok_or_else(|| {
            AppError::BadRequest("Không thể tách đơn vị cao nhất của cây tổ chức.".into())
        })?;
        let mut parts = Vec::new();
        for (n, line) in f.parts.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            let (code, name, people, children) = match fields.as_slice() {
                [code, name, people] => (*code, *name, *people, ""),
                [code, name, people, children] => (*code, *name, *people, *children),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "Dòng {} của danh sách đơn vị nhận phải có dạng: mã | tên đơn vị mới (để trống nếu đơn vị đã có) | số hồ sơ | mã các đơn vị trực thuộc chuyển về (nếu có).",
                        n + 1
                    )));
                }
            };
            let mut unit_ids = Vec::new();
            for child in codes(children) {
                unit_ids.push(unit(child.to_string()).await?);
            }
            let mut person_ids: Vec<i64> = Vec::new();
            for id in codes(people) {
                person_ids.push(id.parse().map_err(|_| {
                    AppError::BadRequest(format!("Dòng {}: '{id}' không phải số hồ sơ.", n + 1))
                })?);
            }
            let unit = if name.is_empty() {
                UnitChoice::Existing {
                    id: unit(code.to_string()).await?,
                }
            } else {
                UnitChoice::New {
                    parent_id: parent,
                    code: code.to_string(),
                    name: name.to_string(),
                    kind: source.kind.clone(),
                }
            };
            parts.push(SplitPart {
                unit,
                person_ids,
                unit_ids,
                carry_over_grants: f.carry == "1",
            });
        }
        Operation::Split {
            source: source.id,
            parts,
        }
    } else {
        let mut sources = Vec::new();
        for code in codes(&f.sources) {
            sources.push(unit(code.to_string()).await?);
        }
        let into = if f.into_code.trim().is_empty() {
            UnitChoice::New {
                parent_id: unit(f.new_parent_code.clone()).await?,
                code: f.new_code.trim().to_string(),
                name: f.new_name.trim().to_string(),
                kind: f.new_kind.clone(),
            }
        } else {
            UnitChoice::Existing {
                id: unit(f.into_code.clone()).await?,
            }
        };
        Operation::Merge {
            sources,
            into,
            carry_over_grants: f.carry == "1",
        }
    };
    Ok(Reorganise {
        operation,
        decision: DecisionInput {
            number: f.decision_number.clone(),
            date: f.decision_date.clone(),
            signer: Some(f.signer.clone()),
            effective_date: f.effective_date.clone(),
        },
        dry_run,
    })
}
