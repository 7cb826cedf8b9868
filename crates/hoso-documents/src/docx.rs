//! DOCX through docx-rs: A4, Times New Roman (Word's own; nothing embedded), tables whose
//! header row repeats on every page and whose rows do not split.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Table, TableCell, TableRow, WidthType,
};
use hoso_export::document::{Form2c, FormTable, ReportDocument, Signature};

use crate::DocumentError;

/// Twentieths of a point per centimetre.
const CM: f64 = 566.93;
/// A4 in twentieths of a point.
const A4: (u32, u32) = (11906, 16838);
/// Half-points.
const BODY: usize = 24;
const SMALL: usize = 22;

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn base(landscape: bool) -> (Docx, i32) {
    let (w, h) = if landscape { (A4.1, A4.0) } else { A4 };
    let (left, right) = ((2.5 * CM) as i32, (2.0 * CM) as i32);
    let docx = Docx::new()
        .page_size(w, h)
        .page_margin(PageMargin {
            top: (2.0 * CM) as i32,
            bottom: (2.0 * CM) as i32,
            left,
            right,
            header: (1.0 * CM) as i32,
            footer: (1.0 * CM) as i32,
            gutter: 0,
        })
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(BODY)
        .default_line_spacing(LineSpacing::new().after(80));
    (docx, w as i32 - left - right)
}

fn footer(text: &str) -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run(text).size(18))
            .add_run(run("   Trang ").size(18))
            .add_page_num(PageNum::new()),
    )
}

/// A table whose rows never split across pages and whose header row repeats on every page
/// (`w:tblHeader`, added in [`pack`] after docx-rs, which has no builder for it: it marks each
/// table's first row).
fn table(t: &FormTable, width: i32) -> Table {
    let weights: Vec<f64> = if t.widths.len() == t.columns.len() {
        t.widths.clone()
    } else {
        vec![1.0; t.columns.len()]
    };
    let total: f64 = weights.iter().sum::<f64>().max(1.0);
    let grid: Vec<usize> = weights
        .iter()
        .map(|w| (f64::from(width) * w / total) as usize)
        .collect();
    let cell = |text: &str, w: usize, bold: bool| {
        let mut r = run(text).size(SMALL);
        if bold {
            r = r.bold();
        }
        TableCell::new()
            .width(w, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(r))
    };
    let header = TableRow::new(
        t.columns
            .iter()
            .zip(&grid)
            .map(|(c, w)| cell(c, *w, true))
            .collect(),
    )
    .cant_split();
    let mut rows = vec![header];
    for row in &t.rows {
        rows.push(
            TableRow::new(
                row.iter()
                    .zip(&grid)
                    .map(|(c, w)| cell(c, *w, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(grid)
        .width(width as usize, WidthType::Dxa)
}

fn signatures(docx: Docx, signatures: &[Signature], width: i32) -> Docx {
    if signatures.is_empty() {
        return docx;
    }
    let w = (width as usize) / signatures.len();
    let cells = signatures
        .iter()
        .map(|s| {
            TableCell::new()
                .width(w, WidthType::Dxa)
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run(&s.title).bold()),
                )
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(run(&s.note).italic().size(SMALL)),
                )
                .add_paragraph(
                    Paragraph::new()
                        .line_spacing(LineSpacing::new().before(1400))
                        .align(AlignmentType::Center)
                        .add_run(run(&s.name).bold()),
                )
        })
        .collect();
    docx.add_table(
        Table::without_borders(vec![TableRow::new(cells)]).width(width as usize, WidthType::Dxa),
    )
}

fn pack(docx: Docx) -> Result<Vec<u8>, DocumentError> {
    let mut xml = docx.build();
    let document =
        String::from_utf8(xml.document).map_err(|e| DocumentError::Docx(e.to_string()))?;
    // The first row of each table made by [`table`] is its header: the first `cantSplit` after
    // the table opens (tables are not nested; the signature block's rows have none).
    let document = document
        .split("<w:tbl>")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                part.replacen("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />", 1)
            }
        })
        .collect::<Vec<_>>()
        .join("<w:tbl>");
    xml.document = document.into_bytes();
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// The mẫu 2C of one person as a Word document.
pub fn form_2c_docx(form: &Form2c) -> Result<Vec<u8>, DocumentError> {
    let (mut docx, width) = base(false);
    docx = docx.footer(footer(&form.footer));
    for l in &form.header {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(run(&format!("{}: ", l.label)).size(SMALL))
                .add_run(run(&l.value).bold().size(SMALL)),
        );
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(run(&form.form_mark).italic().size(20)),
    );
    if !form.photo_box.is_empty() {
        let w = (3.0 * CM) as usize;
        docx = docx.add_table(
            Table::new(vec![
                TableRow::new(vec![
                    TableCell::new().width(w, WidthType::Dxa).add_paragraph(
                        Paragraph::new()
                            .align(AlignmentType::Center)
                            .line_spacing(LineSpacing::new().before(800).after(800))
                            .add_run(run(&form.photo_box).size(20)),
                    ),
                ])
                .row_height((4.0 * CM) as f32),
            ])
            .set_grid(vec![w])
            .width(w, WidthType::Dxa),
        );
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240).after(240))
            .add_run(run(&form.title).bold().size(30)),
    );
    for item in &form.items {
        if item.heading.is_empty() {
            let mut p = Paragraph::new().add_run(run(&format!("{}) ", item.number)));
            for (i, f) in item.fields.iter().enumerate() {
                if i > 0 {
                    p = p.add_run(run("; "));
                }
                p = p
                    .add_run(run(&format!("{}: ", f.label)))
                    .add_run(run(&f.value).bold());
            }
            docx = docx.add_paragraph(p);
        } else {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .line_spacing(LineSpacing::new().before(200))
                    .add_run(
                        run(&format!("{}) {}", item.number, item.heading.to_uppercase())).bold(),
                    ),
            );
            for f in &item.fields {
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .add_run(run(&format!("{}: ", f.label)))
                        .add_run(run(&f.value).bold()),
                );
            }
        }
        for t in &item.texts {
            docx = docx
                .add_paragraph(
                    Paragraph::new()
                        .keep_next(true)
                        .add_run(run(&t.label).italic()),
                )
                .add_paragraph(para(if t.value.is_empty() { "..." } else { &t.value }));
        }
        for t in &item.tables {
            if !t.caption.is_empty() {
                docx = docx.add_paragraph(
                    Paragraph::new()
                        .keep_next(true)
                        .line_spacing(LineSpacing::new().before(120))
                        .add_run(run(&t.caption).italic()),
                );
            }
            if t.rows.is_empty() {
                docx = docx.add_paragraph(para("(Không có)").size(SMALL));
            } else {
                docx = docx.add_table(table(t, width));
            }
        }
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(LineSpacing::new().before(360))
            .add_run(run(&form.place_date).italic()),
    );
    docx = signatures(docx, &form.signatures, width);
    pack(docx)
}

/// A report in the official presentation as a Word document (landscape when wide).
pub fn report_docx(report: &ReportDocument) -> Result<Vec<u8>, DocumentError> {
    let landscape = report.table.columns.len() > 6;
    let (mut docx, width) = base(landscape);
    docx = docx.footer(footer(&report.footer));
    let half = (width as usize) / 2;
    let mut left = TableCell::new().width(half, WidthType::Dxa);
    for (i, l) in report.issuer.iter().enumerate() {
        let r = if i + 1 == report.issuer.len() {
            run(l).bold()
        } else {
            run(&l.to_uppercase())
        };
        left = left.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(r));
    }
    let mut right = TableCell::new().width(half, WidthType::Dxa);
    for l in &report.motto {
        right = right.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(l).bold()),
        );
    }
    docx = docx.add_table(
        Table::without_borders(vec![TableRow::new(vec![left, right])])
            .width(width as usize, WidthType::Dxa),
    );
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Right)
                .add_run(run(&report.place_date).italic()),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(240).after(120))
                .add_run(run(&report.title.to_uppercase()).bold().size(28)),
        );
    for l in &report.subtitle {
        docx = docx.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(l).italic()),
        );
    }
    docx = docx.add_table(table(&report.table, width));
    for n in &report.notes {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(n).italic()));
    }
    docx =
        docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::TextWrapping)));
    docx = signatures(docx, &report.signatures, width);
    pack(docx)
}
