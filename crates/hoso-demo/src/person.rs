//! The person generator: one synthetic record per call, built straight into a JSON map.

use hoso_domain::org::{OrgUnitKind, PersonStatus};
use hoso_domain::salary::{SalaryTables, grade_name, salary_group_of};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};
use time::Date;

use crate::codes::{self, Tsv};
use crate::names::*;
use crate::tree::{PROVINCE_CODE, PROVINCE_SHORT};
use crate::{DemoPerson, DemoUnit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sector {
    ProvincialAgency,
    CommuneOffice,
    Preschool,
    Primary,
    LowerSecondary,
    UpperSecondary,
    Hospital,
    HealthStation,
    Centre,
}

impl Sector {
    fn female_share(self) -> f64 {
        match self {
            Sector::Preschool => 0.97,
            Sector::Primary => 0.82,
            Sector::LowerSecondary => 0.72,
            Sector::UpperSecondary => 0.62,
            Sector::Hospital | Sector::HealthStation => 0.66,
            Sector::CommuneOffice => 0.40,
            Sector::ProvincialAgency => 0.46,
            Sector::Centre => 0.50,
        }
    }
    fn is_education(self) -> bool {
        matches!(
            self,
            Sector::Preschool | Sector::Primary | Sector::LowerSecondary | Sector::UpperSecondary
        )
    }
}

/// A grade a person can hold, resolved against the salary tables once.
struct Grade {
    code: &'static str,
    name: &'static str,
    coefs: &'static [i64],
    interval: i32,
    group_is_a: bool,
    degree: Degree,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Degree {
    Secondary,
    College,
    University,
}

/// One grade choice of a sector: (grade index, weight, junior grade index for promotions).
#[derive(Clone, Copy)]
struct GradeOpt {
    grade: usize,
    weight: u32,
    junior: Option<usize>,
}

struct Leaf {
    key: usize,
    sector: Sector,
    /// "Phòng X – Sở Y", used in work history rows.
    label: String,
    /// The top-level agency or commune name.
    top: String,
    weight: f64,
    head: Option<&'static str>,
    deputy: Option<&'static str>,
    duty: &'static str,
}

#[derive(Clone, Copy)]
struct Codes {
    gdpt_12: Option<&'static str>,
    he_chinh_quy: Option<&'static str>,
    degree: [Option<&'static str>; 5], // trung cấp, cao đẳng, đại học, thạc sĩ, tiến sĩ
    llct_trung: Option<&'static str>,
    llct_cao: Option<&'static str>,
    llct_so: Option<&'static str>,
    qlnn_cv: Option<&'static str>,
    qlnn_cvc: Option<&'static str>,
    /// [kind][level]: kinds cong_chuc, vien_chuc, nd90 (history), dang_vien; levels xuất sắc,
    /// tốt, hoàn thành, không hoàn thành.
    rating: [[Option<&'static str>; 4]; 4],
    ldtt: Option<&'static str>,
    cstdcs: Option<&'static str>,
    giay_khen: Option<&'static str>,
    rel_father: Option<&'static str>,
    rel_mother: Option<&'static str>,
    rel_wife: Option<&'static str>,
    rel_husband: Option<&'static str>,
    rel_child: Option<&'static str>,
    rel_brother: Option<&'static str>,
    rel_sister: Option<&'static str>,
    rel_younger: Option<&'static str>,
    religion_none: Option<&'static str>,
}

/// Generates synthetic people for the units of a [`province_tree`](crate::province_tree).
///
/// Deterministic for a seed. Số định danh are unique across the whole run of one generator:
/// the six-digit serial is a keyed permutation of a counter kept per (province of birth, sex
/// and century, year of birth) prefix, so two people can only share an id if one prefix held
/// more than a million people.
pub struct PersonGenerator {
    rng: SmallRng,
    today: Date,
    today_mi: i32,
    leaves: Vec<Leaf>,
    leaf_cum: Vec<f64>,
    grades: Vec<Grade>,
    sector_grades: Vec<(Sector, Vec<GradeOpt>, u32)>,
    codes: Codes,
    surname_cum: Vec<u32>,
    ethnic: Vec<(&'static str, u32, u8)>, // code, cumulative weight, naming style
    religions: Vec<(Option<&'static str>, u32)>,
    /// (old code padded to 3 digits, new province code, cumulative weight)
    birth_provinces: Vec<(String, &'static str, &'static str, u32)>,
    communes: Vec<String>,
    id_counters: Vec<u32>,
    id_keys: [u32; 4],
    people: u64,
}

fn mi_of(d: Date) -> i32 {
    d.year() * 12 + (d.month() as i32 - 1)
}

fn ym(mi: i32) -> String {
    let (y, m) = (mi.div_euclid(12), mi.rem_euclid(12) + 1);
    let mut s = String::with_capacity(7);
    push_num(&mut s, y as u32, 4);
    s.push('-');
    push_num(&mut s, m as u32, 2);
    s
}

fn ymd_mi(mi: i32, day: u8) -> String {
    let mut s = ym(mi);
    s.push('-');
    push_num(&mut s, day as u32, 2);
    s
}

fn push_num(s: &mut String, mut v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    s.push_str(std::str::from_utf8(&buf[..width]).expect("ascii digits"));
}

fn days_in_month(mi: i32) -> u8 {
    let (y, m) = (mi.div_euclid(12), mi.rem_euclid(12) + 1);
    time::util::days_in_month(time::Month::try_from(m as u8).expect("month 1..=12"), y)
}

/// Retirement age in months for a year (NĐ 135/2020 Điều 4: men 60y3m in 2021 rising 3 months
/// a year to 62 in 2028; women 55y4m in 2021 rising 4 months a year to 60 in 2035).
fn retirement_age_months(female: bool, year: i32) -> i32 {
    let k = (year - 2020).max(0);
    if female {
        (660 + 4 * k).min(720)
    } else {
        (720 + 3 * k).min(744)
    }
}

/// The month after which a person retires: the first year in which they reach that year's age.
fn retirement_mi(female: bool, birth_mi: i32) -> i32 {
    let by = birth_mi.div_euclid(12);
    for y in by + 55..by + 64 {
        let m = birth_mi + retirement_age_months(female, y);
        if m.div_euclid(12) <= y {
            return m;
        }
    }
    birth_mi + retirement_age_months(female, by + 64)
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn coef_value(h: i64) -> Value {
    // Two decimals: 234 → 2.34 (the f64 nearest to the decimal, printed as 2.34).
    Value::from(h as f64 / 100.0)
}

struct Obj(Map<String, Value>);

impl Obj {
    fn new() -> Self {
        Obj(Map::with_capacity(8))
    }
    fn put(&mut self, k: &str, v: Value) -> &mut Self {
        self.0.insert(k.to_string(), v);
        self
    }
    fn opt(&mut self, k: &str, v: Option<&'static str>) -> &mut Self {
        if let Some(v) = v {
            self.0.insert(k.to_string(), Value::String(v.to_string()));
        }
        self
    }
    /// Hands the object over; the next one starts with room for a typical row so that it is
    /// not rehashed while it grows.
    fn done(&mut self) -> Value {
        Value::Object(std::mem::replace(&mut self.0, Map::with_capacity(8)))
    }
}

fn cum<T>(items: &[T], w: impl Fn(&T) -> u32) -> Vec<u32> {
    let mut acc = 0;
    items
        .iter()
        .map(|i| {
            acc += w(i);
            acc
        })
        .collect()
}

/// The field of study a health chức danh nghề nghiệp requires (TT 10/2015/TTLT-BYT-BNV,
/// TT 26/2015/TTLT-BYT-BNV, TT 27/2015/TTLT-BYT-BNV…): a bác sĩ studied medicine, a nurse
/// nursing. `None` for codes outside health.
fn health_major(code: &str) -> Option<&'static str> {
    let family = code.get(..7)?;
    Some(match family {
        "V.08.01" => "Y đa khoa",
        "V.08.02" => "Y học dự phòng",
        "V.08.03" => "Y sĩ đa khoa",
        "V.08.04" => "Y tế công cộng",
        "V.08.05" => "Điều dưỡng",
        "V.08.06" => "Hộ sinh",
        "V.08.07" => "Kỹ thuật xét nghiệm y học",
        "V.08.08" => "Dược",
        "V.08.09" => "Dinh dưỡng",
        "V.08.10" => "Dân số",
        _ => return None,
    })
}

fn pick_cum(rng: &mut SmallRng, cum: &[u32]) -> usize {
    let total = *cum.last().expect("non-empty weights");
    let x = rng.gen_range(0..total);
    cum.partition_point(|&c| c <= x)
}

impl PersonGenerator {
    /// Prepares lookup tables for `units` (a tree from [`province_tree`](crate::province_tree)).
    /// People are placed in leaf units (units without children), never at the root.
    pub fn new(seed: u64, units: &[DemoUnit], today: Date) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let id_keys = [rng.r#gen(), rng.r#gen(), rng.r#gen(), rng.r#gen()];

        // --- grades
        let tables = SalaryTables::embedded();
        let mut grades: Vec<Grade> = Vec::new();
        let mut grade_ix = |code: &'static str| -> Option<usize> {
            if let Some(i) = grades.iter().position(|g| g.code == code) {
                return Some(i);
            }
            let g = salary_group_of(code)?;
            let coefs = tables.steps_of(g.table, &g.group)?;
            let degree = if g.group.starts_with('A') && g.group != "A0" {
                Degree::University
            } else if g.group == "A0" {
                Degree::College
            } else {
                Degree::Secondary
            };
            grades.push(Grade {
                code,
                name: grade_name(code).unwrap_or(code),
                coefs,
                interval: g.step_interval_months() as i32,
                group_is_a: g.group.starts_with('A'),
                degree,
            });
            Some(grades.len() - 1)
        };
        // (code, weight, junior code)
        type Spec = &'static [(&'static str, u32, Option<&'static str>)];
        let agency: Spec = &[
            ("01.003", 600, None),
            ("01.002", 150, Some("01.003")),
            ("01.001", 5, Some("01.002")),
            ("01.004", 70, None),
            ("01.005", 30, None),
            ("02.007", 40, None),
            ("06.031", 50, None),
            ("04.025", 20, None),
            ("21.189", 15, None),
        ];
        let commune: Spec = &[
            ("01.003", 700, None),
            ("01.002", 80, Some("01.003")),
            ("01.004", 100, None),
            ("02.007", 40, None),
            ("06.031", 60, None),
        ];
        let preschool: Spec = &[
            ("V.07.02.26", 450, None),
            ("V.07.02.25", 400, Some("V.07.02.26")),
            ("V.07.02.24", 50, Some("V.07.02.25")),
            ("V.07.02.06", 50, None),
            ("V.07.07.21", 20, None),
        ];
        let primary: Spec = &[
            ("V.07.03.29", 550, None),
            ("V.07.03.28", 350, Some("V.07.03.29")),
            ("V.07.03.27", 50, Some("V.07.03.28")),
            ("V.07.07.20", 25, None),
            ("V.07.07.21", 25, None),
        ];
        let lower: Spec = &[
            ("V.07.04.32", 550, None),
            ("V.07.04.31", 350, Some("V.07.04.32")),
            ("V.07.04.30", 50, Some("V.07.04.31")),
            ("V.07.07.20", 25, None),
            ("V.07.07.21", 25, None),
        ];
        let upper: Spec = &[
            ("V.07.05.15", 550, None),
            ("V.07.05.14", 350, Some("V.07.05.15")),
            ("V.07.05.13", 50, Some("V.07.05.14")),
            ("V.07.07.20", 25, None),
            ("V.07.07.21", 25, None),
        ];
        let hospital: Spec = &[
            ("V.08.01.03", 150, None),
            ("V.08.01.02", 80, Some("V.08.01.03")),
            ("V.08.01.01", 5, Some("V.08.01.02")),
            ("V.08.05.12", 200, None),
            ("V.08.05.13", 170, None),
            ("V.08.05.11", 20, Some("V.08.05.12")),
            ("V.08.06.15", 40, None),
            ("V.08.06.16", 30, None),
            ("V.08.07.18", 60, None),
            ("V.08.07.19", 40, None),
            ("V.08.08.22", 40, None),
            ("V.08.08.23", 40, None),
            ("V.08.09.25", 10, None),
            ("V.08.04.10", 15, None),
        ];
        let station: Spec = &[
            ("V.08.03.07", 300, None),
            ("V.08.01.03", 150, None),
            ("V.08.05.13", 200, None),
            ("V.08.06.16", 120, None),
            ("V.08.08.23", 80, None),
            ("V.08.10.28", 80, None),
            ("V.08.02.06", 40, None),
        ];
        let centre: Spec = &[
            ("V.05.02.07", 120, None),
            ("V.05.02.06", 30, Some("V.05.02.07")),
            ("V.05.01.03", 60, None),
            ("V.03.01.02", 60, None),
            ("V.06.01.02", 60, None),
            ("V.06.05.14", 40, None),
            ("V.10.02.06", 40, None),
            ("V.10.07.23", 40, None),
            ("V.10.01.03", 20, None),
            ("V.09.04.02", 60, None),
            ("V.11.02.06", 40, None),
            ("V.11.01.03", 30, None),
            ("V.02.01.02", 20, None),
            ("V.04.01.03", 20, None),
        ];
        let mut sector_grades = Vec::new();
        for (sector, spec) in [
            (Sector::ProvincialAgency, agency),
            (Sector::CommuneOffice, commune),
            (Sector::Preschool, preschool),
            (Sector::Primary, primary),
            (Sector::LowerSecondary, lower),
            (Sector::UpperSecondary, upper),
            (Sector::Hospital, hospital),
            (Sector::HealthStation, station),
            (Sector::Centre, centre),
        ] {
            let mut opts = Vec::new();
            for (code, w, junior) in spec {
                // Grades whose salary group the catalog does not (yet) give are skipped.
                let Some(g) = grade_ix(code) else { continue };
                let junior = junior.and_then(&mut grade_ix);
                opts.push(GradeOpt {
                    grade: g,
                    weight: *w,
                    junior,
                });
            }
            assert!(!opts.is_empty(), "no usable grade for {sector:?}");
            let total = opts.iter().map(|o| o.weight).sum();
            sector_grades.push((sector, opts, total));
        }

        // --- catalog codes, by name
        let td = Tsv::parse(codes::TRINH_DO);
        let dg = Tsv::parse(codes::DANH_GIA);
        let kt = Tsv::parse(codes::KHEN_THUONG);
        let qh = Tsv::parse(codes::QUAN_HE);
        let tg = Tsv::parse(codes::TON_GIAO);
        let levels = [
            "Hoàn thành xuất sắc nhiệm vụ",
            "Hoàn thành tốt nhiệm vụ",
            "Hoàn thành nhiệm vụ",
            "Không hoàn thành nhiệm vụ",
        ];
        let rating_row = |kind: &str| levels.map(|l| dg.code(Some(kind), l));
        let codes = Codes {
            gdpt_12: td.code(Some("giao_duc_pho_thong"), "12/12"),
            he_chinh_quy: td.code(Some("he_giao_duc_pho_thong"), "Chính quy"),
            degree: ["Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ"]
                .map(|n| td.code(Some("trinh_do_dao_tao"), n)),
            llct_trung: td.code(Some("ly_luan_chinh_tri"), "Trung cấp"),
            llct_cao: td.code(Some("ly_luan_chinh_tri"), "Cao cấp"),
            llct_so: td.code(Some("ly_luan_chinh_tri"), "Sơ cấp"),
            qlnn_cv: td.code(Some("quan_ly_nha_nuoc"), "Chuyên viên"),
            qlnn_cvc: td.code(Some("quan_ly_nha_nuoc"), "Chuyên viên chính"),
            rating: [
                rating_row("cong_chuc"),
                rating_row("vien_chuc"),
                rating_row("cbccvc_nd90_2020_lich_su"),
                rating_row("dang_vien"),
            ],
            ldtt: kt.code(Some("danh_hieu_thi_dua_ca_nhan"), "Lao động tiên tiến"),
            cstdcs: kt.code(Some("danh_hieu_thi_dua_ca_nhan"), "Chiến sĩ thi đua cơ sở"),
            giay_khen: kt.code(Some("hinh_thuc_khen_thuong"), "Giấy khen"),
            rel_father: qh.code(Some("ban_than"), "Cha"),
            rel_mother: qh.code(Some("ban_than"), "Mẹ"),
            rel_wife: qh
                .code(Some("ban_than"), "Vợ")
                .or_else(|| qh.code(Some("ban_than"), "Vợ (hoặc chồng)")),
            rel_husband: qh
                .code(Some("ban_than"), "Chồng")
                .or_else(|| qh.code(Some("ban_than"), "Vợ (hoặc chồng)")),
            rel_child: qh
                .code(Some("ban_than"), "Con")
                .or_else(|| qh.code(Some("ban_than"), "Các con")),
            rel_brother: qh
                .code(Some("ban_than"), "Anh ruột")
                .or_else(|| qh.code(Some("ban_than"), "Anh chị em ruột")),
            rel_sister: qh
                .code(Some("ban_than"), "Chị ruột")
                .or_else(|| qh.code(Some("ban_than"), "Anh chị em ruột")),
            rel_younger: qh
                .code(Some("ban_than"), "Em ruột")
                .or_else(|| qh.code(Some("ban_than"), "Anh chị em ruột")),
            religion_none: tg.code(None, "Không theo tôn giáo nào"),
        };

        // --- leadership titles from chuc_vu.tsv, written as a person would (the field is free
        // text; the catalog only suggests)
        let cv = Tsv::parse(codes::CHUC_VU);
        let title = |prefix: &str, scope: &str| -> Option<&'static str> {
            cv.find(prefix, "pham_vi_ap_dung", scope)
                .map(|r| cv.get(r, "name_vi"))
                .filter(|c| !c.is_empty())
        };
        let t_head_dept = title("Trưởng phòng thuộc Sở", "");
        let t_dep_dept = title("Phó Trưởng phòng thuộc Sở", "");
        let t_head_commune_dept = title(
            "Trưởng phòng chuyên môn thuộc Ủy ban nhân dân xã",
            "còn lại",
        );
        let t_dep_commune_dept = title(
            "Phó trưởng phòng chuyên môn thuộc Ủy ban nhân dân xã",
            "còn lại",
        );
        let t_principal = title("Hiệu trưởng", "");
        let t_vice_principal = title("Phó hiệu trưởng", "");
        let t_head_khoa = title("Trưởng khoa", "");
        let t_dep_khoa = title("Phó Trưởng khoa", "");
        let t_head_station = title("Trưởng trạm Y tế", "");
        let t_dep_station = title("Phó Trưởng trạm Y tế", "");
        let t_dir_psu = title("Giám đốc đơn vị sự nghiệp công lập", "");
        let t_dep_psu = title("Phó Giám đốc đơn vị sự nghiệp công lập", "");

        // --- leaves
        let mut has_child = vec![false; units.len()];
        for u in units {
            if let Some(p) = u.parent {
                has_child[p] = true;
            }
        }
        let top_of = |mut k: usize| -> usize {
            while let Some(p) = units[k].parent {
                if units[p].parent.is_none() {
                    return k;
                }
                k = p;
            }
            k
        };
        let mut leaves = Vec::new();
        let mut communes = Vec::new();
        for u in units {
            if u.kind == OrgUnitKind::Commune {
                communes.push(u.name.clone());
            }
            if has_child[u.key] || u.parent.is_none() {
                continue;
            }
            let top = &units[top_of(u.key)];
            let parent = &units[u.parent.expect("non-root")];
            let n = u.name.as_str();
            let in_health = top.name == "Sở Y tế";
            let (sector, weight, head, deputy, duty) = if n.starts_with("Trường Mầm non") {
                (
                    Sector::Preschool,
                    1.0,
                    t_principal,
                    t_vice_principal,
                    "Chăm sóc, giáo dục trẻ mầm non",
                )
            } else if n.starts_with("Trường Tiểu học") {
                (
                    Sector::Primary,
                    1.2,
                    t_principal,
                    t_vice_principal,
                    "Giảng dạy các môn học cấp tiểu học",
                )
            } else if n.starts_with("Trường THCS") {
                (
                    Sector::LowerSecondary,
                    1.2,
                    t_principal,
                    t_vice_principal,
                    "Giảng dạy bộ môn cấp trung học cơ sở",
                )
            } else if n.starts_with("Trường THPT") || n.starts_with("Trường Phổ thông") {
                (
                    Sector::UpperSecondary,
                    1.8,
                    t_principal,
                    t_vice_principal,
                    "Giảng dạy bộ môn cấp trung học phổ thông",
                )
            } else if n.starts_with("Trạm Y tế") {
                (
                    Sector::HealthStation,
                    0.35,
                    t_head_station,
                    t_dep_station,
                    "Khám, chữa bệnh ban đầu và y tế dự phòng tại xã",
                )
            } else if in_health
                && u.kind == OrgUnitKind::Department
                && parent.kind == OrgUnitKind::PublicServiceUnit
            {
                let w = if n.starts_with("Khoa") { 1.3 } else { 0.6 };
                (
                    Sector::Hospital,
                    w,
                    t_head_khoa,
                    t_dep_khoa,
                    "Khám bệnh, chữa bệnh và chăm sóc người bệnh",
                )
            } else if in_health && u.kind == OrgUnitKind::PublicServiceUnit {
                (
                    Sector::Hospital,
                    0.8,
                    t_dir_psu,
                    t_dep_psu,
                    "Thực hiện chuyên môn y tế",
                )
            } else if u.kind == OrgUnitKind::PublicServiceUnit
                || parent.kind == OrgUnitKind::PublicServiceUnit
            {
                let (h, d) = if parent.kind == OrgUnitKind::PublicServiceUnit {
                    (t_head_khoa, t_dep_khoa)
                } else {
                    (t_dir_psu, t_dep_psu)
                };
                if n.starts_with("Trung tâm Phục vụ hành chính công")
                    && top.kind == OrgUnitKind::Commune
                {
                    (
                        Sector::CommuneOffice,
                        0.4,
                        None,
                        None,
                        "Tiếp nhận, trả kết quả thủ tục hành chính",
                    )
                } else if top.name.contains("Giáo dục") || n.starts_with("Trung tâm Giáo dục")
                {
                    (Sector::UpperSecondary, 1.0, h, d, "Giảng dạy bộ môn")
                } else {
                    (
                        Sector::Centre,
                        0.7,
                        h,
                        d,
                        "Thực hiện nhiệm vụ chuyên môn của đơn vị",
                    )
                }
            } else if top.kind == OrgUnitKind::Commune {
                (
                    Sector::CommuneOffice,
                    0.6,
                    t_head_commune_dept,
                    t_dep_commune_dept,
                    "Tham mưu quản lý nhà nước tại xã, phường",
                )
            } else {
                (
                    Sector::ProvincialAgency,
                    0.55,
                    t_head_dept,
                    t_dep_dept,
                    "Tham mưu, giúp việc quản lý nhà nước về lĩnh vực được phân công",
                )
            };
            let label = if top.key == u.key {
                u.name.clone()
            } else if parent.key == top.key {
                format!("{} – {}", u.name, top.name)
            } else {
                format!("{} – {} – {}", u.name, parent.name, top.name)
            };
            leaves.push(Leaf {
                key: u.key,
                sector,
                label,
                top: top.name.clone(),
                weight,
                head,
                deputy,
                duty,
            });
        }
        assert!(!leaves.is_empty(), "the tree has no unit below the root");
        let mut acc = 0.0;
        let leaf_cum = leaves
            .iter()
            .map(|l| {
                acc += l.weight;
                acc
            })
            .collect();
        if communes.is_empty() {
            communes.push(format!("Phường {PROVINCE_SHORT}"));
        }

        // --- ethnicity (Lâm Đồng: Kinh, highland groups, northern migrants, Chăm, Hoa)
        let dt = Tsv::parse(codes::DAN_TOC);
        let eth_spec: &[(&str, u32, u8)] = &[
            ("Kinh", 8600, 0),
            ("Cơ-ho", 420, 1),
            ("Mạ", 90, 1),
            ("Chu-ru", 70, 1),
            ("Mnông", 110, 1),
            ("Ra-glai", 50, 1),
            ("Chăm", 90, 2),
            ("Hoa", 110, 3),
            ("Tày", 160, 4),
            ("Nùng", 160, 4),
            ("H'mông", 50, 4),
            ("Dao", 40, 4),
            ("Mường", 30, 4),
            ("Thái", 20, 4),
        ];
        let mut ethnic = Vec::new();
        let mut acc = 0;
        for (name, w, style) in eth_spec {
            if let Some(c) = dt.code(None, name) {
                acc += w;
                ethnic.push((c, acc, *style));
            }
        }
        assert!(!ethnic.is_empty(), "dan_toc.tsv has no usable code");

        let mut religions = Vec::new();
        let mut acc = 0;
        for (name, w) in [
            ("Phật giáo", 900),
            ("Công giáo", 900),
            ("Tin Lành", 200),
            ("Cao Đài", 60),
        ] {
            if let Some(c) = tg.code(None, name) {
                acc += w;
                religions.push((Some(c), acc));
            }
        }
        // Most people follow no religion; that needs a catalog code, otherwise the field is
        // left out.
        acc += 7940;
        religions.push((codes.religion_none, acc));

        // --- provinces of birth (old codes, as in the số định danh)
        let tc = Tsv::parse(codes::TINH_CU);
        let mut birth_provinces = Vec::new();
        let mut acc = 0;
        for r in 0..tc.len() {
            let code = tc.get(r, "code");
            let new = tc.get(r, "merged_into_code");
            if code.is_empty() || new.is_empty() {
                continue;
            }
            let w = match code {
                "68" => 3200,
                "60" => 2400,
                "67" => 1100,
                "40" | "42" | "38" | "34" | "36" | "52" | "49" => 200,
                "79" | "46" | "66" | "58" | "75" | "01" => 100,
                _ => 12,
            };
            acc += w;
            birth_provinces.push((format!("{code:0>3}"), new, tc.get(r, "name_vi"), acc));
        }

        let surname_cum = cum(SURNAMES, |s| s.1);
        PersonGenerator {
            rng,
            today,
            today_mi: mi_of(today),
            leaves,
            leaf_cum,
            grades,
            sector_grades,
            codes,
            surname_cum,
            ethnic,
            religions,
            birth_provinces,
            communes,
            id_counters: vec![0; 1000 * 4 * 100],
            id_keys,
            people: 0,
        }
    }

    /// A keyed permutation of 0..1_000_000 (a three-round Feistel network on two base-1000
    /// halves), so serials look random but never repeat.
    fn permute(&self, n: u32) -> u32 {
        let (mut l, mut r) = (n / 1000, n % 1000);
        for k in &self.id_keys[..3] {
            let f = (r.wrapping_mul(2_654_435_761) ^ k).wrapping_mul(40_503) >> 7;
            let nl = r;
            r = (l + f % 1000) % 1000;
            l = nl;
        }
        l * 1000 + r
    }

    fn national_id(&mut self, prov_ix: usize, female: bool, birth_year: i32) -> String {
        let (old, _, _, _) = &self.birth_provinces[prov_ix];
        let prov: usize = old.parse().expect("numeric province code");
        let century_sex = match (birth_year >= 2000, female) {
            (false, false) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (true, true) => 3,
        };
        let yy = birth_year.rem_euclid(100) as usize;
        let slot = (prov * 4 + century_sex as usize) * 100 + yy;
        let n = self.id_counters[slot];
        assert!(
            n < 1_000_000,
            "more than a million people share one id prefix"
        );
        self.id_counters[slot] = n + 1;
        let serial = self.permute(n);
        let mut id = String::with_capacity(12);
        id.push_str(old);
        push_num(&mut id, century_sex, 1);
        push_num(&mut id, yy as u32, 2);
        push_num(&mut id, serial, 6);
        id
    }

    fn pick(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.rng.gen_range(0..xs.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    fn address(&mut self, province: &'static str, commune: String, detail: bool) -> Value {
        let mut o = Obj::new();
        o.put("province_code", s(province));
        o.put("commune", Value::String(commune));
        if detail {
            let mut d = String::with_capacity(32);
            if self.chance(0.6) {
                d.push_str("Số ");
                push_num(
                    &mut d,
                    self.rng.gen_range(1..300),
                    1 + (self.rng.gen_range(0..3)),
                );
                d.push_str(", đường ");
                d.push_str(self.pick(STREETS));
            } else {
                d.push_str("Thôn ");
                push_num(&mut d, self.rng.gen_range(1..15), 1);
            }
            o.put("detail", Value::String(d));
        }
        o.done()
    }

    fn person_name(&mut self, female: bool, style: u8) -> String {
        let mut n = String::with_capacity(24);
        match style {
            1 => {
                n.push_str(self.pick(SURNAMES_HIGHLAND));
                n.push_str(if female { " Ka " } else { " K'" });
                n.push_str(self.pick(GIVEN_HIGHLAND));
                return n;
            }
            2 => n.push_str(self.pick(SURNAMES_CHAM)),
            3 => n.push_str(self.pick(SURNAMES_HOA)),
            4 => n.push_str(self.pick(SURNAMES_NORTH_MINORITY)),
            _ => {
                let i = pick_cum(&mut self.rng, &self.surname_cum);
                n.push_str(SURNAMES[i].0);
            }
        }
        n.push(' ');
        n.push_str(self.pick(if female { MIDDLE_FEMALE } else { MIDDLE_MALE }));
        n.push(' ');
        n.push_str(self.pick(if female { GIVEN_FEMALE } else { GIVEN_MALE }));
        n
    }

    fn kinh_name(&mut self, female: bool, surname: Option<&str>) -> String {
        let mut n = String::with_capacity(24);
        match surname {
            Some(s) => n.push_str(s),
            None => {
                let i = pick_cum(&mut self.rng, &self.surname_cum);
                n.push_str(SURNAMES[i].0);
            }
        }
        n.push(' ');
        n.push_str(self.pick(if female { MIDDLE_FEMALE } else { MIDDLE_MALE }));
        n.push(' ');
        n.push_str(self.pick(if female { GIVEN_FEMALE } else { GIVEN_MALE }));
        n
    }

    /// The next synthetic person.
    pub fn next_person(&mut self) -> DemoPerson {
        self.people += 1;
        let today_mi = self.today_mi;

        // Unit and sector.
        let total = *self.leaf_cum.last().expect("leaves");
        let x = self.rng.gen_range(0.0..total);
        let li = self
            .leaf_cum
            .partition_point(|&c| c <= x)
            .min(self.leaves.len() - 1);
        let sector = self.leaves[li].sector;

        let female = self.chance(sector.female_share());
        let contract = self.chance(0.05);
        let cadre = !contract && sector == Sector::CommuneOffice && self.chance(0.18);
        let category = if contract {
            "contract_worker"
        } else if cadre {
            "cadre"
        } else if matches!(sector, Sector::ProvincialAgency | Sector::CommuneOffice) {
            "civil_servant"
        } else {
            "public_employee"
        };

        // Status and birth.
        let roll: f64 = self.rng.r#gen();
        let mut status = if roll < 0.012 {
            PersonStatus::Resigned
        } else if roll < 0.017 {
            PersonStatus::TransferredOut
        } else if roll < 0.018 {
            PersonStatus::Deceased
        } else if roll < 0.045 {
            PersonStatus::Retired
        } else {
            PersonStatus::Working
        };
        let min_birth_mi = 1966 * 12;
        let max_birth_mi = (2004 * 12 + 11).min(today_mi - 22 * 12);
        let mut birth_mi = 0;
        let mut retire_mi = i32::MAX;
        if status == PersonStatus::Retired {
            // Retired within the last five years, born 1966 or later.
            let mut found = false;
            for _ in 0..6 {
                let b = self.rng.gen_range(min_birth_mi..=min_birth_mi + 48);
                let r = retirement_mi(female, b);
                if r < today_mi && r >= today_mi - 60 {
                    birth_mi = b;
                    retire_mi = r;
                    found = true;
                    break;
                }
            }
            if !found {
                status = PersonStatus::Working;
            }
        }
        if status != PersonStatus::Retired {
            // Working age today, with more people in their thirties and forties.
            loop {
                let a: i32 = self.rng.gen_range(min_birth_mi..=max_birth_mi);
                let b: i32 = self.rng.gen_range(min_birth_mi..=max_birth_mi);
                let c = (a + b) / 2;
                let r = retirement_mi(female, c);
                if r > today_mi {
                    birth_mi = c;
                    retire_mi = r;
                    break;
                }
            }
        }
        let birth_day = self.rng.gen_range(1..=days_in_month(birth_mi));
        let birth_year = birth_mi.div_euclid(12);

        // Grade (or contract work).
        let sg = self
            .sector_grades
            .iter()
            .position(|(s, _, _)| *s == sector)
            .expect("every sector has grades");
        let opt = {
            let (_, opts, total) = &self.sector_grades[sg];
            let mut x = self.rng.gen_range(0..*total);
            let mut chosen = opts[0];
            for o in opts {
                if x < o.weight {
                    chosen = *o;
                    break;
                }
                x -= o.weight;
            }
            chosen
        };
        let mut grade = opt.grade;
        let degree = if contract {
            Degree::Secondary
        } else {
            self.grades[grade].degree
        };

        // Recruitment: after school/university, at least 18, before today (or leaving).
        let end_cap = if status == PersonStatus::Retired {
            retire_mi
        } else {
            today_mi
        };
        let age_min = match degree {
            Degree::University => 22 * 12 + 6,
            Degree::College => 21 * 12,
            Degree::Secondary => 19 * 12,
        };
        let latest = end_cap - 6;
        let lo = (birth_mi + age_min).min(latest);
        let hi = (birth_mi + age_min + 8 * 12).min(latest).max(lo);
        let mut recruit_mi = self.rng.gen_range(lo..=hi);
        recruit_mi = recruit_mi.max(birth_mi + 18 * 12 + 1);
        let mut end_mi = end_cap;
        if matches!(
            status,
            PersonStatus::Resigned | PersonStatus::TransferredOut | PersonStatus::Deceased
        ) {
            if today_mi - recruit_mi > 13 {
                end_mi = self.rng.gen_range(recruit_mi + 12..today_mi);
            } else {
                status = PersonStatus::Working;
            }
        }
        let working = status == PersonStatus::Working;

        // Current agency: 30% joined later by transfer.
        let join_mi = if end_mi - recruit_mi > 60 && self.chance(0.3) {
            self.rng.gen_range(recruit_mi + 24..end_mi - 12)
        } else {
            recruit_mi
        };

        // Promotion: a senior grade is reached after some years in the junior one.
        let mut segments: Vec<(usize, i32, u32)> = Vec::with_capacity(2);
        if !contract {
            match opt.junior {
                Some(j) if end_mi - recruit_mi >= 9 * 12 + 6 => {
                    let p = self.rng.gen_range(recruit_mi + 9 * 12..=end_mi - 6);
                    segments.push((j, recruit_mi, 1));
                    segments.push((grade, p, 0));
                }
                Some(j) => {
                    grade = j;
                    segments.push((grade, recruit_mi, 1));
                }
                None => segments.push((grade, recruit_mi, 1)),
            }
        }

        let full_name = self.person_name(female, 0);
        let (eth_code, style) = {
            let total = self.ethnic.last().expect("ethnic").1;
            let x = self.rng.gen_range(0..total);
            let e = self.ethnic[self.ethnic.partition_point(|c| c.1 <= x)];
            (e.0, e.2)
        };
        let full_name = if style == 0 {
            full_name
        } else {
            self.person_name(female, style)
        };
        let prov_ix = {
            let total = self.birth_provinces.last().expect("provinces").3;
            let x = self.rng.gen_range(0..total);
            self.birth_provinces.partition_point(|p| p.3 <= x)
        };
        let national_id = self.national_id(prov_ix, female, birth_year);
        let birth_new_code = self.birth_provinces[prov_ix].1;

        let mut doc = Map::with_capacity(24);
        let mut o = Obj::new();

        // identity
        o.put("dossier_id", s(&national_id));
        o.put("identification_code", s(&national_id));
        o.put("personnel_category", s(category));
        doc.insert("identity".into(), o.done());

        // general
        o.put("birth_full_name", s(&full_name));
        o.put("gender", s(if female { "nu" } else { "nam" }));
        o.put("date_of_birth", s(&ymd_mi(birth_mi, birth_day)));
        let home_commune = format!("Xã {}", self.pick(FAMOUS_PLACES));
        let pob = self.address(birth_new_code, home_commune.clone(), false);
        o.put("place_of_birth", pob);
        let ht = self.address(birth_new_code, home_commune, false);
        o.put("hometown", ht);
        o.put("ethnicity_code", s(eth_code));
        let rel = {
            let total = self.religions.last().expect("religions").1;
            let x = self.rng.gen_range(0..total);
            self.religions[self.religions.partition_point(|r| r.1 <= x)].0
        };
        o.opt("religion_code", rel);
        o.put("citizen_id_number", s(&national_id));
        let issue_mi = (birth_mi + 14 * 12)
            .max(2021 * 12 + self.rng.gen_range(0..36))
            .min(today_mi);
        o.put(
            "citizen_id_issue_date",
            s(&ymd_mi(issue_mi, self.rng.gen_range(1..=28))),
        );
        let mut phone = String::with_capacity(10);
        phone.push_str(["09", "03", "08", "07"][self.rng.gen_range(0..4)]);
        push_num(&mut phone, self.rng.gen_range(0..100_000_000), 8);
        o.put("phone", Value::String(phone));
        // Số BHXH: 10 digits, province prefix and a per-generator counter (unique in a run).
        let mut bhxh = String::with_capacity(10);
        bhxh.push_str(PROVINCE_CODE);
        push_num(&mut bhxh, (self.people % 100_000_000) as u32, 8);
        o.put("social_insurance_number", Value::String(bhxh));
        let commune = self.communes[self.rng.gen_range(0..self.communes.len())].clone();
        let cur = self.address(PROVINCE_CODE, commune, true);
        o.put("current_address", cur);
        doc.insert("general".into(), o.done());

        // recruitment
        let first_agency = if join_mi == recruit_mi {
            self.leaves[li].top.clone()
        } else {
            let other = self.rng.gen_range(0..self.leaves.len());
            self.leaves[other].top.clone()
        };
        o.put(
            "occupation_before_recruitment",
            s(if degree == Degree::Secondary {
                "Lao động tự do"
            } else {
                "Sinh viên"
            }),
        );
        o.put("first_recruitment_date", s(&ymd_mi(recruit_mi, 1)));
        o.put("first_recruitment_agency", s(&first_agency));
        o.put("current_agency_join_date", s(&ymd_mi(join_mi, 1)));
        doc.insert("recruitment".into(), o.done());

        // political
        let leader_roll: f64 = self.rng.r#gen();
        let years = (end_mi - recruit_mi) / 12;
        let is_head = !contract && years >= 10 && leader_roll < 0.03;
        let is_deputy = !contract && !is_head && years >= 7 && leader_roll < 0.09;
        let party = !contract && (is_head || is_deputy || cadre || self.chance(0.28)) && years >= 3;
        let youth_mi = birth_mi + 16 * 12 + self.rng.gen_range(0..24);
        o.put(
            "first_sociopolitical_org_join_date",
            s(&ymd_mi(youth_mi, 26)),
        );
        o.put(
            "first_sociopolitical_org_name",
            s("Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
        );
        let mut party_mi = 0;
        if party {
            party_mi = self
                .rng
                .gen_range(recruit_mi + 12..=(end_mi - 13).max(recruit_mi + 12));
            o.put("party_admission_date", s(&ymd_mi(party_mi, 3)));
            if party_mi + 12 <= today_mi {
                o.put("party_official_date", s(&ymd_mi(party_mi + 12, 3)));
            }
        }
        if !female && self.chance(0.04) && recruit_mi - birth_mi > 21 * 12 {
            let enl = birth_mi + 18 * 12 + 2;
            o.put("military_enlistment_date", s(&ymd_mi(enl, 15)));
            o.put("military_discharge_date", s(&ymd_mi(enl + 24, 15)));
            o.put("highest_military_rank", s("Thượng sĩ"));
        }
        doc.insert("political".into(), o.done());

        // qualifications and the trainings behind them
        let deg_ix = match degree {
            Degree::Secondary => Some(0),
            Degree::College => Some(1),
            Degree::University => {
                let r: f64 = self.rng.r#gen();
                Some(if r < 0.03 && years > 8 {
                    4
                } else if r < 0.22 && years > 3 {
                    3
                } else {
                    2
                })
            }
        };
        let major = match sector {
            Sector::Preschool => "Giáo dục mầm non",
            Sector::Primary => "Giáo dục tiểu học",
            Sector::LowerSecondary | Sector::UpperSecondary => self.pick(&[
                "Sư phạm Toán",
                "Sư phạm Ngữ văn",
                "Sư phạm Tiếng Anh",
                "Sư phạm Vật lý",
                "Sư phạm Hóa học",
                "Sư phạm Lịch sử",
                "Sư phạm Sinh học",
                "Sư phạm Tin học",
            ]),
            // The training the chức danh requires: a nurse studied nursing, not medicine.
            Sector::Hospital | Sector::HealthStation => {
                match health_major(self.grades[grade].code) {
                    Some(major) => major,
                    // The hospital's accountants and clerks.
                    None => self.pick(&["Kế toán", "Quản trị kinh doanh", "Công nghệ thông tin"]),
                }
            }
            _ => self.pick(&[
                "Luật",
                "Kinh tế",
                "Quản lý nhà nước",
                "Kế toán",
                "Công nghệ thông tin",
                "Hành chính học",
                "Quản lý đất đai",
                "Xây dựng dân dụng và công nghiệp",
            ]),
        };
        // A degree comes from a school that gives it: a college (cao đẳng) trains for
        // college and trung cấp diplomas, a university for the rest, a master's included.
        let universities: &[&'static str] = match sector {
            s if s.is_education() => &[
                "Trường Đại học Đà Lạt",
                "Trường Đại học Sư phạm Thành phố Hồ Chí Minh",
                "Trường Đại học Tây Nguyên",
                "Trường Đại học Sư phạm Huế",
            ],
            Sector::Hospital | Sector::HealthStation => &[
                "Trường Đại học Y Dược Thành phố Hồ Chí Minh",
                "Trường Đại học Y Dược Huế",
                "Trường Đại học Tây Nguyên",
            ],
            _ => &[
                "Trường Đại học Đà Lạt",
                "Trường Đại học Luật Thành phố Hồ Chí Minh",
                "Trường Đại học Kinh tế Thành phố Hồ Chí Minh",
                "Học viện Hành chính Quốc gia",
                "Trường Đại học Nông Lâm Thành phố Hồ Chí Minh",
            ],
        };
        let colleges: &[&'static str] = match sector {
            s if s.is_education() => &["Trường Cao đẳng Sư phạm Đà Lạt"],
            Sector::Hospital | Sector::HealthStation => &["Trường Cao đẳng Y tế Lâm Đồng"],
            _ => &["Trường Cao đẳng Kinh tế - Kỹ thuật Lâm Đồng"],
        };
        let institution = match degree {
            Degree::University => self.pick(universities),
            Degree::College | Degree::Secondary => self.pick(colleges),
        };
        let graduate_school = self.pick(universities);
        o.opt("general_education_level", self.codes.gdpt_12);
        o.opt("general_education_system", self.codes.he_chinh_quy);
        if let Some(d) = deg_ix {
            o.opt("highest_qualification_level", self.codes.degree[d]);
            o.put("highest_qualification_major", s(major));
        }
        let llct = if is_head {
            self.codes.llct_cao.or(self.codes.llct_trung)
        } else if is_deputy || cadre {
            self.codes.llct_trung
        } else if party {
            self.codes.llct_so
        } else {
            None
        };
        o.opt("political_theory_level", llct);
        let civil = matches!(category, "civil_servant" | "cadre");
        let qlnn = if civil {
            if self.grades[grade].code == "01.002" || is_head {
                self.codes.qlnn_cvc
            } else {
                self.codes.qlnn_cv
            }
        } else {
            None
        };
        o.opt("state_management_training_level", qlnn);
        if deg_ix.is_some_and(|d| d >= 2) {
            o.put("foreign_language_summary", s("Tiếng Anh bậc 3"));
            o.put(
                "it_skill_summary",
                s("Chuẩn kỹ năng sử dụng công nghệ thông tin cơ bản"),
            );
        }
        doc.insert("qualifications".into(), o.done());

        let mut prof = Vec::new();
        if let Some(d) = deg_ix {
            // First degree: from September after 18 to June before recruitment.
            let len = match d {
                0 => 24,
                1 => 36,
                _ => 48,
            };
            let to = (recruit_mi - 2).max(birth_mi + 18 * 12 + 10);
            let from = (to - len + 3).max(birth_mi + 18 * 12);
            let first_deg = d.min(2);
            o.put("from", s(&ym(from)));
            o.put("to", s(&ym(to.max(from))));
            o.put("institution", s(institution));
            o.put("major", s(major));
            o.put("training_mode", s("Chính quy"));
            o.opt("degree_level", self.codes.degree[first_deg]);
            prof.push(o.done());
            if d >= 3 {
                let f = recruit_mi + 24 + self.rng.gen_range(0..24);
                let t = (f + 24).min(today_mi - 1);
                if f <= t {
                    o.put("from", s(&ym(f)));
                    o.put("to", s(&ym(t)));
                    o.put("institution", s(graduate_school));
                    o.put("major", s(major));
                    o.put("training_mode", s("Vừa làm vừa học"));
                    o.opt("degree_level", self.codes.degree[d]);
                    prof.push(o.done());
                }
            }
        }
        if !prof.is_empty() {
            doc.insert("professional_trainings".into(), Value::Array(prof));
        }
        if let Some(c) = llct {
            let f = (party_mi.max(recruit_mi) + 12).min(today_mi - 8);
            if f > recruit_mi {
                o.put("from", s(&ym(f)));
                o.put("to", s(&ym(f + 6)));
                o.put("institution", s("Trường Chính trị tỉnh Lâm Đồng"));
                o.put("training_mode", s("Tập trung"));
                o.put("certificate", s(c));
                doc.insert(
                    "political_theory_trainings".into(),
                    Value::Array(vec![o.done()]),
                );
            }
        }
        if let Some(c) = qlnn {
            let f = recruit_mi + 18;
            if f + 3 <= today_mi {
                o.put("from", s(&ym(f)));
                o.put("to", s(&ym(f + 2)));
                o.put("institution", s("Học viện Hành chính Quốc gia"));
                o.put("certificate", s(c));
                doc.insert("management_trainings".into(), Value::Array(vec![o.done()]));
            }
        }
        if (is_head || is_deputy) && recruit_mi + 60 < today_mi {
            let f = self.rng.gen_range(recruit_mi + 36..today_mi - 12);
            o.put("from", s(&ym(f)));
            o.put("to", s(&ym(f + 1)));
            o.put("institution", s("Bộ Chỉ huy Quân sự tỉnh Lâm Đồng"));
            o.put(
                "certificate",
                s("Chứng chỉ bồi dưỡng kiến thức quốc phòng và an ninh đối tượng 4"),
            );
            doc.insert(
                "defense_security_trainings".into(),
                Value::Array(vec![o.done()]),
            );
        }
        if deg_ix.is_some_and(|d| d >= 2) && recruit_mi + 24 < today_mi {
            let f = self
                .rng
                .gen_range((recruit_mi - 24).max(birth_mi + 19 * 12)..recruit_mi + 12);
            o.put("from", s(&ym(f)));
            o.put("to", s(&ym(f + 3)));
            o.put("institution", s("Trường Đại học Đà Lạt"));
            // A text field: the certificate as it is written on it, not a catalog code.
            o.put(
                "certificate",
                s("Chứng chỉ ứng dụng công nghệ thông tin cơ bản"),
            );
            doc.insert("it_trainings".into(), Value::Array(vec![o.done()]));
            let f = f + 5;
            o.put("from", s(&ym(f)));
            o.put("to", s(&ym(f + 4)));
            o.put("institution", s("Trường Đại học Đà Lạt"));
            o.put("language", s("Tiếng Anh"));
            o.put(
                "certificate",
                s(if self.chance(0.7) {
                    "Chứng chỉ tiếng Anh bậc 3 (B1)"
                } else {
                    "Chứng chỉ tiếng Anh bậc 2 (A2)"
                }),
            );
            doc.insert("language_trainings".into(), Value::Array(vec![o.done()]));
        }

        // position
        let leaf = &self.leaves[li];
        let title = if is_head {
            leaf.head
        } else if is_deputy {
            leaf.deputy
        } else {
            None
        };
        let appoint_mi = if title.is_some() {
            self.rng.gen_range((end_mi - 60).max(join_mi)..=end_mi - 1)
        } else {
            0
        };
        if let Some(t) = title {
            o.put("current_position", s(t));
            o.put("position_appointment_date", s(&ymd_mi(appoint_mi, 1)));
        }
        o.put(
            "main_assigned_duties",
            s(if contract {
                "Phục vụ, hỗ trợ hoạt động của cơ quan"
            } else {
                leaf.duty
            }),
        );
        doc.insert("position".into(), o.done());
        let unit_label = leaf.label.clone();
        let unit_key = leaf.key;

        // salary and its history
        if !segments.is_empty() {
            let mut hist = Vec::with_capacity(8);
            let mut coef = 0;
            let mut step = 1u32;
            let mut last_change = recruit_mi;
            let mut max_reached_mi = None;
            for (si, &(g, start, first_step)) in segments.iter().enumerate() {
                let seg_end = segments.get(si + 1).map(|x| x.1).unwrap_or(end_mi);
                let gr = &self.grades[g];
                step = if first_step == 0 {
                    // Transfer: lowest step that keeps at least the old coefficient.
                    gr.coefs
                        .iter()
                        .position(|&c| c >= coef)
                        .unwrap_or(gr.coefs.len() - 1) as u32
                        + 1
                } else {
                    first_step
                };
                let mut m = start;
                loop {
                    coef = gr.coefs[step as usize - 1];
                    let next = if (step as usize) < gr.coefs.len() {
                        m + gr.interval
                    } else {
                        i32::MAX
                    };
                    let row_end = next.min(seg_end);
                    let mut r = Obj::new();
                    r.put("from", s(&ym(m)));
                    let last = si + 1 == segments.len() && next >= seg_end;
                    if !last || !working {
                        r.put("to", s(&ym((row_end - 1).max(m))));
                    }
                    r.put("rank_or_title_code", s(gr.code));
                    r.put("salary_step", Value::from(step));
                    r.put("salary_coefficient", coef_value(coef));
                    hist.push(r.done());
                    last_change = m;
                    if step as usize == gr.coefs.len() && max_reached_mi.is_none() {
                        max_reached_mi = Some(m);
                    }
                    if next >= seg_end {
                        break;
                    }
                    m = next;
                    step += 1;
                }
                if si + 1 < segments.len() {
                    max_reached_mi = None;
                }
            }
            let gr = &self.grades[grade];
            o.put("rank_or_title_code", s(gr.code));
            o.put("rank_or_title_name", s(gr.name));
            if category != "contract_worker" {
                // Vị trí việc làm: named after the grade (no VTVL catalog exists yet).
                o.put("job_position_name", s(gr.name));
                let mut c = String::with_capacity(16);
                c.push_str("VTVL.");
                c.push_str(gr.code);
                o.put("job_position_code", Value::String(c));
            }
            o.put(
                "rank_appointment_date",
                s(&ymd_mi(segments.last().expect("segment").1, 1)),
            );
            o.put("salary_step", Value::from(step));
            o.put("salary_coefficient", coef_value(coef));
            o.put("salary_effective_date", s(&ymd_mi(last_change, 1)));
            o.put("salary_percent", Value::from(100));
            if let Some(mr) = max_reached_mi {
                let wait = if gr.group_is_a { 36 } else { 24 };
                let since = end_mi - mr;
                if since >= wait {
                    let pct = 5 + (since - wait) / 12;
                    o.put("beyond_scale_seniority_percent", Value::from(pct));
                    o.put(
                        "beyond_scale_seniority_date",
                        s(&ymd_mi(mr + wait + 12 * (pct - 5), 1)),
                    );
                }
            }
            doc.insert("salary".into(), o.done());
            doc.insert("salary_history".into(), Value::Array(hist));
        }

        // health
        let height = if female {
            self.rng.gen_range(148..168)
        } else {
            self.rng.gen_range(158..180)
        };
        o.put("health_status", s("Tốt"));
        o.put("height_cm", Value::from(height));
        o.put(
            "weight_kg",
            Value::from(if female {
                self.rng.gen_range(42..65)
            } else {
                self.rng.gen_range(52..82)
            }),
        );
        doc.insert("health".into(), o.done());

        // contract
        if contract {
            let start = recruit_mi;
            o.put("contract_kind", s("hop_dong_lao_dong"));
            o.put("labor_contract_type", s("khong_xac_dinh_thoi_han"));
            let (cat, job) = [
                ("lai_xe", "Lái xe"),
                ("bao_ve", "Bảo vệ"),
                ("le_tan_phuc_vu", "Tạp vụ"),
                ("le_tan_phuc_vu", "Phục vụ"),
                ("bao_tri_van_hanh", "Vận hành, bảo trì trụ sở"),
                ("phuc_vu_khac", "Nhân viên phục vụ khác"),
            ][self.rng.gen_range(0..6)];
            o.put("contracted_work_category", s(cat));
            o.put("job_description", s(job));
            o.put("employer_name", s(&self.leaves[li].top));
            o.put("work_location", s(&unit_label));
            o.put("contract_start_date", s(&ymd_mi(start, 1)));
            o.put(
                "wage_amount",
                Value::from(2_340_000 * 2 + self.rng.gen_range(0..20) * 50_000),
            );
            doc.insert("contract".into(), o.done());
        }

        // personnel events
        let mut events = Vec::with_capacity(3);
        let decision =
            |o: &mut Obj, rng: &mut SmallRng, mi: i32, kind: &str, to: &str, pos: Option<&str>| {
                let mut num = String::with_capacity(16);
                push_num(
                    &mut num,
                    rng.gen_range(1..3000),
                    1 + rng.gen_range(0..3) as usize,
                );
                num.push_str("/QĐ-UBND");
                o.put("event_type", s(kind));
                o.put("decision_number", Value::String(num));
                o.put("decision_date", s(&ymd_mi(mi - 1, 20)));
                o.put("effective_date", s(&ymd_mi(mi, 1)));
                o.put("to_unit", s(to));
                if let Some(p) = pos {
                    o.put("position", s(p));
                }
                o.done()
            };
        events.push(decision(
            &mut o,
            &mut self.rng,
            recruit_mi,
            "tuyen_dung",
            &first_agency,
            None,
        ));
        if join_mi != recruit_mi {
            events.push(decision(
                &mut o,
                &mut self.rng,
                join_mi,
                "dieu_dong",
                &unit_label,
                None,
            ));
        }
        if title.is_some() {
            let name = if is_head {
                "Trưởng đơn vị"
            } else {
                "Phó trưởng đơn vị"
            };
            events.push(decision(
                &mut o,
                &mut self.rng,
                appoint_mi,
                "bo_nhiem",
                &unit_label,
                Some(name),
            ));
        }
        match status {
            PersonStatus::Retired => events.push(decision(
                &mut o,
                &mut self.rng,
                end_mi,
                "nghi_huu",
                &unit_label,
                None,
            )),
            PersonStatus::Resigned => events.push(decision(
                &mut o,
                &mut self.rng,
                end_mi,
                "thoi_viec",
                &unit_label,
                None,
            )),
            PersonStatus::TransferredOut => events.push(decision(
                &mut o,
                &mut self.rng,
                end_mi,
                "khac",
                &unit_label,
                None,
            )),
            _ => {}
        }
        doc.insert("personnel_events".into(), Value::Array(events));

        // work history
        let mut work = Vec::with_capacity(4);
        let title_text = if contract {
            "Nhân viên hợp đồng"
        } else {
            self.grades[segments[0].0].name
        };
        if join_mi != recruit_mi {
            o.put("from", s(&ym(recruit_mi)));
            o.put("to", s(&ym(join_mi - 1)));
            o.put("unit", s(&first_agency));
            o.put("title_or_position", s(title_text));
            work.push(o.done());
        }
        let mut cuts: Vec<(i32, &str)> = vec![(join_mi, title_text)];
        if segments.len() == 2 && segments[1].1 > join_mi {
            cuts.push((segments[1].1, self.grades[grade].name));
        }
        if title.is_some() && appoint_mi > cuts.last().expect("cut").0 {
            cuts.push((
                appoint_mi,
                if is_head {
                    "Trưởng đơn vị"
                } else {
                    "Phó trưởng đơn vị"
                },
            ));
        }
        for (i, (from, what)) in cuts.iter().enumerate() {
            o.put("from", s(&ym(*from)));
            match cuts.get(i + 1) {
                Some((next, _)) => {
                    o.put("to", s(&ym(next - 1)));
                }
                None if !working => {
                    o.put("to", s(&ym(end_mi)));
                }
                None => {}
            }
            o.put("unit", s(&unit_label));
            o.put("title_or_position", s(what));
            work.push(o.done());
        }
        doc.insert("work_history".into(), Value::Array(work));

        // annual evaluations for the last three finished years in service
        let this_year = self.today.year();
        let mut ach = Vec::with_capacity(3);
        let mut pr = Vec::with_capacity(3);
        for y in this_year - 3..this_year {
            if y * 12 + 11 < recruit_mi || y * 12 > end_mi {
                continue;
            }
            let lvl = match self.rng.gen_range(0..100) {
                0..15 => 0,
                15..82 => 1,
                82..98 => 2,
                _ => 3,
            };
            // Evaluations of years up to 2025 were made under NĐ 90/2020.
            let kind = if y <= 2025 {
                2
            } else if category == "public_employee" {
                1
            } else {
                0
            };
            o.put("year", Value::from(y));
            o.opt("performance_rating", self.codes.rating[kind][lvl]);
            let title = match lvl {
                0 => self.codes.cstdcs.or(self.codes.ldtt),
                1 => self.codes.ldtt,
                _ => None,
            };
            o.opt("emulation_title", title);
            if lvl == 0
                && let Some(g) = self.codes.giay_khen
            {
                o.put("award_forms", Value::Array(vec![s(g)]));
            }
            ach.push(o.done());
            if party && y * 12 >= party_mi {
                o.put("year", Value::from(y));
                o.opt("rating", self.codes.rating[3][lvl.min(2)]);
                pr.push(o.done());
            }
        }
        if !ach.is_empty() {
            doc.insert("annual_achievements".into(), Value::Array(ach));
        }
        if !pr.is_empty() {
            doc.insert("party_member_ratings".into(), Value::Array(pr));
        }

        // family: parents, spouse, children, a sibling
        let surname = full_name.split(' ').next().unwrap_or("Nguyễn").to_string();
        let mut fam = Vec::with_capacity(5);
        let by = birth_year;
        let fy = by - self.rng.gen_range(22..36);
        let fname = if style == 0 {
            self.kinh_name(false, Some(&surname))
        } else {
            self.person_name(false, style)
        };
        let mname = if style == 0 {
            self.kinh_name(true, None)
        } else {
            self.person_name(true, style)
        };
        let members: [(Option<&'static str>, String, i32); 2] = [
            (self.codes.rel_father, fname, fy),
            (self.codes.rel_mother, mname, fy + self.rng.gen_range(-2..6)),
        ];
        for (rel, name, y) in members {
            let occ = self.pick(OCCUPATIONS);
            fam.push(self.family_row(rel, "ban_than", name, y, occ));
        }
        let married = (this_year - by) >= 25 && self.chance(0.85);
        if married {
            let sp_female = !female;
            let sname = self.kinh_name(sp_female, None);
            let sy = by + self.rng.gen_range(-4..5);
            let rel = if sp_female {
                self.codes.rel_wife
            } else {
                self.codes.rel_husband
            };
            fam.push(self.family_row(
                rel,
                "ban_than",
                sname,
                sy.min(this_year - 20),
                "Nhân viên văn phòng",
            ));
            let kids = self.rng.gen_range(0..3);
            let child_surname = if female {
                self.pick(&["Nguyễn", "Trần", "Lê", "Phạm"])
            } else {
                surname.as_str()
            }
            .to_string();
            for k in 0..kids {
                let cy = (by + 24 + 3 * k + self.rng.gen_range(0..3)).min(this_year - 1);
                let cf = self.chance(0.5);
                let cname = self.kinh_name(cf, Some(&child_surname));
                let occ = if this_year - cy < 18 {
                    "Học sinh"
                } else {
                    "Sinh viên"
                };
                fam.push(self.family_row(self.codes.rel_child, "ban_than", cname, cy, occ));
            }
        }
        if fam.len() < 5 && self.chance(0.6) {
            let older = self.chance(0.5);
            let sf = self.chance(0.5);
            let sy = if older {
                by - self.rng.gen_range(2..6)
            } else {
                (by + self.rng.gen_range(2..6)).min(this_year - 1)
            };
            let rel = if !older {
                self.codes.rel_younger
            } else if sf {
                self.codes.rel_sister
            } else {
                self.codes.rel_brother
            };
            let sname = self.kinh_name(sf, Some(&surname));
            let occ = self.pick(OCCUPATIONS);
            fam.push(self.family_row(rel, "ban_than", sname, sy, occ));
        }
        doc.insert("family_members".into(), Value::Array(fam));

        DemoPerson {
            unit_key,
            national_id,
            full_name,
            doc,
            status,
        }
    }

    fn family_row(
        &mut self,
        rel: Option<&'static str>,
        side: &str,
        name: String,
        birth_year: i32,
        occ: &str,
    ) -> Value {
        let mut o = Obj::new();
        o.opt("relationship", rel);
        o.put("side", s(side));
        o.put("full_name", Value::String(name));
        o.put("birth_year", Value::from(birth_year));
        let mut d = String::with_capacity(48);
        d.push_str(occ);
        d.push_str("; quê quán ");
        d.push_str(PROVINCE_SHORT);
        o.put("details", Value::String(d));
        o.done()
    }
}

/// Commune-level place names used for birthplaces and home towns, put in any province: names
/// that communes of many provinces bear, not a famous district of one ("Xã Vũ Thư, Tỉnh Lâm
/// Đồng" reads as a mistake).
const FAMOUS_PLACES: &[&str] = &[
    "Tân Hà",
    "Phú Sơn",
    "Hòa Bắc",
    "Lộc Thành",
    "Tân Thành",
    "Phú Hòa",
    "Xuân Lâm",
    "Tân Lập",
    "An Bình",
    "Tân Phú",
    "Hòa Thuận",
    "Tân An",
    "Bình Minh",
    "Thanh Xuân",
    "Hòa Bình",
    "Tân Tiến",
];
