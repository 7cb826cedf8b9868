//! The plain model of a printed document: what is printed, in order, already in words (labels
//! from the record schema, values as a reader reads them). No SQL, no HTTP, no layout: the
//! `hoso-documents` crate lays it out as PDF (typst) and DOCX.

use serde::Serialize;

/// A label and the value printed after it ("Dân tộc: Kinh").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Labeled {
    pub label: String,
    pub value: String,
}

impl Labeled {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Labeled {
        Labeled {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A table of a form: its caption (may be empty), its column headers (repeated on every page
/// the table runs over) and its rows of text.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FormTable {
    pub caption: String,
    pub columns: Vec<String>,
    /// Relative widths of the columns (one per column; empty: equal widths).
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<String>>,
    /// An upper header row over the last columns, as statutory forms print it ("Trong đó" over
    /// "Nữ", "Đảng viên"…): each group's label and its columns' own labels, which then replace
    /// those of `columns` in the header. Empty: one header row.
    pub header_groups: Vec<HeaderGroup>,
}

/// A label spanning several columns of a table's header.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HeaderGroup {
    pub label: String,
    pub columns: Vec<String>,
}

/// One numbered item of a form ("14)"), with its heading (bold when it is a whole part, as
/// "28) TÓM TẮT QUÁ TRÌNH CÔNG TÁC"), its labelled values, its free texts and its tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FormItem {
    pub number: String,
    /// Empty for an item that is only labelled values.
    pub heading: String,
    pub fields: Vec<Labeled>,
    /// Long texts printed as paragraphs under their label.
    pub texts: Vec<Labeled>,
    pub tables: Vec<FormTable>,
}

/// A signature block: who signs ("Người khai"), what it says under the title, the name.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Signature {
    pub title: String,
    pub note: String,
    pub name: String,
}

/// The sơ yếu lý lịch (mẫu 2C-BNV/2008) of one person, from one version of the record.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Form2c {
    /// The lines top left: managing agency, employing unit, personnel number.
    pub header: Vec<Labeled>,
    /// The form's mark, top right ("Mẫu 2C-BNV/2008").
    pub form_mark: String,
    /// The text in the photo box ("Ảnh màu (4 x 6 cm)"); empty: no box.
    pub photo_box: String,
    pub title: String,
    pub items: Vec<FormItem>,
    /// "…, ngày … tháng … năm …".
    pub place_date: String,
    pub signatures: Vec<Signature>,
    /// Printed at the foot of every page: the version and its hash.
    pub footer: String,
    /// The document's title in the file's metadata.
    pub document_title: String,
}

/// A report in the official presentation: issuing body and national motto, place and date,
/// title, the table, the signature block.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ReportDocument {
    /// The issuing body, top left (one line each: superior body, then the unit).
    pub issuer: Vec<String>,
    /// The national motto, top right (two lines).
    pub motto: Vec<String>,
    /// "Quảng Nam, ngày 03 tháng 12 năm 2026".
    pub place_date: String,
    pub title: String,
    /// Lines under the title (filters, "tính đến ngày …").
    pub subtitle: Vec<String>,
    pub table: FormTable,
    /// Notes under the table (a cut list says so).
    pub notes: Vec<String>,
    pub signatures: Vec<Signature>,
    pub footer: String,
}

/// The national motto as printed at the head of every administrative document.
pub const NATIONAL_MOTTO: [&str; 2] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
];

/// "ngày 03 tháng 12 năm 2026".
pub fn date_words(date: time::Date) -> String {
    format!(
        "ngày {:02} tháng {:02} năm {}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}
