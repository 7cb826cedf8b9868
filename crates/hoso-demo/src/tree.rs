//! The organisation tree of the demo province (Tỉnh Lâm Đồng, code 68 after the 2025 merger of
//! Lâm Đồng, Đắk Nông and Bình Thuận).

use std::collections::HashSet;

use hoso_domain::org::OrgUnitKind;

use crate::DemoUnit;

pub(crate) const PROVINCE_CODE: &str = "68";
pub(crate) const PROVINCE_NAME: &str = "Tỉnh Lâm Đồng";
pub(crate) const PROVINCE_SHORT: &str = "Lâm Đồng";

struct Builder {
    units: Vec<DemoUnit>,
}

impl Builder {
    fn add(
        &mut self,
        parent: Option<usize>,
        name: String,
        kind: OrgUnitKind,
        code: String,
    ) -> usize {
        if let Some(p) = parent {
            let pk = self.units[p].kind;
            assert!(
                pk.may_contain(kind),
                "{pk:?} may not contain {kind:?} ({name})"
            );
        }
        let key = self.units.len();
        self.units.push(DemoUnit {
            key,
            parent,
            name,
            kind,
            code,
        });
        key
    }

    /// Adds the listed departments (phòng, khoa) under `parent`, coded `<parent>.<prefix>NN`.
    fn departments(&mut self, parent: usize, prefix: &str, names: &[&str]) {
        let base = self.units[parent].code.clone();
        for (i, n) in names.iter().enumerate() {
            self.add(
                Some(parent),
                (*n).to_string(),
                OrgUnitKind::Department,
                format!("{base}.{prefix}{:02}", i + 1),
            );
        }
    }
}

const COMMON_DEPTS: [&str; 3] = [
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
];

/// (name, specialised departments, public service units under it)
type Agency = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const AGENCIES: &[Agency] = &[
    (
        "Văn phòng Ủy ban nhân dân tỉnh",
        &[
            "Phòng Tổng hợp",
            "Phòng Kinh tế",
            "Phòng Khoa giáo – Văn xã",
            "Phòng Nội chính",
        ],
        &[
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Cổng Thông tin điện tử tỉnh",
        ],
    ),
    (
        "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
        &[
            "Phòng Công tác Quốc hội",
            "Phòng Công tác Hội đồng nhân dân",
        ],
        &[],
    ),
    (
        "Sở Nội vụ",
        &[
            "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
            "Phòng Công chức, viên chức",
            "Phòng Xây dựng chính quyền và công tác thanh niên",
            "Phòng Lao động, tiền lương và bảo hiểm xã hội",
            "Phòng Người có công",
            "Phòng Bảo trợ xã hội, trẻ em và bình đẳng giới",
            "Chi cục Văn thư – Lưu trữ",
        ],
        &[
            "Trung tâm Dịch vụ việc làm",
            "Trung tâm Công tác xã hội tỉnh",
            "Trung tâm Lưu trữ lịch sử tỉnh",
        ],
    ),
    (
        "Sở Tài chính",
        &[
            "Phòng Quản lý ngân sách",
            "Phòng Tài chính hành chính sự nghiệp",
            "Phòng Quản lý giá và công sản",
            "Phòng Đầu tư",
            "Phòng Doanh nghiệp, kinh tế tập thể và tư nhân",
        ],
        &["Trung tâm Xúc tiến đầu tư tỉnh"],
    ),
    (
        "Sở Tư pháp",
        &[
            "Phòng Xây dựng, kiểm tra và theo dõi thi hành pháp luật",
            "Phòng Phổ biến, giáo dục pháp luật",
            "Phòng Hành chính tư pháp",
            "Phòng Bổ trợ tư pháp",
        ],
        &[
            "Trung tâm Trợ giúp pháp lý nhà nước",
            "Phòng Công chứng số 1",
        ],
    ),
    (
        "Sở Công Thương",
        &[
            "Phòng Quản lý công nghiệp",
            "Phòng Quản lý thương mại",
            "Phòng Quản lý năng lượng",
            "Chi cục Quản lý thị trường",
        ],
        &["Trung tâm Khuyến công và Xúc tiến thương mại"],
    ),
    (
        "Sở Nông nghiệp và Môi trường",
        &[
            "Phòng Trồng trọt và Bảo vệ thực vật",
            "Phòng Chăn nuôi và Thú y",
            "Phòng Quản lý đất đai",
            "Phòng Môi trường",
            "Phòng Tài nguyên nước, khoáng sản và biến đổi khí hậu",
            "Chi cục Kiểm lâm",
            "Chi cục Thủy lợi",
        ],
        &[
            "Trung tâm Khuyến nông",
            "Văn phòng Đăng ký đất đai",
            "Trung tâm Quan trắc tài nguyên và môi trường",
            "Ban Quản lý rừng phòng hộ Đại Ninh",
        ],
    ),
    (
        "Sở Xây dựng",
        &[
            "Phòng Quy hoạch – Kiến trúc",
            "Phòng Quản lý xây dựng",
            "Phòng Phát triển đô thị và nhà ở",
            "Phòng Quản lý giao thông",
        ],
        &[
            "Trung tâm Kiểm định chất lượng xây dựng",
            "Ban Quản lý bảo trì đường bộ",
        ],
    ),
    (
        "Sở Khoa học và Công nghệ",
        &[
            "Phòng Quản lý khoa học",
            "Phòng Chuyển đổi số",
            "Phòng Bưu chính – Viễn thông",
            "Phòng Tiêu chuẩn đo lường chất lượng",
        ],
        &[
            "Trung tâm Ứng dụng khoa học và công nghệ",
            "Trung tâm Công nghệ thông tin và Truyền thông",
        ],
    ),
    (
        "Sở Giáo dục và Đào tạo",
        &[
            "Phòng Giáo dục mầm non và tiểu học",
            "Phòng Giáo dục trung học",
            "Phòng Giáo dục nghề nghiệp và giáo dục thường xuyên",
            "Phòng Khảo thí và kiểm định chất lượng",
        ],
        &[],
    ),
    (
        "Sở Y tế",
        &[
            "Phòng Nghiệp vụ Y",
            "Phòng Nghiệp vụ Dược",
            "Chi cục Dân số",
            "Chi cục An toàn vệ sinh thực phẩm",
        ],
        &[],
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch",
        &[
            "Phòng Quản lý văn hóa và gia đình",
            "Phòng Quản lý thể dục thể thao",
            "Phòng Quản lý du lịch",
            "Phòng Báo chí, xuất bản",
        ],
        &[
            "Thư viện tỉnh",
            "Bảo tàng tỉnh",
            "Trung tâm Văn hóa nghệ thuật tỉnh",
            "Trung tâm Huấn luyện và Thi đấu thể thao",
        ],
    ),
    (
        "Sở Dân tộc và Tôn giáo",
        &["Phòng Chính sách dân tộc", "Phòng Tôn giáo"],
        &[],
    ),
    (
        "Sở Ngoại vụ",
        &[
            "Phòng Lãnh sự và Người Việt Nam ở nước ngoài",
            "Phòng Hợp tác quốc tế",
        ],
        &[],
    ),
    (
        "Thanh tra tỉnh",
        &[
            "Phòng Nghiệp vụ 1",
            "Phòng Nghiệp vụ 2",
            "Phòng Tiếp công dân và xử lý đơn thư",
            "Phòng Phòng, chống tham nhũng",
        ],
        &[],
    ),
    (
        "Ban Quản lý các khu công nghiệp tỉnh",
        &["Phòng Quản lý doanh nghiệp", "Phòng Quy hoạch – Xây dựng"],
        &[],
    ),
];

const HOSPITAL_DEPTS: &[&str] = &[
    "Phòng Kế hoạch tổng hợp",
    "Phòng Tổ chức cán bộ",
    "Phòng Tài chính kế toán",
    "Phòng Điều dưỡng",
    "Khoa Khám bệnh",
    "Khoa Cấp cứu",
    "Khoa Hồi sức tích cực – Chống độc",
    "Khoa Nội tổng hợp",
    "Khoa Tim mạch",
    "Khoa Ngoại tổng hợp",
    "Khoa Chấn thương chỉnh hình",
    "Khoa Phụ sản",
    "Khoa Nhi",
    "Khoa Truyền nhiễm",
    "Khoa Gây mê hồi sức",
    "Khoa Chẩn đoán hình ảnh",
    "Khoa Xét nghiệm",
    "Khoa Dược",
    "Khoa Răng Hàm Mặt",
    "Khoa Tai Mũi Họng",
    "Khoa Mắt",
    "Khoa Y học cổ truyền",
    "Khoa Phục hồi chức năng",
    "Khoa Kiểm soát nhiễm khuẩn",
    "Khoa Dinh dưỡng",
];

const SMALL_HOSPITAL_DEPTS: &[&str] = &[
    "Phòng Kế hoạch – Nghiệp vụ",
    "Phòng Tổ chức – Hành chính",
    "Khoa Khám bệnh",
    "Khoa Cấp cứu – Hồi sức",
    "Khoa Nội",
    "Khoa Ngoại – Sản",
    "Khoa Nhi",
    "Khoa Cận lâm sàng",
    "Khoa Dược",
    "Khoa Kiểm soát bệnh tật và HIV/AIDS",
];

const SPECIAL_HOSPITALS: &[(&str, &[&str])] = &[
    (
        "Bệnh viện Y dược cổ truyền và Phục hồi chức năng tỉnh",
        &[
            "Phòng Kế hoạch tổng hợp",
            "Khoa Khám bệnh",
            "Khoa Châm cứu",
            "Khoa Nội",
            "Khoa Phục hồi chức năng",
            "Khoa Dược",
        ],
    ),
    (
        "Bệnh viện Phổi tỉnh",
        &[
            "Phòng Kế hoạch tổng hợp",
            "Khoa Khám bệnh",
            "Khoa Lao",
            "Khoa Bệnh phổi",
            "Khoa Xét nghiệm",
        ],
    ),
    (
        "Bệnh viện Tâm thần tỉnh",
        &[
            "Phòng Kế hoạch tổng hợp",
            "Khoa Khám bệnh",
            "Khoa Tâm thần nam",
            "Khoa Tâm thần nữ",
        ],
    ),
    (
        "Trung tâm Kiểm soát bệnh tật tỉnh",
        &[
            "Phòng Kế hoạch – Nghiệp vụ",
            "Khoa Phòng, chống bệnh truyền nhiễm",
            "Khoa Sức khỏe cộng đồng",
            "Khoa Dược – Vật tư y tế",
            "Khoa Xét nghiệm – Chẩn đoán hình ảnh",
        ],
    ),
    ("Trung tâm Pháp y tỉnh", &[]),
    ("Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm", &[]),
];

/// Real place names of the merged province, then syllables to make more.
const REAL_WARDS: &[&str] = &[
    "Xuân Hương – Đà Lạt",
    "Cam Ly – Đà Lạt",
    "Lâm Viên – Đà Lạt",
    "Xuân Trường – Đà Lạt",
    "Lang Biang – Đà Lạt",
    "1 Bảo Lộc",
    "2 Bảo Lộc",
    "3 Bảo Lộc",
    "B'Lao",
    "Hàm Thắng",
    "Bình Thuận",
    "Mũi Né",
    "Phú Thủy",
    "Phan Thiết",
    "Tiến Thành",
    "La Gi",
    "Phước Hội",
    "Bắc Gia Nghĩa",
    "Nam Gia Nghĩa",
    "Đông Gia Nghĩa",
];

const REAL_COMMUNES: &[&str] = &[
    "Đạ Huoai",
    "Đạ Tẻh",
    "Cát Tiên",
    "Đức Trọng",
    "Hiệp Thạnh",
    "Tà Năng",
    "Di Linh",
    "Gia Hiệp",
    "Bảo Thuận",
    "Lạc Dương",
    "Đơn Dương",
    "Ka Đô",
    "Lâm Hà",
    "Nam Ban",
    "Đam Rông",
    "Bảo Lâm",
    "Lộc Bắc",
    "Tuy Phong",
    "Liên Hương",
    "Bắc Bình",
    "Hòa Thắng",
    "Hàm Thuận Bắc",
    "Hàm Thuận Nam",
    "Tánh Linh",
    "Đức Linh",
    "Hàm Tân",
    "Phú Quý",
    "Cư Jút",
    "Krông Nô",
    "Đắk Mil",
    "Đắk Song",
    "Đắk R'lấp",
    "Tuy Đức",
    "Đắk Glong",
    "Quảng Khê",
    "Nam Dong",
    "Ea Pô",
    "Đức An",
    "Kiến Đức",
    "Nhân Cơ",
];

const SYL1: &[&str] = &[
    "Tân", "Phú", "Hòa", "Bình", "Phước", "Đức", "Thành", "Hưng", "Quảng", "Xuân", "Gia", "Lộc",
    "Thuận", "Long", "Đông", "Tây", "Nam", "Bắc", "Vĩnh", "Hiệp", "Minh", "Thạnh", "Liên", "Trung",
    "Hải", "Sơn", "Thanh", "An", "Mỹ", "Đại", "Ninh", "Quang", "Kim", "Hồng", "Tiến", "Phúc",
    "Tam", "Cẩm", "Lạc", "Diên",
];
const SYL2: &[&str] = &[
    "Hà", "Sơn", "Lâm", "Thịnh", "Lợi", "Hòa", "An", "Phong", "Thành", "Hưng", "Tiến", "Nghĩa",
    "Xuân", "Trung", "Lộc", "Phú", "Bình", "Thuận", "Thạnh", "Hải", "Điền", "Khê", "Linh", "Đức",
    "Phước", "Tân", "Long", "Quý", "Mỹ", "Hiệp", "Lập", "Ninh", "Dương", "Vinh", "Hội", "Châu",
    "Tài", "Đạt", "Thắng", "Yên",
];

pub(crate) const FAMOUS: &[&str] = &[
    "Nguyễn Du",
    "Lê Lợi",
    "Trần Phú",
    "Lê Quý Đôn",
    "Nguyễn Trãi",
    "Chu Văn An",
    "Quang Trung",
    "Nguyễn Bỉnh Khiêm",
    "Hùng Vương",
    "Lý Thường Kiệt",
    "Trần Hưng Đạo",
    "Phan Chu Trinh",
    "Phan Bội Châu",
    "Võ Thị Sáu",
    "Kim Đồng",
    "Lê Hồng Phong",
    "Nguyễn Văn Trỗi",
    "Trần Quốc Toản",
    "Ngô Quyền",
    "Đinh Tiên Hoàng",
    "Hai Bà Trưng",
    "Bùi Thị Xuân",
    "Nguyễn Thị Minh Khai",
    "Lương Thế Vinh",
    "Tô Hiến Thành",
    "Nguyễn Đình Chiểu",
    "Lê Văn Tám",
    "Võ Trường Toản",
    "Huỳnh Thúc Kháng",
    "Nguyễn Khuyến",
    "Tây Sơn",
    "Đoàn Thị Điểm",
    "Hoàng Hoa Thám",
    "Trưng Vương",
    "Yersin",
    "Nguyễn Chí Thanh",
    "Lam Sơn",
    "Phù Đổng",
    "Mạc Đĩnh Chi",
    "Trần Quốc Tuấn",
];

const KINDER: &[&str] = &[
    "Hoa Sen",
    "Hoa Mai",
    "Họa Mi",
    "Sơn Ca",
    "Vành Khuyên",
    "Hoa Hồng",
    "Tuổi Thơ",
    "Măng Non",
    "Hướng Dương",
    "Bình Minh",
    "Ánh Dương",
    "Hoa Ban",
    "Sao Mai",
    "Rạng Đông",
    "Hoa Cúc",
];

fn commune_names(n: usize) -> Vec<(bool, String)> {
    // (is_ward, name)
    let mut out = Vec::with_capacity(n);
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |ward: bool, name: String, out: &mut Vec<(bool, String)>| {
        let full = format!("{} {}", if ward { "Phường" } else { "Xã" }, name);
        if seen.insert(full.clone()) {
            out.push((ward, full));
        }
    };
    let mut r = REAL_WARDS
        .iter()
        .map(|s| (true, *s))
        .zip(REAL_COMMUNES.iter().map(|s| (false, *s)));
    // Interleave real wards and communes so that small trees get both.
    while out.len() < n {
        match r.next() {
            Some((a, b)) => {
                push(a.0, a.1.to_string(), &mut out);
                if out.len() < n {
                    push(b.0, b.1.to_string(), &mut out);
                }
            }
            None => break,
        }
    }
    for s in REAL_COMMUNES.iter().skip(REAL_WARDS.len()) {
        if out.len() >= n {
            break;
        }
        push(false, s.to_string(), &mut out);
    }
    // Then syllable pairs, spread deterministically; about one in six is a ward.
    let total = SYL1.len() * SYL2.len();
    let mut i = 0usize;
    while out.len() < n && i < total * 4 {
        // A stride coprime with the table size visits every pair once per round.
        let k = (i * 617) % total;
        let (a, b) = (SYL1[k / SYL2.len()], SYL2[k % SYL2.len()]);
        let round = i / total;
        if a != b {
            let name = match round {
                0 => format!("{a} {b}"),
                r => format!("{a} {b} {}", r + 1),
            };
            push(k.is_multiple_of(6), name, &mut out);
        }
        i += 1;
    }
    out
}

/// The demo province. `scale` is about the number of people the tree will hold.
pub fn province_tree(scale: usize) -> Vec<DemoUnit> {
    let scale = scale.max(100);
    // Target people per leaf unit (phòng, khoa, school): grows slowly with scale so that the
    // country-sized benchmark has bigger units as well as more of them.
    let per_leaf = (scale as f64 / 1500.0).clamp(20.0, 200.0);
    let communes = (scale / 480).clamp(12, 3321);

    let mut b = Builder { units: Vec::new() };
    let root = b.add(
        None,
        PROVINCE_NAME.to_string(),
        OrgUnitKind::Province,
        format!("T{PROVINCE_CODE}"),
    );

    let mut edu_office = 0;
    let mut health_office = 0;
    for (i, (name, depts, psus)) in AGENCIES.iter().enumerate() {
        let code = format!("T{PROVINCE_CODE}.S{:02}", i + 1);
        let a = b.add(
            Some(root),
            (*name).to_string(),
            OrgUnitKind::AdministrativeAgency,
            code.clone(),
        );
        let mut all: Vec<&str> = COMMON_DEPTS.to_vec();
        if name.starts_with("Thanh tra") {
            all.retain(|d| *d == "Văn phòng");
        }
        all.extend_from_slice(depts);
        b.departments(a, "P", &all);
        for (j, p) in psus.iter().enumerate() {
            b.add(
                Some(a),
                (*p).to_string(),
                OrgUnitKind::PublicServiceUnit,
                format!("{code}.DV{:03}", j + 1),
            );
        }
        if *name == "Sở Giáo dục và Đào tạo" {
            edu_office = a;
        }
        if *name == "Sở Y tế" {
            health_office = a;
        }
    }

    // Units directly under the province.
    let direct = [
        "Báo và Phát thanh, Truyền hình Lâm Đồng",
        "Trường Chính trị tỉnh Lâm Đồng",
        "Trường Cao đẳng Y tế Lâm Đồng",
        "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
    ];
    for (i, n) in direct.iter().enumerate() {
        let u = b.add(
            Some(root),
            (*n).to_string(),
            OrgUnitKind::PublicServiceUnit,
            format!("T{PROVINCE_CODE}.DV{:02}", i + 1),
        );
        b.departments(
            u,
            "P",
            &[
                "Phòng Tổ chức – Hành chính",
                "Phòng Nghiệp vụ 1",
                "Phòng Nghiệp vụ 2",
            ],
        );
    }

    let names = commune_names(communes);

    // Health: provincial hospitals, then one regional health centre per ~8 communes.
    let hcode = b.units[health_office].code.clone();
    let mut dv = 0;
    let mut next_dv = || {
        dv += 1;
        dv
    };
    let big = (scale / 400_000).max(1);
    for k in 0..big {
        let name = match k {
            0 => "Bệnh viện Đa khoa tỉnh Lâm Đồng".to_string(),
            1 => "Bệnh viện II Lâm Đồng".to_string(),
            2 => "Bệnh viện Đa khoa Bình Thuận".to_string(),
            3 => "Bệnh viện Đa khoa Đắk Nông".to_string(),
            k => format!("Bệnh viện Đa khoa khu vực số {}", k - 3),
        };
        let h = b.add(
            Some(health_office),
            name,
            OrgUnitKind::PublicServiceUnit,
            format!("{hcode}.DV{:03}", next_dv()),
        );
        b.departments(h, "K", HOSPITAL_DEPTS);
    }
    for (name, depts) in SPECIAL_HOSPITALS {
        let h = b.add(
            Some(health_office),
            (*name).to_string(),
            OrgUnitKind::PublicServiceUnit,
            format!("{hcode}.DV{:03}", next_dv()),
        );
        b.departments(h, "K", depts);
    }
    for chunk in names.chunks(8) {
        let area = chunk[0]
            .1
            .split_once(' ')
            .map(|x| x.1)
            .unwrap_or(&chunk[0].1);
        let h = b.add(
            Some(health_office),
            format!("Trung tâm Y tế khu vực {area}"),
            OrgUnitKind::PublicServiceUnit,
            format!("{hcode}.DV{:03}", next_dv()),
        );
        b.departments(h, "K", SMALL_HOSPITAL_DEPTS);
    }

    // Education: upper-secondary schools under the Sở, one per ~3 communes (more at scale).
    let ecode = b.units[edu_office].code.clone();
    let fixed_leaves = b
        .units
        .iter()
        .filter(|u| u.kind == OrgUnitKind::Department)
        .count() as f64;
    // Leaves per commune besides schools: 3 phòng + public-service centre + health station.
    let commune_fixed = 5.0;
    let school_leaves_wanted =
        (scale as f64 / per_leaf - fixed_leaves - communes as f64 * commune_fixed)
            .max(communes as f64 * 3.3);
    // Three kinds of school per commune (mầm non, tiểu học, THCS) + THPT ≈ 0.3 per commune.
    let per_kind = (school_leaves_wanted / (communes as f64 * 3.3))
        .round()
        .max(1.0) as usize;
    let thpt = ((communes as f64 * 0.3 * per_kind as f64).round() as usize).max(3);
    let mut edu_dv = 0;
    for k in 0..thpt {
        let name = if k < FAMOUS.len() {
            format!("Trường THPT {}", FAMOUS[k])
        } else {
            let (_, c) = &names[k % names.len()];
            let place = c.split_once(' ').map(|x| x.1).unwrap_or(c);
            match k / names.len() {
                0 => format!("Trường THPT {place}"),
                r => format!("Trường THPT số {} {place}", r + 1),
            }
        };
        edu_dv += 1;
        b.add(
            Some(edu_office),
            name,
            OrgUnitKind::PublicServiceUnit,
            format!("{ecode}.DV{edu_dv:04}"),
        );
    }
    for n in [
        "Trung tâm Giáo dục thường xuyên tỉnh",
        "Trường Phổ thông Dân tộc nội trú tỉnh",
    ] {
        edu_dv += 1;
        b.add(
            Some(edu_office),
            n.to_string(),
            OrgUnitKind::PublicServiceUnit,
            format!("{ecode}.DV{edu_dv:04}"),
        );
    }

    // Communes with their offices, centre, health station and schools.
    for (i, (ward, name)) in names.iter().enumerate() {
        let ccode = format!("T{PROVINCE_CODE}.X{:04}", i + 1);
        let c = b.add(
            Some(root),
            name.clone(),
            OrgUnitKind::Commune,
            ccode.clone(),
        );
        let econ = if *ward {
            "Phòng Kinh tế, Hạ tầng và Đô thị"
        } else {
            "Phòng Kinh tế"
        };
        b.departments(
            c,
            "P",
            &[
                "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
                econ,
                "Phòng Văn hóa – Xã hội",
            ],
        );
        let place = name.split_once(' ').map(|x| x.1).unwrap_or(name);
        let mut j = 0;
        let mut psu = |b: &mut Builder, n: String| {
            j += 1;
            b.add(
                Some(c),
                n,
                OrgUnitKind::PublicServiceUnit,
                format!("{ccode}.DV{j:02}"),
            );
        };
        psu(&mut b, "Trung tâm Phục vụ hành chính công".to_string());
        let level = if *ward { "phường" } else { "xã" };
        psu(&mut b, format!("Trạm Y tế {level} {place}"));
        for k in 0..per_kind {
            let suffix = if per_kind > 1 {
                format!(" số {}", k + 1)
            } else {
                String::new()
            };
            psu(
                &mut b,
                format!("Trường Mầm non {}{suffix}", KINDER[(i + k) % KINDER.len()]),
            );
            psu(&mut b, format!("Trường Tiểu học {place}{suffix}"));
            psu(
                &mut b,
                format!("Trường THCS {}{suffix}", FAMOUS[(i * 7 + k) % FAMOUS.len()]),
            );
        }
    }
    b.units
}
