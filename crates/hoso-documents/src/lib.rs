//! Printed documents from a plain typed model (`hoso_export::document`): the sơ yếu lý lịch
//! (mẫu 2C-BNV/2008) and reports in the official presentation, as PDF (typst as a library,
//! Liberation Serif embedded) and DOCX (docx-rs; Word substitutes Times New Roman).
//!
//! Heavy to build (typst): only `hoso-web` and the binaries depend on this crate; the model
//! lives in `hoso-export` so that `hoso-app` can fill it without it.

mod docx;
mod pdf;
mod template;

pub use docx::{form_2c_docx, report_docx};
pub use hoso_export::document::{
    Form2c, FormItem, FormTable, HeaderGroup, Labeled, NATIONAL_MOTTO, ReportDocument, Signature,
    date_words,
};
pub use pdf::{form_2c_pdf, report_pdf};
pub use template::{TemplateFileError, default_template, fill_template, template_names};

/// The formats a printed document comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    Docx,
}

impl DocumentFormat {
    /// `pdf` or `docx`, as in a `?format=` parameter.
    pub fn parse(value: &str) -> Option<DocumentFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(DocumentFormat::Pdf),
            "docx" => Some(DocumentFormat::Docx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Docx => "docx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("typst: {0}")]
    Typst(String),
    #[error("docx: {0}")]
    Docx(String),
}

/// The day a document is dated, and the day typst's `today()` answers: the application's
/// clock, never the system's.
pub type Day = time::Date;
