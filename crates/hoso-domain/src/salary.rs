//! Salary (F6): the coefficient tables of NĐ 204/2004/NĐ-CP, the map from ngạch / chức danh
//! nghề nghiệp to a salary group, lương cơ sở by effective date and the monthly amount.
//!
//! Everything is data embedded at build time (`data/bang_luong.tsv`, `data/luong_co_so.tsv`,
//! `data/catalogs/ngach_cong_chuc.tsv`, `data/catalogs/chuc_danh_nghe_nghiep.tsv`), so a change of
//! decree is a change of a TSV row, not of code. Coefficients are kept as integer hundredths
//! (2,34 → 234) and money as integer đồng, so no computation goes through floating point.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use time::Date;

const BANG_LUONG_TSV: &str = include_str!("../data/bang_luong.tsv");
const LUONG_CO_SO_TSV: &str = include_str!("../data/luong_co_so.tsv");
const NGACH_TSV: &str = include_str!("../data/catalogs/ngach_cong_chuc.tsv");
const CHUC_DANH_TSV: &str = include_str!("../data/catalogs/chuc_danh_nghe_nghiep.tsv");

/// Which table of NĐ 204/2004 a salary group belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SalaryTable {
    /// Bảng 1: chuyên gia cao cấp.
    B1,
    /// Bảng 2: cán bộ, công chức trong cơ quan nhà nước (ngạch công chức).
    B2,
    /// Bảng 3: viên chức trong đơn vị sự nghiệp (chức danh nghề nghiệp).
    B3,
    /// Bảng 4: nhân viên thừa hành, phục vụ (lái xe, kỹ thuật viên đánh máy).
    B4,
}

impl SalaryTable {
    pub const ALL: [SalaryTable; 4] = [
        SalaryTable::B1,
        SalaryTable::B2,
        SalaryTable::B3,
        SalaryTable::B4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SalaryTable::B1 => "B1",
            SalaryTable::B2 => "B2",
            SalaryTable::B3 => "B3",
            SalaryTable::B4 => "B4",
        }
    }

    pub fn parse(s: &str) -> Option<SalaryTable> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for SalaryTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A salary group inside a table: (B2, "A1") is "công chức loại A1".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SalaryGroupRef {
    pub table: SalaryTable,
    pub group: String,
}

impl SalaryGroupRef {
    pub fn new(table: SalaryTable, group: impl Into<String>) -> Self {
        SalaryGroupRef {
            table,
            group: group.into(),
        }
    }

    /// Months a person must hold a step before the regular step increase (TT 08/2013/TT-BNV
    /// Điều 2 as amended by TT 03/2021/TT-BNV; rules.md B1): 60 for chuyên gia cao cấp, 36 for
    /// groups A0–A3 (trình độ cao đẳng trở lên), 24 for B, C and Bảng 4.
    pub fn step_interval_months(&self) -> u32 {
        match self.table {
            SalaryTable::B1 => 60,
            SalaryTable::B4 => 24,
            SalaryTable::B2 | SalaryTable::B3 => {
                if self.group.starts_with('A') {
                    36
                } else {
                    24
                }
            }
        }
    }

    /// Months at the last step before thâm niên vượt khung starts at 5% (rules.md A4): 36 for
    /// A0–A3, 24 for B, C and Bảng 4. Chuyên gia cao cấp have no TNVK.
    pub fn beyond_scale_wait_months(&self) -> Option<u32> {
        match self.table {
            SalaryTable::B1 => None,
            _ => Some(self.step_interval_months()),
        }
    }
}

impl fmt::Display for SalaryGroupRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.table, self.group)
    }
}

/// A data file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} dòng {line}: {message}")]
pub struct SalaryDataError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

/// One leadership-position allowance row (phụ cấp chức vụ lãnh đạo, `table=PCCV`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionAllowanceRate {
    pub description: String,
    pub coefficient_hundredths: i64,
}

/// The coefficient tables of NĐ 204/2004 (Bảng 1–4) and the PCCV rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryTables {
    /// (table, group) → coefficients of steps 1..=n, in hundredths.
    steps: BTreeMap<(SalaryTable, String), Vec<i64>>,
    position_allowances: Vec<PositionAllowanceRate>,
}

impl SalaryTables {
    /// The tables compiled into the binary from `data/bang_luong.tsv`.
    pub fn embedded() -> &'static SalaryTables {
        static TABLES: OnceLock<SalaryTables> = OnceLock::new();
        TABLES.get_or_init(|| {
            SalaryTables::parse(BANG_LUONG_TSV).expect("data/bang_luong.tsv is well-formed")
        })
    }

    /// Reads a `table group step coefficient …` TSV. Steps of a group must be 1..=n without
    /// gaps.
    pub fn parse(tsv: &str) -> Result<SalaryTables, SalaryDataError> {
        const FILE: &str = "bang_luong.tsv";
        let err = |line: usize, message: String| SalaryDataError {
            file: FILE,
            line,
            message,
        };
        let mut lines = tsv.lines().enumerate();
        let header = lines
            .by_ref()
            .find(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .ok_or_else(|| err(1, "tệp rỗng".into()))?
            .1;
        let cols = Columns::new(header);
        let (Some(c_table), Some(c_group), Some(c_step), Some(c_coef)) = (
            cols.index("table"),
            cols.index("group"),
            cols.index("step"),
            cols.index("coefficient"),
        ) else {
            return Err(err(1, "thiếu cột table/group/step/coefficient".into()));
        };
        let mut steps: BTreeMap<(SalaryTable, String), Vec<i64>> = BTreeMap::new();
        let mut position_allowances = Vec::new();
        for (i, line) in lines {
            let n = i + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let get = |c: usize| f.get(c).map(|s| s.trim()).unwrap_or("");
            let coef = parse_hundredths(get(c_coef))
                .ok_or_else(|| err(n, format!("hệ số không hợp lệ: {:?}", get(c_coef))))?;
            let table = get(c_table);
            if table == "PCCV" {
                position_allowances.push(PositionAllowanceRate {
                    description: get(c_group).to_string(),
                    coefficient_hundredths: coef,
                });
                continue;
            }
            let table = SalaryTable::parse(table)
                .ok_or_else(|| err(n, format!("bảng lương không rõ: {table:?}")))?;
            let step: usize = get(c_step)
                .parse()
                .map_err(|_| err(n, format!("bậc không hợp lệ: {:?}", get(c_step))))?;
            let v = steps.entry((table, get(c_group).to_string())).or_default();
            if step != v.len() + 1 {
                return Err(err(
                    n,
                    format!("bậc {step} không liền sau bậc {} của nhóm", v.len()),
                ));
            }
            v.push(coef);
        }
        Ok(SalaryTables {
            steps,
            position_allowances,
        })
    }

    /// Coefficient of `step` (1-based) in hundredths: (B2, "A1", 3) → 300.
    pub fn coefficient(&self, table: SalaryTable, group: &str, step: u32) -> Option<i64> {
        let v = self.steps_of(table, group)?;
        let i = usize::try_from(step).ok()?.checked_sub(1)?;
        v.get(i).copied()
    }

    /// The last step of a group (9 for A1, 12 for B and C).
    pub fn max_step(&self, table: SalaryTable, group: &str) -> Option<u32> {
        self.steps_of(table, group).map(|v| v.len() as u32)
    }

    /// All coefficients of a group, step 1 first.
    pub fn steps_of(&self, table: SalaryTable, group: &str) -> Option<&[i64]> {
        // BTreeMap<(T, String), _> cannot be queried by (T, &str) without allocating; the tables
        // are small, so a range scan over the table is cheap enough.
        self.steps
            .range((table, String::new())..)
            .take_while(|((t, _), _)| *t == table)
            .find(|((_, g), _)| g == group)
            .map(|(_, v)| v.as_slice())
    }

    /// Every (table, group) known, in table order.
    pub fn groups(&self) -> impl Iterator<Item = SalaryGroupRef> + '_ {
        self.steps
            .keys()
            .map(|(t, g)| SalaryGroupRef::new(*t, g.clone()))
    }

    /// The step a person moves to when transferred to another group (chuyển ngạch / thăng
    /// hạng): the lowest step whose coefficient is at least the one currently held, or the
    /// last step when the old coefficient is above the whole new scale.
    pub fn step_on_transfer(
        &self,
        table: SalaryTable,
        group: &str,
        current_hundredths: i64,
    ) -> Option<u32> {
        let v = self.steps_of(table, group)?;
        let i = v
            .iter()
            .position(|&c| c >= current_hundredths)
            .unwrap_or(v.len() - 1);
        Some(i as u32 + 1)
    }

    /// Phụ cấp chức vụ lãnh đạo rates (`table=PCCV`).
    pub fn position_allowances(&self) -> &[PositionAllowanceRate] {
        &self.position_allowances
    }
}

/// The salary group of a ngạch công chức (→ Bảng 2) or a chức danh nghề nghiệp (→ Bảng 3),
/// from the `salary_group` column of the embedded catalogs. `None` for an unknown code and for
/// codes whose group the catalog leaves empty (not yet verified against a source).
pub fn salary_group_of(grade_code: &str) -> Option<SalaryGroupRef> {
    grade_groups().get(grade_code.trim()).cloned()
}

/// Name of a ngạch or chức danh nghề nghiệp (`name_vi` column of the catalogs).
pub fn grade_name(grade_code: &str) -> Option<&'static str> {
    grade_names().get(grade_code.trim()).copied()
}

fn grade_groups() -> &'static BTreeMap<String, SalaryGroupRef> {
    static MAP: OnceLock<BTreeMap<String, SalaryGroupRef>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = BTreeMap::new();
        for (tsv, table) in [
            (NGACH_TSV, SalaryTable::B2),
            (CHUC_DANH_TSV, SalaryTable::B3),
        ] {
            for row in catalog_rows(tsv) {
                if !row.group.is_empty()
                    && SalaryTables::embedded()
                        .steps_of(table, row.group)
                        .is_some()
                {
                    m.insert(row.code.to_string(), SalaryGroupRef::new(table, row.group));
                }
            }
        }
        m
    })
}

fn grade_names() -> &'static BTreeMap<&'static str, &'static str> {
    static MAP: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = BTreeMap::new();
        for tsv in [NGACH_TSV, CHUC_DANH_TSV] {
            for row in catalog_rows(tsv) {
                m.insert(row.code, row.name);
            }
        }
        m
    })
}

struct GradeRow {
    code: &'static str,
    name: &'static str,
    group: &'static str,
}

/// Rows of a grade catalog, reading only `code`, `name_vi` and `salary_group` by header name so
/// that other columns may come and go.
fn catalog_rows(tsv: &'static str) -> Vec<GradeRow> {
    let mut lines = tsv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let cols = Columns::new(header);
    let (Some(c_code), c_name, c_group) = (
        cols.index("code"),
        cols.index("name_vi"),
        cols.index("salary_group"),
    ) else {
        return Vec::new();
    };
    lines
        .filter_map(|l| {
            let f: Vec<&'static str> = l.split('\t').collect();
            let get = |c: Option<usize>| c.and_then(|c| f.get(c)).map(|s| s.trim()).unwrap_or("");
            let code = get(Some(c_code));
            (!code.is_empty()).then(|| GradeRow {
                code,
                name: get(c_name),
                group: get(c_group),
            })
        })
        .collect()
}

struct Columns<'a>(Vec<&'a str>);

impl<'a> Columns<'a> {
    fn new(header: &'a str) -> Self {
        Columns(header.split('\t').map(str::trim).collect())
    }
    fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| *c == name)
    }
}

/// "2.34", "2,34", "10" → hundredths.
fn parse_hundredths(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() || frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(int * 100 + frac)
}

/// A level of lương cơ sở in force from a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseSalaryLevel {
    pub effective_from: Date,
    pub amount: i64,
}

/// The history of lương cơ sở from `data/luong_co_so.tsv` (1.390.000 đ from 01/7/2018 …
/// 2.340.000 đ from 01/7/2024, 2.530.000 đ from 01/7/2026 under NĐ 161/2026), oldest first.
pub fn base_salary_levels() -> &'static [BaseSalaryLevel] {
    static LEVELS: OnceLock<Vec<BaseSalaryLevel>> = OnceLock::new();
    LEVELS.get_or_init(|| {
        let mut lines = LUONG_CO_SO_TSV
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        let cols = Columns::new(lines.next().unwrap_or(""));
        let c_from = cols.index("effective_from").expect("effective_from column");
        let c_amount = cols.index("amount_vnd").expect("amount_vnd column");
        let mut v: Vec<BaseSalaryLevel> = lines
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                BaseSalaryLevel {
                    effective_from: parse_iso_date(f[c_from].trim())
                        .expect("luong_co_so.tsv: effective_from is YYYY-MM-DD"),
                    amount: f[c_amount]
                        .trim()
                        .parse()
                        .expect("luong_co_so.tsv: amount_vnd is an integer"),
                }
            })
            .collect();
        v.sort_by_key(|l| l.effective_from);
        v
    })
}

/// Lương cơ sở (đồng/month) in force on `date`; `None` before the oldest level we hold a source
/// for (01/7/2018).
pub fn base_salary_on(date: Date) -> Option<i64> {
    base_salary_levels()
        .iter()
        .rev()
        .find(|l| l.effective_from <= date)
        .map(|l| l.amount)
}

fn parse_iso_date(s: &str) -> Option<Date> {
    let mut it = s.splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// How each money amount is rounded. The law gives no rule (rules.md A1: "Quy tắc làm tròn …
/// là quyết định thiết kế của phần mềm, phải cấu hình được"); the default is the nearest đồng,
/// halves away from zero, applied to each component separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    #[default]
    NearestDong,
    NearestThousand,
    /// Truncate towards zero to whole đồng.
    DownToDong,
}

impl Rounding {
    /// Rounds `num / den` (den > 0) to an integer amount.
    fn apply(self, num: i128, den: i128) -> i64 {
        let unit: i128 = match self {
            Rounding::NearestThousand => 1000,
            _ => 1,
        };
        let den = den * unit;
        let q = match self {
            Rounding::DownToDong => num / den,
            _ => {
                let (q, r) = (num / den, num % den);
                if 2 * r.abs() >= den {
                    q + num.signum()
                } else {
                    q
                }
            }
        };
        (q * unit) as i64
    }
}

/// The allowances of one person for one month, in the forms NĐ 204/2004 uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Allowances {
    /// Phần trăm hưởng of the salary itself (85% during probation), in hundredths of a
    /// percent; `None` for the whole salary.
    pub salary_percent_hundredths: Option<i64>,
    /// Phụ cấp chức vụ lãnh đạo, coefficient in hundredths (0,20 → 20).
    pub position_hundredths: i64,
    /// Phụ cấp thâm niên vượt khung, whole percent (5, 6, …).
    pub beyond_scale_percent: i64,
    /// Coefficient of the last step of the person's group, hundredths (TNVK is computed on it).
    pub last_step_hundredths: i64,
    /// Sum of the allowances paid as a percentage of (lương + PCCV + TNVK): ưu đãi nghề,
    /// trách nhiệm nghề, thâm niên nghề, kiêm nhiệm, thu hút, đặc biệt — in hundredths of a
    /// percent (30% → 3000).
    pub percent_hundredths: i64,
    /// Sum of the allowances paid as coefficient × lương cơ sở: khu vực, độc hại, lưu động,
    /// trách nhiệm công việc… — hundredths.
    pub coefficient_hundredths: i64,
    /// Allowances set as a fixed amount of đồng.
    pub fixed_amount: i64,
}

/// One month's salary, component by component (rules.md A1, A4, order of computation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlySalary {
    pub base_salary: i64,
    /// (1) Mức lương = LCS × hệ số lương.
    pub salary: i64,
    /// (2) PCCV = LCS × hệ số PCCV.
    pub position_allowance: i64,
    /// (3) TNVK = % × hệ số bậc cuối × LCS.
    pub beyond_scale_allowance: i64,
    /// (4) Phụ cấp theo % = ((1) + (2) + (3)) × %.
    pub percent_allowances: i64,
    /// (5) Phụ cấp theo hệ số = LCS × hệ số.
    pub coefficient_allowances: i64,
    pub fixed_allowances: i64,
    pub total: i64,
}

/// The monthly salary for a coefficient (hundredths) and allowances, with the lương cơ sở in
/// force on `date`; each component rounded to the nearest đồng (see [`Rounding`]). `None` when
/// no lương cơ sở is known for the date.
pub fn monthly_salary(
    coefficient_hundredths: i64,
    allowances: &Allowances,
    date: Date,
) -> Option<MonthlySalary> {
    monthly_salary_with(
        coefficient_hundredths,
        allowances,
        date,
        Rounding::NearestDong,
    )
}

/// [`monthly_salary`] with an explicit rounding rule.
pub fn monthly_salary_with(
    coefficient_hundredths: i64,
    a: &Allowances,
    date: Date,
    rounding: Rounding,
) -> Option<MonthlySalary> {
    let lcs = i128::from(base_salary_on(date)?);
    let salary = match a.salary_percent_hundredths {
        None => rounding.apply(lcs * i128::from(coefficient_hundredths), 100),
        Some(p) => rounding.apply(
            lcs * i128::from(coefficient_hundredths) * i128::from(p),
            100 * 100 * 100,
        ),
    };
    let position_allowance = rounding.apply(lcs * i128::from(a.position_hundredths), 100);
    let beyond_scale_allowance = rounding.apply(
        lcs * i128::from(a.last_step_hundredths) * i128::from(a.beyond_scale_percent),
        100 * 100,
    );
    let percent_base = i128::from(salary + position_allowance + beyond_scale_allowance);
    let percent_allowances =
        rounding.apply(percent_base * i128::from(a.percent_hundredths), 100 * 100);
    let coefficient_allowances = rounding.apply(lcs * i128::from(a.coefficient_hundredths), 100);
    let total = salary
        + position_allowance
        + beyond_scale_allowance
        + percent_allowances
        + coefficient_allowances
        + a.fixed_amount;
    Some(MonthlySalary {
        base_salary: lcs as i64,
        salary,
        position_allowance,
        beyond_scale_allowance,
        percent_allowances,
        coefficient_allowances,
        fixed_allowances: a.fixed_amount,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn t() -> &'static SalaryTables {
        SalaryTables::embedded()
    }

    #[test]
    fn quick_checks_of_rules_md() {
        assert_eq!(t().coefficient(SalaryTable::B2, "A1", 3), Some(300));
        assert_eq!(t().coefficient(SalaryTable::B2, "A1", 9), Some(498));
        assert_eq!(t().coefficient(SalaryTable::B2, "A0", 10), Some(489));
        assert_eq!(t().coefficient(SalaryTable::B2, "B", 12), Some(406));
        assert_eq!(t().coefficient(SalaryTable::B2, "A3.1", 6), Some(800));
        assert_eq!(
            t().coefficient(SalaryTable::B1, "Chuyên gia cao cấp", 3),
            Some(1000)
        );
        assert_eq!(t().coefficient(SalaryTable::B2, "A1", 1), Some(234));
        assert_eq!(t().coefficient(SalaryTable::B2, "A1", 0), None);
        assert_eq!(t().coefficient(SalaryTable::B2, "A1", 10), None);
        assert_eq!(t().coefficient(SalaryTable::B2, "Z9", 1), None);
        // B2 and B3 differ only in C2/C3.
        assert_eq!(t().coefficient(SalaryTable::B2, "C3", 1), Some(135));
        assert_eq!(t().coefficient(SalaryTable::B3, "C3", 1), Some(150));
        assert_eq!(t().coefficient(SalaryTable::B3, "C2", 1), Some(200));
    }

    #[test]
    fn step_structure() {
        for (g, n, inc) in [
            ("A3.1", 6, 36),
            ("A3.2", 6, 36),
            ("A2.1", 8, 34),
            ("A2.2", 8, 34),
            ("A1", 9, 33),
            ("A0", 10, 31),
            ("B", 12, 20),
            ("C1", 12, 18),
        ] {
            for table in [SalaryTable::B2, SalaryTable::B3] {
                assert_eq!(t().max_step(table, g), Some(n), "{table} {g}");
                let v = t().steps_of(table, g).unwrap();
                assert!(v.windows(2).all(|w| w[1] - w[0] == inc), "{table} {g}");
            }
        }
        assert_eq!(t().groups().count(), 22);
        assert!(!t().position_allowances().is_empty());
    }

    #[test]
    fn grades_map_to_groups() {
        let cv = salary_group_of("01.003").unwrap();
        assert_eq!(cv, SalaryGroupRef::new(SalaryTable::B2, "A1"));
        assert_eq!(cv.step_interval_months(), 36);
        assert_eq!(
            salary_group_of("V.07.05.15"),
            Some(SalaryGroupRef::new(SalaryTable::B3, "A1"))
        );
        assert_eq!(
            salary_group_of("V.08.05.13"),
            Some(SalaryGroupRef::new(SalaryTable::B3, "B"))
        );
        assert_eq!(
            salary_group_of("01.005").unwrap().step_interval_months(),
            24
        );
        assert_eq!(salary_group_of("nope"), None);
        assert_eq!(grade_name("01.003"), Some("Chuyên viên"));
        // Every mapped grade has a real scale.
        for (code, g) in grade_groups() {
            assert!(t().max_step(g.table, &g.group).is_some(), "{code}");
        }
    }

    #[test]
    fn transfer_keeps_at_least_the_coefficient() {
        // A1 step 6 = 3.99 → A2.1 (4.40, 4.74, …): step 1.
        assert_eq!(t().step_on_transfer(SalaryTable::B2, "A2.1", 399), Some(1));
        // A1 step 9 = 4.98 → A2.1 step 3 (5.08).
        assert_eq!(t().step_on_transfer(SalaryTable::B2, "A2.1", 498), Some(3));
        assert_eq!(t().step_on_transfer(SalaryTable::B2, "A1", 9999), Some(9));
    }

    #[test]
    fn base_salary_by_date() {
        assert_eq!(base_salary_on(date!(2018 - 06 - 30)), None);
        assert_eq!(base_salary_on(date!(2018 - 07 - 01)), Some(1_390_000));
        assert_eq!(base_salary_on(date!(2021 - 01 - 01)), Some(1_490_000));
        assert_eq!(base_salary_on(date!(2023 - 07 - 01)), Some(1_800_000));
        assert_eq!(base_salary_on(date!(2026 - 06 - 30)), Some(2_340_000));
        assert_eq!(base_salary_on(date!(2026 - 07 - 01)), Some(2_530_000));
        assert_eq!(base_salary_on(date!(2030 - 01 - 01)), Some(2_530_000));
    }

    #[test]
    fn chuyen_vien_step_3() {
        // Chuyên viên 01.003, A1 step 3 = 3.00 × 2.340.000 = 7.020.000 đ before 01/7/2026.
        let c = t().coefficient(SalaryTable::B2, "A1", 3).unwrap();
        let m = monthly_salary(c, &Allowances::default(), date!(2026 - 06 - 15)).unwrap();
        assert_eq!(m.salary, 7_020_000);
        assert_eq!(m.total, 7_020_000);
        let m = monthly_salary(c, &Allowances::default(), date!(2026 - 07 - 01)).unwrap();
        assert_eq!(m.salary, 7_590_000);
    }

    #[test]
    fn example_a6_of_rules_md() {
        // July 2026: A1 step 3, PCCV 0.20, ưu đãi nghề 30%.
        let a = Allowances {
            position_hundredths: 20,
            percent_hundredths: 3000,
            ..Allowances::default()
        };
        let m = monthly_salary(300, &a, date!(2026 - 07 - 10)).unwrap();
        assert_eq!(m.base_salary, 2_530_000);
        assert_eq!(m.salary, 7_590_000);
        assert_eq!(m.position_allowance, 506_000);
        assert_eq!(m.percent_allowances, 2_428_800);
        assert_eq!(m.total, 7_590_000 + 506_000 + 2_428_800);

        // TNVK 8% on A1 step 9 (4.98): 1.007.952 đ.
        let a = Allowances {
            beyond_scale_percent: 8,
            last_step_hundredths: 498,
            ..Allowances::default()
        };
        let m = monthly_salary(498, &a, date!(2026 - 07 - 01)).unwrap();
        assert_eq!(m.beyond_scale_allowance, 1_007_952);
        assert_eq!(m.salary, 12_599_400);
    }

    #[test]
    fn a_share_of_the_salary_during_probation() {
        // 85% of A1 step 1: 2,34 × 2.530.000 × 85% = 5.032.170 đ; the allowances in full.
        let a = Allowances {
            salary_percent_hundredths: Some(8500),
            position_hundredths: 10,
            ..Allowances::default()
        };
        let m = monthly_salary(234, &a, date!(2026 - 07 - 01)).unwrap();
        assert_eq!(m.salary, 5_032_170);
        assert_eq!(m.position_allowance, 253_000);
        assert_eq!(m.total, 5_032_170 + 253_000);
    }

    #[test]
    fn coefficient_allowances_and_rounding() {
        // Khu vực 0,1 × 1.490.000 = 149.000; thâm niên nghề 7% of 2,67 × 1.490.000 = 3.978.300
        // → 278.481 đ exactly.
        let a = Allowances {
            coefficient_hundredths: 10,
            percent_hundredths: 700,
            fixed_amount: 50_000,
            ..Allowances::default()
        };
        let m = monthly_salary(267, &a, date!(2022 - 03 - 01)).unwrap();
        assert_eq!(m.salary, 3_978_300);
        assert_eq!(m.coefficient_allowances, 149_000);
        assert_eq!(m.percent_allowances, 278_481);
        assert_eq!(m.total, 3_978_300 + 149_000 + 278_481 + 50_000);
        // 2,34 × 1.390.000 = 3.252.600; × 3,33% = 108.311,58 → depends on the rounding.
        let a = Allowances {
            percent_hundredths: 333,
            ..Allowances::default()
        };
        let d = date!(2019 - 01 - 01);
        let up = monthly_salary_with(234, &a, d, Rounding::NearestDong).unwrap();
        let down = monthly_salary_with(234, &a, d, Rounding::DownToDong).unwrap();
        let k = monthly_salary_with(234, &a, d, Rounding::NearestThousand).unwrap();
        // 3.252.600 × 3,33% = 108.311,58
        assert_eq!(up.percent_allowances, 108_312);
        assert_eq!(down.percent_allowances, 108_311);
        assert_eq!(k.percent_allowances, 108_000);
        assert_eq!(monthly_salary(234, &a, date!(2010 - 01 - 01)), None);
    }

    #[test]
    fn parse_rejects_gaps_and_bad_numbers() {
        let ok = "table\tgroup\tstep\tcoefficient\nB2\tA1\t1\t2,34\nB2\tA1\t2\t2.67\n";
        let t = SalaryTables::parse(ok).unwrap();
        assert_eq!(t.coefficient(SalaryTable::B2, "A1", 2), Some(267));
        let gap = "table\tgroup\tstep\tcoefficient\nB2\tA1\t1\t2.34\nB2\tA1\t3\t3.00\n";
        assert_eq!(SalaryTables::parse(gap).unwrap_err().line, 3);
        let bad = "table\tgroup\tstep\tcoefficient\nB2\tA1\t1\tabc\n";
        assert!(SalaryTables::parse(bad).is_err());
        assert_eq!(parse_hundredths("10"), Some(1000));
        assert_eq!(parse_hundredths("0.5"), Some(50));
        assert_eq!(parse_hundredths("1.234"), None);
    }
}
