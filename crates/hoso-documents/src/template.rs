//! Word templates the province edits: the names a template uses (read back with `handlebars`'
//! own parser, so that what is checked is what will be filled), filling one
//! (`docx-handlebars`, which mends the placeholders Word splits across runs), and the
//! built-in template of each document, made with docx-rs, that a province starts from.

use std::io::{Cursor, Read};

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableRow, WidthType,
};
use handlebars::template::{Parameter, Template, TemplateElement};
use hoso_domain::templates::TemplateKind;
use quick_xml::events::Event;

use crate::DocumentError;

/// Why an uploaded file cannot be read as a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateFileError {
    #[error("Tệp không phải văn bản Word (.docx): {0}.")]
    NotDocx(String),
    #[error("Mẫu có lỗi cú pháp trường ở {0}: {1}. Mỗi trường viết dạng {{{{ten_truong}}}}.")]
    Syntax(String, String),
}

/// The parts of a DOCX that hold text a template can fill.
fn is_text_part(name: &str) -> bool {
    name == "word/document.xml"
        || ((name.starts_with("word/header") || name.starts_with("word/footer"))
            && name.ends_with(".xml"))
}

/// The text of one part, tags removed, entities resolved: what the placeholders read as once
/// Word's runs are merged.
fn part_text(xml: &str) -> Result<String, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Text(t)) => text.push_str(&t.decode().map_err(|e| e.to_string())?),
            Ok(Event::CData(t)) => text.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&r.decode().unwrap_or_default())
                {
                    text.push_str(s);
                }
            }
            Ok(Event::Eof) => return Ok(text),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Every name a template uses, in order of appearance: plain paths (`so_quyet_dinh`,
/// `ho_so.general.gender`), `list.name` for a name used inside `{{#each list}}`, and
/// `#list:list` for each loop. Refused when the file is not a DOCX or a placeholder cannot be
/// read.
pub fn template_names(docx: &[u8]) -> Result<Vec<String>, TemplateFileError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx))
        .map_err(|e| TemplateFileError::NotDocx(format!("không mở được tệp nén ({e})")))?;
    let mut parts: Vec<String> = Vec::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| TemplateFileError::NotDocx(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| TemplateFileError::NotDocx(e.to_string()))?
            .to_string();
        if is_text_part(&name) {
            parts.push(name);
        }
    }
    if !parts.iter().any(|p| p == "word/document.xml") {
        return Err(TemplateFileError::NotDocx(
            "thiếu phần nội dung word/document.xml".into(),
        ));
    }
    let mut names = Vec::new();
    for part in parts {
        let mut xml = String::new();
        zip.by_name(&part)
            .map_err(|e| TemplateFileError::NotDocx(e.to_string()))?
            .read_to_string(&mut xml)
            .map_err(|e| TemplateFileError::NotDocx(format!("{part}: {e}")))?;
        let text =
            part_text(&xml).map_err(|e| TemplateFileError::NotDocx(format!("{part}: {e}")))?;
        let template = Template::compile(&text)
            .map_err(|e| TemplateFileError::Syntax(part_label(&part), e.reason().to_string()))?;
        walk(&template, None, &mut names);
    }
    Ok(names)
}

fn part_label(part: &str) -> String {
    if part == "word/document.xml" {
        "nội dung".into()
    } else if part.starts_with("word/header") {
        "đầu trang".into()
    } else {
        "chân trang".into()
    }
}

fn push_name(raw: &str, list: Option<&str>, out: &mut Vec<String>) {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with('@') {
        return;
    }
    // `../x` inside a loop names the document's own `x`.
    if let Some(outer) = raw.strip_prefix("../") {
        return push_name(outer, None, out);
    }
    let raw = raw
        .strip_prefix("this.")
        .or_else(|| raw.strip_prefix("./"))
        .unwrap_or(raw);
    if raw == "this" {
        return;
    }
    out.push(match list {
        Some(l) => format!("{l}.{raw}"),
        None => raw.to_string(),
    });
}

fn param(p: &Parameter, list: Option<&str>, out: &mut Vec<String>) {
    match p {
        Parameter::Name(_) | Parameter::Path(_) => {
            push_name(p.as_name().unwrap_or_default(), list, out)
        }
        Parameter::Subexpression(sub) => element(&sub.element, list, out),
        _ => {}
    }
}

fn element(e: &TemplateElement, list: Option<&str>, out: &mut Vec<String>) {
    match e {
        TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
            param(&h.name, list, out);
            for p in h.params.iter().chain(h.hash.values()) {
                param(p, list, out);
            }
        }
        TemplateElement::HelperBlock(h) => {
            let helper = h.name.as_name().unwrap_or_default();
            let inner = if helper == "each" {
                // The loop's list, and its body read with the list as context.
                let name = h.params.first().and_then(Parameter::as_name);
                name.map(|n| {
                    let n = n.trim_start_matches("this.").to_string();
                    out.push(format!("#list:{n}"));
                    n
                })
            } else {
                for p in h.params.iter().chain(h.hash.values()) {
                    param(p, list, out);
                }
                list.map(str::to_string)
            };
            for t in [&h.template, &h.inverse].into_iter().flatten() {
                walk(t, inner.as_deref(), out);
            }
        }
        TemplateElement::DecoratorExpression(d)
        | TemplateElement::DecoratorBlock(d)
        | TemplateElement::PartialExpression(d)
        | TemplateElement::PartialBlock(d) => {
            // Partials and decorators are not available to templates: name them so the check
            // refuses them.
            if let Some(n) = d.name.as_name() {
                out.push(format!(">{n}"));
            }
        }
        TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
        _ => {}
    }
}

fn walk(t: &Template, list: Option<&str>, out: &mut Vec<String>) {
    for e in &t.elements {
        element(e, list, out);
    }
}

/// The template filled with `data` (an object of the template's fields).
pub fn fill_template(docx: Vec<u8>, data: &serde_json::Value) -> Result<Vec<u8>, DocumentError> {
    docx_handlebars::render_template(docx, data)
        .map_err(|e| DocumentError::Docx(format!("điền mẫu: {e}")))
}

// ───────────────────────────── the built-in templates ─────────────────────────────

const CM: f64 = 566.93;
const BODY: usize = 26;

/// A body paragraph: justified, first line indented 1 cm, 6 pt after (NĐ 30/2020 Phụ lục I).
fn p(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .line_spacing(LineSpacing::new().after(120))
        .add_run(Run::new().add_text(text))
}

/// A line of a signature or "Nơi nhận" block: left, no indent, 12 pt.
fn line(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).size(24))
}

fn centered(text: &str, bold: bool) -> Paragraph {
    let run = Run::new().add_text(text);
    Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().after(60))
        .add_run(if bold { run.bold() } else { run })
}

/// A centred line of the heading block, 12 pt (so the motto holds on one line).
fn head_line(text: &str, bold: bool) -> Paragraph {
    let run = Run::new().add_text(text).size(24);
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(if bold { run.bold() } else { run })
}

fn cell(text: &str, width: usize, bold: bool) -> TableCell {
    let run = Run::new().add_text(text).size(24);
    TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(if bold { run.bold() } else { run }))
}

/// The heading every document shares: the issuing body on the left, the national motto on the
/// right, then the place and date line.
/// A layout table: two cells side by side, no borders.
fn side_by_side(left: TableCell, right: TableCell, widths: [usize; 2]) -> Table {
    Table::new(vec![TableRow::new(vec![
        left.width(widths[0], WidthType::Dxa).clear_all_border(),
        right.width(widths[1], WidthType::Dxa).clear_all_border(),
    ])])
    .set_grid(widths.to_vec())
    .clear_all_border()
}

/// The heading every document shares (NĐ 30/2020 Phụ lục I): the issuing body and the number on
/// the left, the national motto and the place and date on the right.
fn heading(number_line: &str) -> Table {
    let left = TableCell::new()
        .add_paragraph(head_line("{{co_quan_cap_tren}}", false))
        .add_paragraph(head_line("{{co_quan}}", true))
        .add_paragraph(head_line(number_line, false));
    let right = TableCell::new()
        .add_paragraph(head_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", true))
        .add_paragraph(head_line("Độc lập - Tự do - Hạnh phúc", true))
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text("……, {{ngay_lap}}").italic().size(24)),
        );
    side_by_side(left, right, [3600, 5700])
}

fn signature(title: &str) -> Table {
    let left = TableCell::new()
        .add_paragraph(
            Paragraph::new().add_run(Run::new().add_text("Nơi nhận:").bold().italic().size(24)),
        )
        .add_paragraph(line("- Như trên;"))
        .add_paragraph(line("- Lưu: VT, TCCB."));
    let right = TableCell::new()
        .add_paragraph(head_line(title, true))
        .add_paragraph(head_line("(Ký, ghi rõ họ tên và đóng dấu)", false));
    side_by_side(left, right, [4300, 5000])
}

fn document() -> Docx {
    page(false)
}

/// A4, portrait or landscape (a table of six columns whose codes must not wrap).
fn page(landscape: bool) -> Docx {
    let (w, h) = if landscape {
        (16838, 11906)
    } else {
        (11906, 16838)
    };
    Docx::new()
        .page_size(w, h)
        .page_margin(PageMargin {
            top: (2.0 * CM) as i32,
            bottom: (2.0 * CM) as i32,
            left: (3.0 * CM) as i32,
            right: (1.5 * CM) as i32,
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
}

/// The built-in template of `kind`: the layout of Nghị định 30/2020/NĐ-CP (administrative
/// documents) with the document's fields in place. Provinces download it, edit it in Word and
/// upload their own.
pub fn default_template(kind: TemplateKind) -> Result<Vec<u8>, DocumentError> {
    let docx = match kind {
        TemplateKind::TransferDecision => document()
            .add_table(heading("Số: {{so_quyet_dinh}}"))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered("QUYẾT ĐỊNH", true))
            .add_paragraph(centered("Về việc {{lower loai_bien_dong}} công chức, viên chức", true))
            .add_paragraph(centered("THỦ TRƯỞNG {{co_quan}}", true))
            .add_paragraph(p(
                "Căn cứ Luật Cán bộ, công chức; Luật Viên chức và các văn bản hướng dẫn thi hành;",
            ))
            .add_paragraph(p("Căn cứ nhu cầu công tác và đề nghị của bộ phận tổ chức cán bộ,"))
            .add_paragraph(centered("QUYẾT ĐỊNH:", true))
            .add_paragraph(p(
                "Điều 1. {{loai_bien_dong}} ông (bà) {{ho_ten}}, sinh ngày {{ho_so.general.date_of_birth}}, hiện công tác tại {{don_vi_di}}, đến công tác tại {{don_vi_den}}{{#if chuc_vu_moi}}, giữ chức vụ {{chuc_vu_moi}}{{/if}}, kể từ ngày {{ngay_hieu_luc}}.",
            ))
            .add_paragraph(p(
                "Điều 2. Ông (bà) {{ho_ten}} có trách nhiệm bàn giao công việc và hồ sơ theo quy định.",
            ))
            .add_paragraph(p(
                "Điều 3. Thủ trưởng các đơn vị có liên quan và ông (bà) {{ho_ten}} chịu trách nhiệm thi hành Quyết định này.",
            ))
            .add_paragraph(Paragraph::new())
            .add_table(signature("{{nguoi_ky}}")),
        TemplateKind::TransferHandover => document()
            .add_table(heading(""))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered("BIÊN BẢN BÀN GIAO HỒ SƠ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC", true))
            .add_paragraph(p(
                "Thực hiện Quyết định số {{so_quyet_dinh}} ngày {{ngay_quyet_dinh}} của {{nguoi_ky}} về việc {{loai_bien_dong}} ông (bà) {{ho_ten}}, có hiệu lực từ ngày {{ngay_hieu_luc}}.",
            ))
            .add_paragraph(p("Hôm nay, {{ngay_lap}}, chúng tôi gồm:"))
            .add_paragraph(p("Bên giao: {{don_vi_di}}"))
            .add_paragraph(p("Bên nhận: {{don_vi_den}}"))
            .add_paragraph(p(
                "Bên giao đã bàn giao cho bên nhận hồ sơ điện tử của ông (bà) {{ho_ten}}, phiên bản số {{phien_ban}}, mã băm SHA-256 {{ma_bam}}, cùng các văn bản, tài liệu kèm theo.",
            ))
            .add_paragraph(p("Biên bản được lập thành 02 bản, mỗi bên giữ 01 bản."))
            .add_table(side_by_side(
                TableCell::new()
                    .add_paragraph(head_line("ĐẠI DIỆN BÊN GIAO", true))
                    .add_paragraph(head_line("(Ký, ghi rõ họ tên)", false)),
                TableCell::new()
                    .add_paragraph(head_line("ĐẠI DIỆN BÊN NHẬN", true))
                    .add_paragraph(head_line("(Ký, ghi rõ họ tên)", false)),
                [4650, 4650],
            )),
        TemplateKind::StepIncrease => document()
            .add_table(heading("Số: ……/QĐ-……"))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered("QUYẾT ĐỊNH", true))
            .add_paragraph(centered("Về việc nâng bậc lương thường xuyên", true))
            .add_paragraph(p(
                "Căn cứ Nghị định số 204/2004/NĐ-CP ngày 14/12/2004 của Chính phủ về chế độ tiền lương đối với cán bộ, công chức, viên chức và lực lượng vũ trang;",
            ))
            .add_paragraph(p(
                "Căn cứ Thông tư số 08/2013/TT-BNV ngày 31/7/2013 của Bộ Nội vụ hướng dẫn thực hiện chế độ nâng bậc lương thường xuyên và nâng bậc lương trước thời hạn (sửa đổi bởi Thông tư số 03/2021/TT-BNV),",
            ))
            .add_paragraph(centered("QUYẾT ĐỊNH:", true))
            .add_paragraph(p(
                "Điều 1. Nâng bậc lương thường xuyên đối với ông (bà) {{ho_ten}}, ngạch {{ngach}} (mã số {{ma_ngach}}), từ bậc {{bac_hien_tai}}, hệ số {{he_so_hien_tai}} lên bậc {{bac_moi}}, hệ số {{he_so_moi}}, kể từ ngày {{ngay_huong_moi}}.",
            ))
            .add_paragraph(p(
                "Thời gian xét nâng bậc lương lần sau được tính kể từ ngày {{ngay_huong_moi}}.",
            ))
            .add_paragraph(p(
                "Điều 2. Thủ trưởng đơn vị, bộ phận tài chính và ông (bà) {{ho_ten}} chịu trách nhiệm thi hành Quyết định này.",
            ))
            .add_paragraph(Paragraph::new())
            .add_table(signature("THỦ TRƯỞNG ĐƠN VỊ")),
        TemplateKind::RetirementNotice => document()
            .add_table(heading("Số: ……/TB-……"))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered("THÔNG BÁO", true))
            .add_paragraph(centered("Về việc nghỉ hưu để hưởng chế độ bảo hiểm xã hội", true))
            .add_paragraph(p(
                "Căn cứ Bộ luật Lao động năm 2019 và Nghị định số 135/2020/NĐ-CP ngày 18/11/2020 của Chính phủ quy định về tuổi nghỉ hưu;",
            ))
            .add_paragraph(p(
                "{{co_quan}} thông báo: ông (bà) {{ho_ten}}, sinh ngày {{ngay_sinh}}, đủ {{tuoi_nghi_huu}} vào tháng {{thang_du_tuoi}}; thời điểm nghỉ hưu là ngày {{ngay_nghi_huu}}.",
            ))
            .add_paragraph(p(
                "Quyết định nghỉ hưu sẽ được ban hành chậm nhất ngày {{han_quyet_dinh}}. Đề nghị ông (bà) {{ho_ten}} chuẩn bị bàn giao công việc và hồ sơ hưởng chế độ bảo hiểm xã hội.",
            ))
            .add_paragraph(Paragraph::new())
            .add_table(signature("THỦ TRƯỞNG ĐƠN VỊ")),
        TemplateKind::ActivationSheet => {
            // Landscape: the codes and dates never wrap (25 cm of text width).
            let widths = [700, 3600, 3800, 2000, 2600, 1500];
            let header = TableRow::new(
                ["STT", "Họ và tên", "Đơn vị", "Tên đăng nhập", "Mã kích hoạt", "Hạn dùng"]
                    .iter()
                    .zip(widths)
                    .map(|(t, w)| cell(t, w, true))
                    .collect(),
            );
            let marker = |text: &str| {
                TableRow::new(vec![
                    cell(text, widths.iter().sum(), false).grid_span(widths.len()),
                ])
            };
            let row = TableRow::new(
                [
                    "{{stt}}",
                    "{{ho_ten}}",
                    "{{don_vi}}",
                    "{{ten_dang_nhap}}",
                    "{{ma_kich_hoat}}",
                    "{{han_kich_hoat}}",
                ]
                .iter()
                .zip(widths)
                .map(|(t, w)| cell(t, w, false))
                .collect(),
            );
            page(true)
                .add_table(heading(""))
            .add_paragraph(Paragraph::new())
                .add_paragraph(centered("PHIẾU BÀN GIAO TÀI KHOẢN CÁ NHÂN", true))
                .add_paragraph(centered("{{don_vi}}: {{so_nguoi}} người", false))
                .add_table(
                    Table::new(vec![
                        header,
                        marker("{{#each nguoi}}{{removeTableRow}}"),
                        row,
                        marker("{{/each}}{{removeTableRow}}"),
                    ])
                    .set_grid(widths.to_vec()),
                )
                .add_paragraph(p(
                    "Mỗi người tự kích hoạt tài khoản tại {{trang_kich_hoat}} bằng tên đăng nhập và mã kích hoạt của mình, rồi đặt mật khẩu riêng. Mã chỉ dùng được một lần và trước hạn ghi trên phiếu; Hoso không lưu và không in mật khẩu.",
                ))
                .add_paragraph(Paragraph::new())
            .add_table(signature("NGƯỜI BÀN GIAO"))
        }
    };
    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_domain::schema::SchemaSet;
    use hoso_domain::templates::check_fields;

    #[test]
    fn every_built_in_template_passes_its_own_check() {
        let schema = SchemaSet::embedded().latest();
        for kind in TemplateKind::ALL {
            let bytes = default_template(kind).unwrap();
            let names = template_names(&bytes).unwrap();
            assert_eq!(
                check_fields(kind, schema, &names),
                Ok(()),
                "{kind:?}: {names:?}"
            );
        }
    }

    #[test]
    fn names_inside_a_loop_are_the_items_and_outer_names_stay_plain() {
        let bytes = default_template(TemplateKind::ActivationSheet).unwrap();
        let names = template_names(&bytes).unwrap();
        assert!(names.contains(&"#list:nguoi".to_string()), "{names:?}");
        assert!(
            names.contains(&"nguoi.ma_kich_hoat".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"don_vi".to_string()), "{names:?}");
        assert!(!names.contains(&"ma_kich_hoat".to_string()), "{names:?}");
    }

    #[test]
    fn a_file_that_is_not_a_docx_is_refused() {
        assert!(matches!(
            template_names(b"not a zip"),
            Err(TemplateFileError::NotDocx(_))
        ));
    }
}
