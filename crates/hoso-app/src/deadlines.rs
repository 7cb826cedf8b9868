//! The deadline rules in force (F12): the configured regulation's preset, with the deployment's
//! own overrides, as data every signed-in user may read.

use std::path::Path;

use hoso_domain::deadlines::{DeadlineRule, RuleSet, Tracking};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Actor, App, AppError, AppResult, Config};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeadlineRuleView {
    pub id: String,
    pub name: String,
    /// What starts the clock: a code (decision_date, account_created, change_submitted,
    /// month_end…) or an object for a trigger with parameters.
    #[schema(value_type = Value)]
    pub trigger: serde_json::Value,
    pub length: i32,
    /// working_days, calendar_days or months.
    #[schema(value_type = String)]
    pub unit: serde_json::Value,
    pub responsible: String,
    /// Who must act, in Vietnamese.
    pub responsible_label: String,
    pub satisfied_by: String,
    pub legal_basis: String,
    pub effective_from: String,
    pub effective_to: Option<String>,
    /// The limit as the regulation words it ("5 ngày làm việc", "trước ngày 25 hằng tháng").
    pub time_limit: String,
    /// Whether Hoso raises and clears alerts for this rule today. A rule whose events are not
    /// recorded yet is listed with the reason, never presented as in force.
    pub tracked: bool,
    /// Why the rule is not tracked yet ("chưa theo dõi được: …"), when it is not.
    pub not_tracked_reason: Option<String>,
}

fn view(r: &DeadlineRule) -> DeadlineRuleView {
    DeadlineRuleView {
        id: r.id.clone(),
        name: r.name_vi.clone(),
        trigger: serde_json::to_value(r.trigger).unwrap_or_default(),
        length: r.length,
        unit: serde_json::to_value(r.unit).unwrap_or_default(),
        responsible: r.responsible.clone(),
        responsible_label: r.responsible_vi().to_string(),
        satisfied_by: r.satisfied_by.clone(),
        legal_basis: r.legal_basis.clone(),
        effective_from: r.effective_from.to_string(),
        effective_to: r.effective_to.map(|d| d.to_string()),
        time_limit: r.time_limit_vi(),
        tracked: r.is_tracked(),
        not_tracked_reason: match r.tracking() {
            Tracking::Tracked => None,
            Tracking::NotYetTracked { reason_vi } => {
                Some(format!("Chưa theo dõi được: {reason_vi}"))
            }
        },
    }
}

/// The preset named in the configuration, with the overrides file applied. A bad preset name or
/// a bad rule refuses to start, naming the rule.
pub(crate) fn load_rules(config: &Config) -> AppResult<RuleSet> {
    let preset = RuleSet::preset(&config.deadline_preset)
        .map_err(|e| AppError::BadRequest(format!("HOSO_DEADLINE_PRESET: {e}")))?;
    match &config.deadline_rules_file {
        None => Ok(preset),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                AppError::BadRequest(format!(
                    "Không đọc được tệp quy tắc thời hạn {}: {e}",
                    display(path)
                ))
            })?;
            let overrides = RuleSet::parse_toml(&text)
                .map_err(|e| AppError::BadRequest(format!("{}: {e}", display(path))))?;
            Ok(preset.with_overrides(overrides))
        }
    }
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

impl App {
    /// The rules in force on `date` (today by default).
    pub fn deadline_rules(
        &self,
        _actor: &Actor,
        date: Option<&str>,
    ) -> AppResult<Vec<DeadlineRuleView>> {
        let day = match date {
            None => self.today(),
            Some(d) => {
                time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| {
                        AppError::BadRequest(format!(
                            "date: '{d}' không phải ngày hợp lệ (YYYY-MM-DD)."
                        ))
                    })?
            }
        };
        Ok(self.deadline_rules.in_force(day).map(view).collect())
    }
}
