//! PDF through typst as a library: a `World` with the template as its only source, the model
//! as its only file (`/data.json`), the embedded fonts, and the application's day.

use std::sync::LazyLock;

use hoso_export::document::{Form2c, ReportDocument};
use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::{Day, DocumentError};

const FORM_2C: &str = include_str!("form_2c.typ");
const REPORT: &str = include_str!("report.typ");

/// Liberation Serif 2 (SIL OFL 1.1, metrics of Times New Roman), every Vietnamese letter.
const LIBERATION_SERIF: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// What every document shares: the standard library, the fonts and their book.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = LIBERATION_SERIF
        .into_iter()
        .chain(typst_assets::fonts())
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file_id("/main.typ"));
static DATA: LazyLock<FileId> = LazyLock::new(|| file_id("/data.json"));

/// One compilation: the template, the data, the day. `file()` answers `/data.json` only.
struct DocWorld {
    main: Source,
    data: Bytes,
    today: Day,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        *MAIN
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            u8::from(self.today.month()),
            self.today.day(),
        )
    }
}

/// How many compilations a memoized typst result may go unused before it is dropped: the
/// template, fonts and their layouts stay (every print uses them), one person's tables go. Without
/// eviction typst's cache keeps every document ever printed (1.8 GB after 340 prints).
const CACHE_MAX_AGE: usize = 10;

fn compile(template: &str, data: &impl Serialize, today: Day) -> Result<Vec<u8>, DocumentError> {
    let pdf = compile_uncached(template, data, today);
    typst::comemo::evict(CACHE_MAX_AGE);
    pdf
}

fn compile_uncached(
    template: &str,
    data: &impl Serialize,
    today: Day,
) -> Result<Vec<u8>, DocumentError> {
    let json = serde_json::to_vec(data).map_err(|e| DocumentError::Typst(e.to_string()))?;
    let world = DocWorld {
        main: Source::new(*MAIN, template.to_string()),
        data: Bytes::new(json),
        today,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| {
            DocumentError::Typst(
                errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        DocumentError::Typst(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The mẫu 2C of one person as an A4 PDF.
pub fn form_2c_pdf(form: &Form2c, today: Day) -> Result<Vec<u8>, DocumentError> {
    compile(FORM_2C, form, today)
}

/// A report in the official presentation as a PDF (landscape when the table is wide).
pub fn report_pdf(report: &ReportDocument, today: Day) -> Result<Vec<u8>, DocumentError> {
    compile(REPORT, report, today)
}
