//! Reference catalogs (*danh mục*): ethnicities, religions, provinces, civil-service ranks,
//! professional titles, qualification levels, rewards/discipline, evaluation ratings, family
//! relationships, leadership positions.
//!
//! The catalogs ship with the crate as TSV files (`data/catalogs/*.tsv`, copies of
//! `shared/domain/catalogs` with every empty `code` filled by a stable internal code). Lines
//! starting with `#` are comments; the first other line is the header. The `code`, `name_vi`
//! and (when present) `kind` columns become [`CatalogItem::code`], [`CatalogItem::name`] and
//! [`CatalogItem::kind`]; every other non-empty column is kept in [`CatalogItem::attrs`].

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The embedded catalogs: `(name, Vietnamese label, file name under data/catalogs)`.
pub const CATALOGS: &[(&str, &str, &str)] = &[
    ("dan_toc", "Dân tộc", "dan_toc.tsv"),
    ("ton_giao", "Tôn giáo", "ton_giao.tsv"),
    (
        "tinh_thanh",
        "Tỉnh, thành phố (từ 01/7/2025)",
        "tinh_thanh.tsv",
    ),
    (
        "tinh_thanh_truoc_2025",
        "Tỉnh, thành phố (trước 01/7/2025)",
        "tinh_thanh_truoc_2025.tsv",
    ),
    ("ngach_cong_chuc", "Ngạch công chức", "ngach_cong_chuc.tsv"),
    (
        "chuc_danh_nghe_nghiep",
        "Chức danh nghề nghiệp viên chức",
        "chuc_danh_nghe_nghiep.tsv",
    ),
    ("trinh_do", "Trình độ", "trinh_do.tsv"),
    (
        "khen_thuong_ky_luat",
        "Khen thưởng, kỷ luật",
        "khen_thuong_ky_luat.tsv",
    ),
    (
        "danh_gia_xep_loai",
        "Đánh giá, xếp loại chất lượng",
        "danh_gia_xep_loai.tsv",
    ),
    (
        "quan_he_gia_dinh",
        "Quan hệ gia đình",
        "quan_he_gia_dinh.tsv",
    ),
    ("chuc_vu", "Chức vụ lãnh đạo", "chuc_vu.tsv"),
];

/// File contents, in the order of [`CATALOGS`].
const SOURCES: &[(&str, &str)] = &[
    ("dan_toc", include_str!("../data/catalogs/dan_toc.tsv")),
    ("ton_giao", include_str!("../data/catalogs/ton_giao.tsv")),
    (
        "tinh_thanh",
        include_str!("../data/catalogs/tinh_thanh.tsv"),
    ),
    (
        "tinh_thanh_truoc_2025",
        include_str!("../data/catalogs/tinh_thanh_truoc_2025.tsv"),
    ),
    (
        "ngach_cong_chuc",
        include_str!("../data/catalogs/ngach_cong_chuc.tsv"),
    ),
    (
        "chuc_danh_nghe_nghiep",
        include_str!("../data/catalogs/chuc_danh_nghe_nghiep.tsv"),
    ),
    ("trinh_do", include_str!("../data/catalogs/trinh_do.tsv")),
    (
        "khen_thuong_ky_luat",
        include_str!("../data/catalogs/khen_thuong_ky_luat.tsv"),
    ),
    (
        "danh_gia_xep_loai",
        include_str!("../data/catalogs/danh_gia_xep_loai.tsv"),
    ),
    (
        "quan_he_gia_dinh",
        include_str!("../data/catalogs/quan_he_gia_dinh.tsv"),
    ),
    ("chuc_vu", include_str!("../data/catalogs/chuc_vu.tsv")),
];

/// The Vietnamese label of a catalog, if it is one of [`CATALOGS`].
pub fn catalog_label(name: &str) -> Option<&'static str> {
    CATALOGS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, label, _)| *label)
}

/// One entry of a catalog.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CatalogItem {
    /// Catalog name, e.g. `dan_toc`.
    pub catalog: String,
    /// Code, unique within (catalog, kind).
    pub code: String,
    /// Vietnamese name (`name_vi`).
    pub name: String,
    /// Sub-list within the catalog (`trinh_do`, `khen_thuong_ky_luat`, `danh_gia_xep_loai`).
    pub kind: Option<String>,
    /// Every other non-empty column of the row.
    pub attrs: BTreeMap<String, String>,
}

/// A set of catalogs, indexed for lookups by code.
#[derive(Debug, Clone, Default)]
pub struct Catalogs {
    items: BTreeMap<String, Vec<CatalogItem>>,
    /// (catalog, code) → positions in `items[catalog]` (several when kinds share a code).
    index: HashMap<(String, String), Vec<usize>>,
}

impl Catalogs {
    /// Parses the catalogs embedded in the crate.
    ///
    /// # Panics
    /// If an embedded file is malformed (they are ours and tested).
    pub fn embedded() -> Catalogs {
        let mut items = Vec::new();
        for (name, text) in SOURCES {
            match parse_tsv(name, text) {
                Ok(mut parsed) => items.append(&mut parsed),
                Err(e) => panic!("embedded catalog {name} is malformed: {e}"),
            }
        }
        Catalogs::from_items(items)
    }

    /// The embedded catalogs, parsed once.
    pub fn embedded_static() -> &'static Catalogs {
        static CELL: OnceLock<Catalogs> = OnceLock::new();
        CELL.get_or_init(Catalogs::embedded)
    }

    /// Builds catalogs from items (e.g. loaded from the database after an administrator edit).
    pub fn from_items(items: impl IntoIterator<Item = CatalogItem>) -> Catalogs {
        let mut out = Catalogs::default();
        for item in items {
            let list = out.items.entry(item.catalog.clone()).or_default();
            out.index
                .entry((item.catalog.clone(), item.code.clone()))
                .or_default()
                .push(list.len());
            list.push(item);
        }
        out
    }

    /// Whether `code` exists in `catalog` (restricted to `kind` when given).
    pub fn contains(&self, catalog: &str, kind: Option<&str>, code: &str) -> bool {
        self.lookup(catalog, code)
            .any(|item| kind.is_none_or(|k| item.kind.as_deref() == Some(k)))
    }

    /// Whether `code` exists in `catalog` under any of `kinds` (any kind when `kinds` is empty).
    pub fn contains_any_kind(&self, catalog: &str, kinds: &[String], code: &str) -> bool {
        self.lookup(catalog, code).any(|item| {
            kinds.is_empty()
                || item
                    .kind
                    .as_deref()
                    .is_some_and(|k| kinds.iter().any(|x| x == k))
        })
    }

    /// The name of a code (the first match when several kinds share the code).
    pub fn name(&self, catalog: &str, code: &str) -> Option<&str> {
        self.lookup(catalog, code).next().map(|i| i.name.as_str())
    }

    /// The item for a code within a kind (any kind when `None`).
    pub fn item(&self, catalog: &str, kind: Option<&str>, code: &str) -> Option<&CatalogItem> {
        self.lookup(catalog, code)
            .find(|item| kind.is_none_or(|k| item.kind.as_deref() == Some(k)))
    }

    /// All items of a catalog, in file order (empty for an unknown catalog).
    pub fn items(&self, catalog: &str) -> &[CatalogItem] {
        self.items.get(catalog).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Items of a catalog restricted to one kind.
    pub fn items_of_kind<'a>(
        &'a self,
        catalog: &str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a CatalogItem> + 'a {
        self.items(catalog)
            .iter()
            .filter(move |i| i.kind.as_deref() == Some(kind))
    }

    /// Names of the catalogs present.
    pub fn catalog_names(&self) -> impl Iterator<Item = &str> {
        self.items.keys().map(String::as_str)
    }

    fn lookup<'a>(&'a self, catalog: &str, code: &str) -> impl Iterator<Item = &'a CatalogItem> {
        let list = self.items(catalog);
        self.index
            .get(&(catalog.to_owned(), code.to_owned()))
            .into_iter()
            .flatten()
            .map(move |&i| &list[i])
    }
}

/// A malformed catalog file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogParseError {
    #[error("danh mục {catalog}: thiếu dòng tiêu đề")]
    MissingHeader { catalog: String },
    #[error("danh mục {catalog}: tiêu đề thiếu cột {column}")]
    MissingColumn {
        catalog: String,
        column: &'static str,
    },
    #[error("danh mục {catalog}, dòng {line}: có {found} cột, tiêu đề có {expected} cột")]
    ColumnCount {
        catalog: String,
        line: usize,
        found: usize,
        expected: usize,
    },
    #[error("danh mục {catalog}, dòng {line}: cột code hoặc name_vi để trống")]
    EmptyCode { catalog: String, line: usize },
}

/// Parses one TSV catalog (see the module documentation for the format).
pub fn parse_tsv(catalog: &str, text: &str) -> Result<Vec<CatalogItem>, CatalogParseError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (_, header) = lines
        .next()
        .ok_or_else(|| CatalogParseError::MissingHeader {
            catalog: catalog.to_owned(),
        })?;
    let header: Vec<&str> = header.split('\t').map(str::trim).collect();
    let col = |name: &'static str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(CatalogParseError::MissingColumn {
                catalog: catalog.to_owned(),
                column: name,
            })
    };
    let code_col = col("code")?;
    let name_col = col("name_vi")?;
    let kind_col = header.iter().position(|h| *h == "kind");
    let mut out = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != header.len() {
            return Err(CatalogParseError::ColumnCount {
                catalog: catalog.to_owned(),
                line: n + 1,
                found: cells.len(),
                expected: header.len(),
            });
        }
        let code = cells[code_col].trim();
        let name = cells[name_col].trim();
        if code.is_empty() || name.is_empty() {
            return Err(CatalogParseError::EmptyCode {
                catalog: catalog.to_owned(),
                line: n + 1,
            });
        }
        let kind = kind_col
            .map(|k| cells[k].trim())
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        let attrs = header
            .iter()
            .zip(&cells)
            .enumerate()
            .filter(|(i, (_, v))| {
                *i != code_col && *i != name_col && Some(*i) != kind_col && !v.trim().is_empty()
            })
            .map(|(_, (h, v))| ((*h).to_owned(), v.trim().to_owned()))
            .collect();
        out.push(CatalogItem {
            catalog: catalog.to_owned(),
            code: code.to_owned(),
            name: name.to_owned(),
            kind,
            attrs,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_catalog_file_parses_and_has_items() {
        assert_eq!(CATALOGS.len(), SOURCES.len());
        for ((name, _, file), (src_name, text)) in CATALOGS.iter().zip(SOURCES) {
            assert_eq!(name, src_name);
            assert_eq!(file, &format!("{name}.tsv"));
            let items = parse_tsv(name, text).unwrap();
            assert!(items.len() >= 10, "{name} has only {} items", items.len());
        }
    }

    #[test]
    fn codes_are_unique_within_catalog_and_kind() {
        let cats = Catalogs::embedded();
        for (name, _, _) in CATALOGS {
            let mut seen = HashSet::new();
            for item in cats.items(name) {
                assert!(!item.code.is_empty());
                assert!(
                    seen.insert((item.kind.clone(), item.code.clone())),
                    "duplicate code {} in {name} kind {:?}",
                    item.code,
                    item.kind
                );
            }
        }
    }

    #[test]
    fn lookups_by_code_and_kind() {
        let cats = Catalogs::embedded_static();
        assert_eq!(cats.name("dan_toc", "01"), Some("Kinh"));
        assert_eq!(cats.name("ngach_cong_chuc", "01.003"), Some("Chuyên viên"));
        assert!(cats.contains("trinh_do", Some("trinh_do_dao_tao"), "dai_hoc"));
        assert!(!cats.contains("trinh_do", Some("hoc_ham"), "dai_hoc"));
        assert!(cats.contains("trinh_do", None, "dai_hoc"));
        assert!(!cats.contains("trinh_do", None, "khong_co"));
        assert!(!cats.contains("khong_co", None, "01"));
        assert!(cats.contains_any_kind(
            "khen_thuong_ky_luat",
            &["ky_luat_cong_chuc".into(), "ky_luat_vien_chuc".into()],
            "buoc_thoi_viec"
        ));
        assert!(!cats.contains_any_kind(
            "khen_thuong_ky_luat",
            &["ky_luat_can_bo".into()],
            "buoc_thoi_viec"
        ));
        assert_eq!(
            cats.items_of_kind("danh_gia_xep_loai", "dang_vien").count(),
            4
        );
        assert_eq!(cats.items("tinh_thanh").len(), 34);
        assert_eq!(cats.items("tinh_thanh_truoc_2025").len(), 63);
        assert!(cats.items("khong_co").is_empty());
    }

    #[test]
    fn other_columns_become_attributes() {
        let cats = Catalogs::embedded_static();
        let chuyen_vien = cats.item("ngach_cong_chuc", None, "01.003").unwrap();
        assert_eq!(
            chuyen_vien.attrs.get("salary_group").map(String::as_str),
            Some("A1")
        );
        assert!(!chuyen_vien.attrs.contains_key("code"));
        let cha = cats
            .item("quan_he_gia_dinh", None, "cha_ben_vo_chong")
            .unwrap();
        assert_eq!(
            cha.attrs.get("side").map(String::as_str),
            Some("ben_vo_chong")
        );
        assert_eq!(cha.kind, None);
    }

    #[test]
    fn from_items_and_labels() {
        let cats = Catalogs::from_items([CatalogItem {
            catalog: "x".into(),
            code: "1".into(),
            name: "Một".into(),
            kind: Some("k".into()),
            attrs: BTreeMap::new(),
        }]);
        assert!(cats.contains("x", Some("k"), "1"));
        assert!(!cats.contains("x", Some("j"), "1"));
        assert_eq!(cats.catalog_names().collect::<Vec<_>>(), vec!["x"]);
        assert_eq!(catalog_label("dan_toc"), Some("Dân tộc"));
        assert_eq!(catalog_label("khong_co"), None);
    }

    #[test]
    fn malformed_files_are_reported() {
        assert!(matches!(
            parse_tsv("x", "# only comments\n"),
            Err(CatalogParseError::MissingHeader { .. })
        ));
        assert!(matches!(
            parse_tsv("x", "code\tname_vi\n01\tA\textra\n"),
            Err(CatalogParseError::ColumnCount { line: 2, .. })
        ));
        assert!(matches!(
            parse_tsv("x", "code\tname_vi\n\tA\n"),
            Err(CatalogParseError::EmptyCode { .. })
        ));
        assert!(matches!(
            parse_tsv("x", "ma\tname_vi\n"),
            Err(CatalogParseError::MissingColumn { column: "code", .. })
        ));
    }
}
