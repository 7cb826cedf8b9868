//! The documents read back with tools no one here wrote: poppler's `pdftotext` (every printed
//! value, diacritics exact), `pdffonts` (fonts embedded), `pdftoppm` (page images, kept in
//! the test output to look at), LibreOffice headless (opens each DOCX and converts it).
//! A test whose tool is absent says so and passes; `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_documents::{
    Form2c, FormItem, FormTable, HeaderGroup, Labeled, ReportDocument, Signature,
};

fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn skip(name: &str) -> bool {
    if tool(name).is_none() {
        eprintln!(
            "SKIPPED: `{name}` is not installed (apt-get install poppler-utils libreoffice-writer-nogui)"
        );
        return true;
    }
    false
}

fn today() -> time::Date {
    time::macros::date!(2026 - 12 - 03)
}

/// Where the page images are kept: `target/tmp/hoso-documents`.
fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hoso-documents");
    std::fs::create_dir_all(&dir).expect("output dir");
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// `-raw` keeps the content stream's order: a table cell's lines stay together instead of
/// interleaving with the cells beside them.
fn pdftotext(pdf: &Path) -> String {
    run(Command::new("pdftotext")
        .arg("-raw")
        .arg("-enc")
        .arg("UTF-8")
        .arg(pdf)
        .arg("-"))
}

/// Text with its line breaks and repeated spaces folded, so that a value wrapped over two
/// lines is still found.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text without any space, line break or zero-width space: a value wrapped at a space or
/// inside a long word is still found, character for character.
fn unspaced(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}')
        .collect()
}

fn assert_finds(text: &str, values: &[String], what: &str) {
    let text = unspaced(text);
    for v in values {
        let v = unspaced(v);
        if v.is_empty() {
            continue;
        }
        assert!(text.contains(&v), "{what}: «{v}» not found in the text");
    }
}

const LONG_WORD: &str =
    "chuan_ky_nang_su_dung_cong_nghe_thong_tin_co_ban_va_nang_cao_theo_TT03/2014";

/// The text printed inside the A4 page (595 × 842 points): what runs past an edge is left out.
fn text_on_the_page(pdf: &Path) -> String {
    run(Command::new("pdftotext")
        .args([
            "-raw", "-enc", "UTF-8", "-x", "0", "-y", "0", "-W", "595", "-H", "842",
        ])
        .arg(pdf)
        .arg("-"))
}

/// A person with long histories: 40 work history rows, 25 trainings, 30 family members,
/// 35 salary changes, long free texts — several pages, tables breaking across pages.
fn long_form() -> Form2c {
    let l = |a: &str, b: &str| Labeled::new(a, b);
    let work = FormTable {
        caption: String::new(),
        columns: vec![
            "Từ (tháng/năm)".into(),
            "Đến (tháng/năm)".into(),
            "Đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức xã hội)".into(),
            "Chức danh/chức vụ".into(),
        ],
        widths: vec![1.5, 1.5, 3.0, 3.0],
        rows: (0..40)
            .map(|i| {
                vec![
                    format!("{:02}/{}", i % 12 + 1, 1990 + i / 2),
                    format!("{:02}/{}", (i + 5) % 12 + 1, 1990 + i / 2),
                    format!("Phòng Tổ chức cán bộ, Sở Nội vụ tỉnh Quảng Nam, đợt {i}"),
                    format!("Chuyên viên chính phụ trách công tác thi đua, khen thưởng số {i}"),
                ]
            })
            .collect(),
        ..FormTable::default()
    };
    let training = FormTable {
        caption: "Quá trình đào tạo chuyên môn (từ trung cấp trở lên cả trong nước và nước ngoài)"
            .into(),
        columns: vec![
            "Tên cơ sở đào tạo".into(),
            "Chuyên ngành đào tạo".into(),
            "Từ (tháng/năm)".into(),
            "Đến (tháng/năm)".into(),
            "Hình thức đào tạo".into(),
            "Văn bằng, trình độ".into(),
        ],
        widths: vec![3.0, 3.0, 1.5, 1.5, 2.0, 2.0],
        rows: (0..25)
            .map(|i| {
                vec![
                    format!("Trường Đại học Luật Huế cơ sở {i}"),
                    format!("Luật hành chính, quản lý nhà nước khoá {i}"),
                    format!("09/{}", 1985 + i),
                    format!("06/{}", 1986 + i),
                    "Vừa làm vừa học".into(),
                    "Cử nhân".into(),
                ]
            })
            .collect(),
        ..FormTable::default()
    };
    let family = FormTable {
        caption: "Về bản thân".into(),
        columns: vec![
            "Mối quan hệ".into(),
            "Họ và tên".into(),
            "Năm sinh".into(),
            "Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở".into(),
        ],
        widths: vec![2.0, 3.0, 1.0, 5.0],
        rows: (0..30)
            .map(|i| {
                vec![
                    "Anh ruột".into(),
                    format!("Nguyễn Thị Hằng Nguyệt {i}"),
                    format!("{}", 1950 + i),
                    if i == 7 {
                        // A value without spaces, wider than its column.
                        LONG_WORD.to_string()
                    } else {
                        format!(
                            "Điện Bàn, Quảng Nam; nông dân; ở thôn Phú Nhuận, xã Điện Hồng số {i}"
                        )
                    },
                ]
            })
            .collect(),
        ..FormTable::default()
    };
    let salary = FormTable {
        caption: String::new(),
        columns: vec![
            "Từ (tháng/năm)".into(),
            "Đến (tháng/năm)".into(),
            "Mã số ngạch/chức danh nghề nghiệp".into(),
            "Bậc lương".into(),
            "Hệ số lương".into(),
        ],
        widths: vec![1.5, 1.5, 3.0, 1.2, 1.2],
        rows: (0..35)
            .map(|i| {
                vec![
                    format!("01/{}", 1990 + i),
                    format!("12/{}", 1991 + i),
                    "Chuyên viên chính (01.002)".into(),
                    format!("{}", i % 8 + 1),
                    format!("{},{:02}", 4 + i % 3, 40 + i),
                ]
            })
            .collect(),
        ..FormTable::default()
    };
    let item = |n: &str, fields: Vec<Labeled>| FormItem {
        number: n.into(),
        fields,
        ..FormItem::default()
    };
    Form2c {
        header: vec![
            l("Cơ quan quản lý cán bộ, công chức, viên chức", "Sở Nội vụ tỉnh Quảng Nam"),
            l("Cơ quan, đơn vị sử dụng cán bộ, công chức, viên chức", "Phòng Tổ chức – Biên chế"),
            l("Số hiệu", "QN-000123"),
        ],
        form_mark: "Mẫu 2C-BNV/2008".into(),
        photo_box: "Ảnh màu (4 x 6 cm)".into(),
        title: "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC".into(),
        items: vec![
            item(
                "1",
                vec![
                    l("Họ và tên khai sinh (viết chữ in hoa)", "NGUYỄN THỊ ỶẾN ĐƯỜNG"),
                    l("Giới tính", "Nữ"),
                ],
            ),
            item("2", vec![l("Các tên gọi khác", "Út Hường, Bé Ngỗng")]),
            item("3", vec![l("Ngày sinh", "17/05/1975")]),
            item(
                "4",
                vec![l("Nơi sinh", "Thôn Phước Ấm, xã Điện Hồng, Quảng Nam")],
            ),
            item("6", vec![l("Dân tộc", "Kinh")]),
            item("7", vec![l("Tôn giáo", "Phật giáo")]),
            FormItem {
                number: "27".into(),
                heading: "Đào tạo, bồi dưỡng về chuyên môn, nghiệp vụ, lý luận chính trị, ngoại ngữ, tin học".into(),
                tables: vec![training],
                ..FormItem::default()
            },
            FormItem {
                number: "28".into(),
                heading: "Tóm tắt quá trình công tác".into(),
                tables: vec![work],
                ..FormItem::default()
            },
            FormItem {
                number: "29".into(),
                heading: "Đặc điểm lịch sử bản thân".into(),
                texts: vec![l(
                    "Có thân nhân (Cha, Mẹ, Vợ, Chồng, con, anh chị em ruột) ở nước ngoài (làm gì, địa chỉ …)?",
                    "Không có thân nhân ở nước ngoài; gia đình ở Điện Bàn từ trước năm 1975.",
                )],
                ..FormItem::default()
            },
            FormItem {
                number: "30".into(),
                heading: "Quan hệ gia đình".into(),
                tables: vec![family],
                ..FormItem::default()
            },
            FormItem {
                number: "31".into(),
                heading: "Quá trình lương của bản thân".into(),
                tables: vec![salary],
                ..FormItem::default()
            },
        ],
        place_date: "……, ngày 03 tháng 12 năm 2026".into(),
        signatures: vec![
            Signature {
                title: "Người khai".into(),
                note: "Tôi xin cam đoan những lời khai trên đây là đúng sự thật (Ký tên, ghi rõ họ tên)".into(),
                name: "Nguyễn Thị Ỷến Đường".into(),
            },
            Signature {
                title: "Thủ trưởng cơ quan, đơn vị quản lý và sử dụng CBCC".into(),
                note: "(Ký tên, đóng dấu)".into(),
                name: String::new(),
            },
        ],
        footer: "Phiên bản 7 · SHA-256 3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8 · In ngày 03/12/2026".into(),
        document_title: "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC — Nguyễn Thị Ỷến Đường".into(),
    }
}

/// Every value the form prints.
fn printed_values(form: &Form2c) -> Vec<String> {
    let mut out: Vec<String> = form.header.iter().map(|l| l.value.clone()).collect();
    for item in &form.items {
        out.extend(item.fields.iter().map(|l| l.value.clone()));
        out.extend(item.texts.iter().map(|l| l.value.clone()));
        for t in &item.tables {
            out.extend(t.rows.iter().flatten().cloned());
        }
    }
    out.extend(form.signatures.iter().map(|s| s.name.clone()));
    out.push("Phiên bản 7".into());
    out.push("3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8".into());
    out
}

#[test]
fn form_2c_pdf_prints_every_value_with_embedded_fonts() {
    let form = long_form();
    let pdf = hoso_documents::form_2c_pdf(&form, today()).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = output_dir();
    let path = dir.join("2c-long.pdf");
    std::fs::write(&path, &pdf).expect("written");
    if skip("pdftotext") {
        return;
    }
    let text = pdftotext(&path);
    assert_finds(&text, &printed_values(&form), "PDF");
    // A word wider than its column wraps inside it: all of it is on the page.
    let on_page = unspaced(&text_on_the_page(&path));
    assert!(
        on_page.contains(LONG_WORD),
        "the long word is printed whole"
    );
    // The table headers repeat on the pages a table runs over.
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 5,
        "a long history runs over pages: {}",
        pages.len()
    );
    let repeated = pages
        .iter()
        .filter(|p| folded(p).contains("Chức danh/chức vụ"))
        .count();
    assert!(
        repeated >= 2,
        "the work history header repeats ({repeated})"
    );
    // Every page carries the version and the hash in its footer.
    for (i, p) in pages.iter().enumerate() {
        assert!(
            folded(p).contains("SHA-256 3f9a0c1b2d4e5f60"),
            "page {} has the footer",
            i + 1
        );
    }

    let fonts = run(Command::new("pdffonts").arg(&path));
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "fonts listed: {fonts}");
    assert!(
        fonts.contains("LiberationSerif"),
        "Liberation Serif used: {fonts}"
    );
    for row in rows {
        // name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font embedded: {row}");
    }

    if skip("pdftoppm") {
        return;
    }
    run(Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&path)
        .arg(dir.join("2c-long-page")));
    eprintln!("page images in {}", dir.display());
}

#[test]
fn form_2c_docx_opens_in_libreoffice() {
    let form = long_form();
    let docx = hoso_documents::form_2c_docx(&form).expect("the DOCX");
    assert!(docx.starts_with(b"PK"));
    let dir = output_dir().join("docx");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("2c-long.docx");
    std::fs::write(&path, &docx).expect("written");
    if skip("soffice") || skip("pdftotext") {
        return;
    }
    let converted = convert_with_libreoffice(&path, &dir);
    let text = pdftotext(&converted);
    assert_finds(&text, &printed_values(&form), "DOCX");
}

fn convert_with_libreoffice(path: &Path, dir: &Path) -> PathBuf {
    // A profile of its own per document: two tests converting side by side must not share
    // one LibreOffice instance (the second then exits without converting).
    let profile = path.with_extension("soffice-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(path)
        .output()
        .expect("soffice runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "soffice failed: {stderr}");
    assert!(!stderr.contains("Error"), "soffice reported: {stderr}");
    let pdf = path.with_extension("pdf");
    assert!(pdf.is_file(), "LibreOffice produced {}", pdf.display());
    pdf
}

fn report() -> ReportDocument {
    ReportDocument {
        issuer: vec!["UBND tỉnh Quảng Nam".into(), "Sở Nội vụ".into()],
        motto: hoso_documents::NATIONAL_MOTTO
            .iter()
            .map(|s| s.to_string())
            .collect(),
        place_date: "Quảng Nam, ngày 03 tháng 12 năm 2026".into(),
        title: "Báo cáo số lượng cán bộ theo giới tính".into(),
        subtitle: vec!["Đơn vị: Sở Nội vụ (kể cả đơn vị trực thuộc)".into()],
        table: FormTable {
            caption: String::new(),
            columns: vec!["Giới tính".into(), "Số người".into()],
            widths: vec![3.0, 1.0],
            rows: (0..80)
                .map(|i| vec![format!("Nữ nhóm {i}"), format!("{}", 100 + i)])
                .collect(),
            ..FormTable::default()
        },
        notes: vec!["Số liệu tính đến ngày 03/12/2026.".into()],
        signatures: vec![
            Signature {
                title: "Người lập biểu".into(),
                note: "(Ký, ghi rõ họ tên)".into(),
                name: "Trần Văn Ước".into(),
            },
            Signature {
                title: "Thủ trưởng đơn vị".into(),
                note: "(Ký tên, đóng dấu)".into(),
                name: String::new(),
            },
        ],
        footer: "Hoso · báo cáo".into(),
    }
}

fn report_values(r: &ReportDocument) -> Vec<String> {
    let mut v: Vec<String> = r.motto.clone();
    v.push(r.place_date.clone());
    v.extend(r.table.rows.iter().flatten().cloned());
    v.extend(
        [
            "Người lập biểu",
            "Thủ trưởng đơn vị",
            "Trần Văn Ước",
            "Sở Nội vụ",
        ]
        .map(String::from),
    );
    v
}

#[test]
fn report_pdf_and_docx_carry_the_official_presentation() {
    let r = report();
    let dir = output_dir().join("report");
    std::fs::create_dir_all(&dir).expect("dir");
    let pdf = hoso_documents::report_pdf(&r, today()).expect("the PDF");
    let pdf_path = dir.join("report.pdf");
    std::fs::write(&pdf_path, &pdf).expect("written");
    let docx = hoso_documents::report_docx(&r).expect("the DOCX");
    let docx_path = dir.join("report-word.docx");
    std::fs::write(&docx_path, &docx).expect("written");
    if skip("pdftotext") {
        return;
    }
    let text = pdftotext(&pdf_path);
    assert_finds(&text, &report_values(&r), "report PDF");
    assert!(folded(&text).contains(&r.title.to_uppercase()));
    if !skip("pdftoppm") {
        run(Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
            .arg(&pdf_path)
            .arg(dir.join("report-page")));
    }
    if skip("soffice") {
        return;
    }
    let converted = convert_with_libreoffice(&docx_path, &dir);
    let text = pdftotext(&converted);
    assert_finds(&text, &report_values(&r), "report DOCX");
}

/// A statutory form: the unit names, then many figures under group headers ("Trong đó" over
/// "Nữ", "Đảng viên"), a group of one column under its own name spanning both header rows.
#[test]
fn a_report_with_header_groups_prints_both_header_rows_and_every_figure() {
    let mut r = report();
    r.title = "Báo cáo số lượng, chất lượng công chức".into();
    let groups = [
        ("Tổng số", vec!["Tổng số"]),
        (
            "Trong đó",
            vec!["Nữ", "Đảng viên", "Dân tộc thiểu số", "Tôn giáo"],
        ),
        (
            "Chia theo ngạch công chức",
            vec![
                "Chuyên viên cao cấp",
                "Chuyên viên chính",
                "Chuyên viên",
                "Cán sự",
                "Nhân viên",
            ],
        ),
        (
            "Chia theo độ tuổi",
            vec!["Từ 30 trở xuống", "Từ 31 đến 40", "Từ 41 đến 50", "Trên 50"],
        ),
        (
            "Lý luận chính trị",
            vec!["Cử nhân", "Cao cấp", "Trung cấp", "Sơ cấp"],
        ),
    ];
    let mut columns = vec!["Tên đơn vị".to_string()];
    r.table.header_groups = groups
        .iter()
        .map(|(label, cols)| {
            columns.extend(cols.iter().map(|c| format!("{label}: {c}")));
            HeaderGroup {
                label: label.to_string(),
                columns: cols.iter().map(|c| c.to_string()).collect(),
            }
        })
        .collect();
    let figures = columns.len() - 1;
    r.table.widths = std::iter::once(6.0)
        .chain(std::iter::repeat_n(1.0, figures))
        .collect();
    r.table.columns = columns;
    r.table.rows = (0..30)
        .map(|i| {
            std::iter::once(format!("Sở thứ {i} của tỉnh"))
                .chain((0..figures).map(|j| format!("{}", 1000 + i * 31 + j)))
                .collect()
        })
        .collect();
    let dir = output_dir().join("report-groups");
    std::fs::create_dir_all(&dir).expect("dir");
    let pdf = hoso_documents::report_pdf(&r, today()).expect("the PDF");
    let pdf_path = dir.join("report.pdf");
    std::fs::write(&pdf_path, &pdf).expect("written");
    if skip("pdftotext") {
        return;
    }
    let text = pdftotext(&pdf_path);
    // The groups and their own column labels, not the flat "group: column" names.
    let mut expected: Vec<String> = groups
        .iter()
        .flat_map(|(label, cols)| {
            std::iter::once(label.to_string()).chain(cols.iter().map(|c| c.to_string()))
        })
        .collect();
    expected.extend(r.table.rows.iter().flatten().cloned());
    assert_finds(&text, &expected, "grouped report PDF");
    assert!(!text.contains("Trong đó: Nữ"), "{text}");
    if !skip("pdftoppm") {
        run(Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
            .arg(&pdf_path)
            .arg(dir.join("report-page")));
    }
}
