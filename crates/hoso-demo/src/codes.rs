//! Catalog codes looked up by Vietnamese name in the embedded TSVs of hoso-domain, so that the
//! generator follows whatever codes the catalogs carry. A row whose `code` column is empty yields
//! `None` and the generator leaves that field out rather than invent a code.

macro_rules! catalog {
    ($f:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../hoso-domain/data/catalogs/",
            $f
        ))
    };
}

pub(crate) const DAN_TOC: &str = catalog!("dan_toc.tsv");
pub(crate) const TON_GIAO: &str = catalog!("ton_giao.tsv");
pub(crate) const TRINH_DO: &str = catalog!("trinh_do.tsv");
pub(crate) const DANH_GIA: &str = catalog!("danh_gia_xep_loai.tsv");
pub(crate) const KHEN_THUONG: &str = catalog!("khen_thuong_ky_luat.tsv");
pub(crate) const QUAN_HE: &str = catalog!("quan_he_gia_dinh.tsv");
pub(crate) const CHUC_VU: &str = catalog!("chuc_vu.tsv");
pub(crate) const TINH_CU: &str = catalog!("tinh_thanh_truoc_2025.tsv");

/// Rows of a TSV as (header → value) lookups; comment lines (`#`) skipped.
pub(crate) struct Tsv {
    header: Vec<&'static str>,
    rows: Vec<Vec<&'static str>>,
}

impl Tsv {
    pub(crate) fn parse(text: &'static str) -> Tsv {
        let mut lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        let header = lines
            .next()
            .unwrap_or("")
            .split('\t')
            .map(str::trim)
            .collect();
        let rows = lines
            .map(|l| l.split('\t').map(str::trim).collect())
            .collect();
        Tsv { header, rows }
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| *h == name)
    }

    pub(crate) fn get(&self, row: usize, col: &str) -> &'static str {
        self.col(col)
            .and_then(|c| self.rows[row].get(c).copied())
            .unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The code of the first row named `name` (and of `kind`, when given, matched against the
    /// `kind` or `side` column), or `None` if there is no such row or its code is empty.
    pub(crate) fn code(&self, kind: Option<&str>, name: &str) -> Option<&'static str> {
        let kc = self.col("kind").or_else(|| self.col("side"));
        (0..self.len())
            .find(|&r| {
                self.get(r, "name_vi") == name
                    && match (kind, kc) {
                        (Some(k), Some(c)) => self.rows[r].get(c).copied() == Some(k),
                        _ => true,
                    }
            })
            .map(|r| self.get(r, "code"))
            .filter(|c| !c.is_empty())
    }

    /// Row index of the first row whose name starts with `prefix` and whose column `col`
    /// contains `needle`.
    pub(crate) fn find(&self, prefix: &str, col: &str, needle: &str) -> Option<usize> {
        (0..self.len()).find(|&r| {
            self.get(r, "name_vi").starts_with(prefix) && self.get(r, col).contains(needle)
        })
    }
}
