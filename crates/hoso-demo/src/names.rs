//! Vietnamese names with realistic frequencies.

/// Surnames with weights in tenths of a percent (Nguyễn ≈ 38%, Trần 11%, Lê 9.5%, …).
pub(crate) const SURNAMES: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 20),
    ("Võ", 19),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 8),
    ("Trương", 7),
    ("Lâm", 5),
    ("Mai", 5),
    ("Đoàn", 6),
    ("Lương", 5),
    ("Tạ", 3),
    ("Cao", 5),
    ("Châu", 3),
    ("Hà", 5),
    ("Kiều", 2),
    ("Quách", 2),
    ("Tô", 3),
    ("Từ", 2),
    ("Thái", 3),
    ("La", 2),
    ("Lưu", 4),
    ("Trịnh", 5),
    ("Văn", 2),
    ("Tăng", 2),
];

pub(crate) const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Ngọc", "Anh",
    "Duy", "Hoàng", "Tuấn", "Trọng", "Quốc", "Đình", "Thanh", "Hồng",
];

pub(crate) const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Thùy", "Kim", "Mỹ", "Hồng", "Bích",
    "Phương", "Minh", "Hoài", "Diệu", "Khánh", "Hải", "Xuân", "Tuyết",
];

pub(crate) const GIVEN_MALE: &[&str] = &[
    "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hòa", "Hùng", "Huy",
    "Khoa", "Khánh", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng",
    "Việt", "Vinh", "Vũ", "Hoàng", "Hưng", "Phát", "Tâm", "Thái", "Bảo", "Duy", "Hiển", "Lực",
    "Nhân", "Quý", "Trí",
];

pub(crate) const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Ánh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thơ", "Thu", "Thủy", "Trang",
    "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Yến", "Nhi", "Hậu", "Lý", "Diệp", "Trâm", "Hoài",
    "Nguyệt", "Xuân", "Thúy",
];

/// Surnames of the northern minorities (Tày, Nùng, Thái, Mường, Dao, H'mông) settled in the
/// Central Highlands.
pub(crate) const SURNAMES_NORTH_MINORITY: &[&str] = &[
    "Nông", "Hoàng", "Lò", "Lương", "Triệu", "Ma", "Vi", "Lục", "Hà", "Bàn", "Giàng", "Lý",
];

/// Highland groups of Lâm Đồng (Cơ-ho, Mạ, Chu-ru, Mnông, Ra-glai).
pub(crate) const SURNAMES_HIGHLAND: &[&str] = &[
    "Kră Jăn",
    "Liêng Hót",
    "Cil",
    "Bon Niêng",
    "Đa Cát",
    "Điểu",
    "Touneh",
    "Ya",
    "Kơ Să",
    "Rơ Ông",
];
pub(crate) const GIVEN_HIGHLAND: &[&str] = &[
    "Brơi", "Sim", "Ha Thin", "Phin", "Sra", "Ưng", "Lành", "Điệp", "Thông", "Hiệp", "Blúp", "Nhí",
    "Ha Xuân", "Ma Nhi", "Dân", "Tuyên",
];

/// Chăm surnames.
pub(crate) const SURNAMES_CHAM: &[&str] = &[
    "Châu", "Đàng", "Thập", "Báo", "Lưu", "Quảng", "Thành", "Thiên", "Phú",
];

/// Hoa surnames.
pub(crate) const SURNAMES_HOA: &[&str] =
    &["Lý", "Trương", "Lâm", "Quách", "Lưu", "Hứa", "Tăng", "Mạc"];

pub(crate) const STREETS: &[&str] = &[
    "Trần Phú",
    "Hùng Vương",
    "Lê Lợi",
    "Nguyễn Văn Cừ",
    "Phan Đình Phùng",
    "Hai Bà Trưng",
    "Quang Trung",
    "Nguyễn Thị Minh Khai",
    "Lê Hồng Phong",
    "Trần Hưng Đạo",
    "Ba Tháng Hai",
    "Yersin",
    "Bùi Thị Xuân",
    "Nguyễn Trãi",
    "Hoàng Văn Thụ",
    "Lý Thường Kiệt",
];

pub(crate) const OCCUPATIONS: &[&str] = &[
    "Nông dân",
    "Công nhân",
    "Buôn bán",
    "Giáo viên",
    "Cán bộ hưu trí",
    "Nội trợ",
    "Kỹ sư",
    "Lao động tự do",
    "Nhân viên văn phòng",
    "Bộ đội",
];
