//! Vietnamese text typed years ago in the legacy 8-bit fonts and read back as Unicode.
//!
//! A cell typed with a `.VnTime` font (TCVN3, "ABC") holds "NguyÔn V¨n §¹t"; one typed with a
//! VNI-Windows font holds "Nguyeãn Vaên Ñaït". Both are Latin-1 letters and symbols standing for
//! the bytes the font drew. [`Detector`] tells them apart by whether each reading makes
//! Vietnamese syllables, decides for the whole file from the cells only one reading explains,
//! and refuses to guess a cell it cannot settle.

use unicode_normalization::UnicodeNormalization;

/// The encoding a text was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Unicode,
    /// TCVN 5712:1993 VN3, the `.Vn…` fonts of the ABC keyboard.
    Tcvn3,
    /// VNI-Windows (`VNI-Times`…).
    Vni,
}

impl Encoding {
    pub fn label_vi(self) -> &'static str {
        match self {
            Encoding::Unicode => "Unicode",
            Encoding::Tcvn3 => "TCVN3 (ABC)",
            Encoding::Vni => "VNI-Windows",
        }
    }
}

/// TCVN3 (VN3): the Latin-1 character a byte shows as, and the letter it stands for.
const TCVN3: &[(char, char)] = &[
    ('\u{a1}', 'Ă'),
    ('\u{a2}', 'Â'),
    ('\u{a3}', 'Ê'),
    ('\u{a4}', 'Ô'),
    ('\u{a5}', 'Ơ'),
    ('\u{a6}', 'Ư'),
    ('\u{a7}', 'Đ'),
    ('\u{a8}', 'ă'),
    ('\u{a9}', 'â'),
    ('\u{aa}', 'ê'),
    ('\u{ab}', 'ô'),
    ('\u{ac}', 'ơ'),
    ('\u{ad}', 'ư'),
    ('\u{ae}', 'đ'),
    ('\u{b5}', 'à'),
    ('\u{b6}', 'ả'),
    ('\u{b7}', 'ã'),
    ('\u{b8}', 'á'),
    ('\u{b9}', 'ạ'),
    ('\u{bb}', 'ằ'),
    ('\u{bc}', 'ẳ'),
    ('\u{bd}', 'ẵ'),
    ('\u{be}', 'ắ'),
    ('\u{c6}', 'ặ'),
    ('\u{c7}', 'ầ'),
    ('\u{c8}', 'ẩ'),
    ('\u{c9}', 'ẫ'),
    ('\u{ca}', 'ấ'),
    ('\u{cb}', 'ậ'),
    ('\u{cc}', 'è'),
    ('\u{ce}', 'ẻ'),
    ('\u{cf}', 'ẽ'),
    ('\u{d0}', 'é'),
    ('\u{d1}', 'ẹ'),
    ('\u{d2}', 'ề'),
    ('\u{d3}', 'ể'),
    ('\u{d4}', 'ễ'),
    ('\u{d5}', 'ế'),
    ('\u{d6}', 'ệ'),
    ('\u{d7}', 'ì'),
    ('\u{d8}', 'ỉ'),
    ('\u{dc}', 'ĩ'),
    ('\u{dd}', 'í'),
    ('\u{de}', 'ị'),
    ('\u{df}', 'ò'),
    ('\u{e1}', 'ỏ'),
    ('\u{e2}', 'õ'),
    ('\u{e3}', 'ó'),
    ('\u{e4}', 'ọ'),
    ('\u{e5}', 'ồ'),
    ('\u{e6}', 'ổ'),
    ('\u{e7}', 'ỗ'),
    ('\u{e8}', 'ố'),
    ('\u{e9}', 'ộ'),
    ('\u{ea}', 'ờ'),
    ('\u{eb}', 'ở'),
    ('\u{ec}', 'ỡ'),
    ('\u{ed}', 'ớ'),
    ('\u{ee}', 'ợ'),
    ('\u{ef}', 'ù'),
    ('\u{f1}', 'ủ'),
    ('\u{f2}', 'ũ'),
    ('\u{f3}', 'ú'),
    ('\u{f4}', 'ụ'),
    ('\u{f5}', 'ừ'),
    ('\u{f6}', 'ử'),
    ('\u{f7}', 'ữ'),
    ('\u{f8}', 'ứ'),
    ('\u{f9}', 'ự'),
    ('\u{fa}', 'ỳ'),
    ('\u{fb}', 'ỷ'),
    ('\u{fc}', 'ỹ'),
    ('\u{fd}', 'ý'),
    ('\u{fe}', 'ỵ'),
];

fn tcvn3_char(c: char) -> Option<char> {
    TCVN3.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
}

/// Reads a TCVN3 text. A word typed in capitals with a `.VnTimeH` font (which draws the
/// lower-case codes as capitals) comes out in capitals.
pub fn from_tcvn3(s: &str) -> String {
    map_words(s, |word| {
        let converted: String = word.chars().map(|c| tcvn3_char(c).unwrap_or(c)).collect();
        let changed = converted != word;
        // Capitals beyond the first letter and no ASCII lower case: a word typed in capitals.
        let typed_in_capitals = !word.chars().any(|c| c.is_ascii_lowercase())
            && word.chars().skip(1).any(|c| c.is_ascii_uppercase());
        if changed && typed_in_capitals {
            converted.to_uppercase()
        } else {
            converted
        }
    })
}

/// Writes a text in TCVN3 (`None` for a character it has no code for, such as a capital with a
/// tone mark: `.VnTimeH` draws those from the lower-case codes).
pub fn to_tcvn3(s: &str) -> Option<String> {
    s.nfc()
        .map(|c| {
            if c.is_ascii() {
                Some(c)
            } else {
                TCVN3.iter().find(|(_, v)| *v == c).map(|(k, _)| *k)
            }
        })
        .collect()
}

fn map_words(s: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&f(word));
    }
    out
}

// ─────────────────────────────────────────────────────────────── VNI-Windows

const GRAVE: char = '\u{300}';
const ACUTE: char = '\u{301}';
const TILDE: char = '\u{303}';
const HOOK: char = '\u{309}';
const DOT: char = '\u{323}';
const CIRCUMFLEX: char = '\u{302}';
const BREVE: char = '\u{306}';
const HORN: char = '\u{31b}';

/// A VNI mark character after a vowel: (vowel modifier, tone).
fn vni_mark(c: char) -> Option<(Option<char>, Option<char>)> {
    let lower = c.to_lowercase().next()?;
    Some(match lower {
        'ù' => (None, Some(ACUTE)),
        'ø' => (None, Some(GRAVE)),
        'û' => (None, Some(HOOK)),
        'õ' => (None, Some(TILDE)),
        'ï' => (None, Some(DOT)),
        'â' => (Some(CIRCUMFLEX), None),
        'á' => (Some(CIRCUMFLEX), Some(ACUTE)),
        'à' => (Some(CIRCUMFLEX), Some(GRAVE)),
        'å' => (Some(CIRCUMFLEX), Some(HOOK)),
        'ã' => (Some(CIRCUMFLEX), Some(TILDE)),
        'ä' => (Some(CIRCUMFLEX), Some(DOT)),
        'ê' => (Some(BREVE), None),
        'é' => (Some(BREVE), Some(ACUTE)),
        'è' => (Some(BREVE), Some(GRAVE)),
        'ú' => (Some(BREVE), Some(HOOK)),
        'ü' => (Some(BREVE), Some(TILDE)),
        'ë' => (Some(BREVE), Some(DOT)),
        _ => return None,
    })
}

/// A VNI character standing alone for a letter.
fn vni_single(c: char) -> Option<char> {
    Some(match c {
        'í' => 'í',
        'ì' => 'ì',
        'æ' => 'ỉ',
        'ó' => 'ĩ',
        'ò' => 'ị',
        'Í' => 'Í',
        'Ì' => 'Ì',
        'Æ' => 'Ỉ',
        'Ó' => 'Ĩ',
        'Ò' => 'Ị',
        'î' => 'ỵ',
        'Î' => 'Ỵ',
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ö' => 'ư',
        'Ö' => 'Ư',
        _ => return None,
    })
}

fn compose(base: char, modifier: Option<char>, tone: Option<char>) -> Option<char> {
    let mut s = String::new();
    s.push(base);
    s.extend(modifier);
    s.extend(tone);
    let mut composed = s.nfc();
    let c = composed.next()?;
    composed.next().is_none().then_some(c)
}

/// Reads a VNI-Windows text.
pub fn from_vni(s: &str) -> String {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    for c in s.chars() {
        if let (Some((modifier, tone)), Some(&prev)) = (vni_mark(c), out.last()) {
            let base = prev.to_lowercase().next().unwrap_or(prev);
            let fits = match modifier {
                Some(CIRCUMFLEX) => matches!(base, 'a' | 'e' | 'o'),
                Some(BREVE) => base == 'a',
                _ => matches!(base, 'a' | 'e' | 'o' | 'u' | 'y' | 'ơ' | 'ư'),
            };
            if fits && let Some(combined) = compose(prev, modifier, tone) {
                out.pop();
                out.push(combined);
                continue;
            }
        }
        out.push(vni_single(c).unwrap_or(c));
    }
    out.into_iter().collect()
}

/// Writes a text in VNI-Windows (`None` for a character it has no code for).
pub fn to_vni(s: &str) -> Option<String> {
    let mut out = String::new();
    for c in s.nfc() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let upper = c.is_uppercase();
        let case = |l: char| {
            if upper {
                l.to_uppercase().next().unwrap_or(l)
            } else {
                l
            }
        };
        match c.to_lowercase().next()? {
            'đ' => {
                out.push(case('ñ'));
                continue;
            }
            'í' => {
                out.push(case('í'));
                continue;
            }
            'ì' => {
                out.push(case('ì'));
                continue;
            }
            'ỉ' => {
                out.push(case('æ'));
                continue;
            }
            'ĩ' => {
                out.push(case('ó'));
                continue;
            }
            'ị' => {
                out.push(case('ò'));
                continue;
            }
            'ỵ' => {
                out.push(case('î'));
                continue;
            }
            _ => {}
        }
        let parts: Vec<char> = c.to_string().nfd().collect();
        let base = parts[0].to_lowercase().next()?;
        let modifier = parts[1..]
            .iter()
            .copied()
            .find(|m| matches!(*m, CIRCUMFLEX | BREVE | HORN));
        let tone = parts[1..]
            .iter()
            .copied()
            .find(|m| matches!(*m, GRAVE | ACUTE | TILDE | HOOK | DOT));
        let (base_str, mark) = match (base, modifier) {
            ('o', Some(HORN)) => ("ô", tone_mark(tone)),
            ('u', Some(HORN)) => ("ö", tone_mark(tone)),
            (b @ ('a' | 'e' | 'o'), Some(CIRCUMFLEX)) => {
                let m = match tone {
                    None => 'â',
                    Some(ACUTE) => 'á',
                    Some(GRAVE) => 'à',
                    Some(HOOK) => 'å',
                    Some(TILDE) => 'ã',
                    _ => 'ä',
                };
                (ascii_str(b), Some(m))
            }
            ('a', Some(BREVE)) => {
                let m = match tone {
                    None => 'ê',
                    Some(ACUTE) => 'é',
                    Some(GRAVE) => 'è',
                    Some(HOOK) => 'ú',
                    Some(TILDE) => 'ü',
                    _ => 'ë',
                };
                ("a", Some(m))
            }
            (b @ ('a' | 'e' | 'o' | 'u' | 'y'), None) => (ascii_str(b), tone_mark(tone)),
            _ => return None,
        };
        for b in base_str.chars() {
            out.push(case(b));
        }
        if let Some(m) = mark {
            out.push(case(m));
        }
    }
    Some(out)
}

fn ascii_str(b: char) -> &'static str {
    match b {
        'a' => "a",
        'e' => "e",
        'o' => "o",
        'u' => "u",
        _ => "y",
    }
}

fn tone_mark(tone: Option<char>) -> Option<char> {
    match tone? {
        ACUTE => Some('ù'),
        GRAVE => Some('ø'),
        HOOK => Some('û'),
        TILDE => Some('õ'),
        _ => Some('ï'),
    }
}

// ─────────────────────────────────────────────────────────────── plausibility

const INITIALS: &[&str] = &[
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];
const FINALS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "ươ", "ưa", "ưi", "ưu", "uy", "yê", "iêu", "yêu", "oai", "oay", "oao", "oeo",
    "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "ôô",
];

/// Whether a lower-case word (letters only) is a Vietnamese syllable.
fn is_syllable(word: &str) -> bool {
    let mut tones = 0;
    let mut bare = String::new();
    for c in word.chars() {
        let parts: Vec<char> = c.to_string().nfd().collect();
        let mut kept = String::new();
        for p in parts {
            if matches!(p, GRAVE | ACUTE | TILDE | HOOK | DOT) {
                tones += 1;
            } else {
                kept.push(p);
            }
        }
        bare.extend(kept.nfc());
    }
    if tones > 1 {
        return false;
    }
    INITIALS.iter().any(|initial| {
        bare.strip_prefix(initial).is_some_and(|rest| {
            FINALS.iter().any(|fin| {
                rest.strip_suffix(fin)
                    .is_some_and(|nucleus| NUCLEI.contains(&nucleus))
            })
        })
    })
}

/// Whether every word of a text that is not plain ASCII reads as Vietnamese.
fn reads_as_vietnamese(s: &str) -> bool {
    s.split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation()))
        .filter(|w| !w.is_empty() && !w.is_ascii() && !w.chars().any(|c| c.is_ascii_digit()))
        .all(|w| {
            let lower = w.to_lowercase();
            lower.chars().all(char::is_alphabetic) && is_syllable(&lower)
        })
}

/// A character no legacy reading produces: the text is Unicode.
fn is_unicode_only(c: char) -> bool {
    matches!(c as u32,
        0x102..=0x103 | 0x110..=0x111 | 0x128..=0x129 | 0x168..=0x169 | 0x1A0..=0x1A1
        | 0x1AF..=0x1B0 | 0x1EA0..=0x1EF9 | 0x300..=0x36F)
}

/// The readings of a text that make Vietnamese (Unicode first).
pub fn readings(s: &str) -> Vec<(Encoding, String)> {
    if s.is_ascii() || s.chars().any(is_unicode_only) {
        return vec![(Encoding::Unicode, s.to_string())];
    }
    let mut out = Vec::new();
    if reads_as_vietnamese(s) {
        out.push((Encoding::Unicode, s.to_string()));
    }
    for (enc, text) in [
        (Encoding::Tcvn3, from_tcvn3(s)),
        (Encoding::Vni, from_vni(s)),
    ] {
        if text != s && reads_as_vietnamese(&text) {
            out.push((enc, text));
        }
    }
    out
}

/// A text whose encoding cannot be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    pub readings: Vec<Encoding>,
}

impl std::fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.readings.iter().map(|e| e.label_vi()).collect();
        write!(
            f,
            "Không xác định được bảng mã của giá trị này (có thể đọc theo {}); hãy chuyển tệp sang Unicode rồi tải lên lại.",
            names.join(" hoặc ")
        )
    }
}

/// Decides the encoding of a file's text cells: first shown every cell ([`Detector::observe`]),
/// then asked for each ([`Detector::read`]).
#[derive(Debug, Default, Clone)]
pub struct Detector {
    tcvn3: usize,
    vni: usize,
}

impl Detector {
    /// Counts the cells only one legacy reading explains.
    pub fn observe(&mut self, s: &str) {
        let r = readings(s);
        if let [(enc, _)] = r.as_slice() {
            match enc {
                Encoding::Tcvn3 => self.tcvn3 += 1,
                Encoding::Vni => self.vni += 1,
                Encoding::Unicode => {}
            }
        }
    }

    /// The legacy encoding the file's cells show, when they show exactly one.
    pub fn file_encoding(&self) -> Option<Encoding> {
        match (self.tcvn3 > 0, self.vni > 0) {
            (true, false) => Some(Encoding::Tcvn3),
            (false, true) => Some(Encoding::Vni),
            _ => None,
        }
    }

    /// Whether the file mixes both legacy encodings.
    pub fn is_mixed(&self) -> bool {
        self.tcvn3 > 0 && self.vni > 0
    }

    /// The text of a cell in Unicode (NFC), or why it cannot be told.
    pub fn read(&self, s: &str) -> Result<String, Ambiguous> {
        let r = readings(s);
        let pick = match r.as_slice() {
            [] => Some(s.to_string()),
            [(_, text)] => Some(text.clone()),
            many => {
                let by_file = self
                    .file_encoding()
                    .and_then(|e| many.iter().find(|(enc, _)| *enc == e));
                let unicode = many.iter().find(|(enc, _)| *enc == Encoding::Unicode);
                match (by_file, unicode) {
                    (Some((_, t)), _) => Some(t.clone()),
                    (None, Some((_, t))) if !self.is_mixed() => Some(t.clone()),
                    _ => None,
                }
            }
        };
        pick.map(|t| t.nfc().collect()).ok_or_else(|| Ambiguous {
            readings: r.iter().map(|(e, _)| *e).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &[
        "Nguyễn Văn Đạt",
        "Trần Thị Thu Hương",
        "Lê Hoàng Yến",
        "Phạm Quốc Việt",
        "Đặng Thị Ngọc Anh",
        "Ông Thị Ưng",
        "Hồ Sỹ Trường",
        "Vũ Đức Thắng",
        "Bùi Thị Mỹ Duyên",
        "Kinh",
        "Mường",
        "Phật giáo",
        "Đại học",
        "Xã Tân Hưng, huyện Cái Nước, tỉnh Cà Mau",
        "Chuyên viên chính",
    ];

    #[test]
    fn tcvn3_known_strings_both_ways() {
        assert_eq!(from_tcvn3("NguyÔn V¨n §¹t"), "Nguyễn Văn Đạt");
        assert_eq!(from_tcvn3("B¶o Th¾ng"), "Bảo Thắng");
        assert_eq!(from_tcvn3("M\u{ad}êng Kh\u{ad}¬ng"), "Mường Khương");
        assert_eq!(to_tcvn3("Nguyễn Văn Đạt").unwrap(), "NguyÔn V¨n §¹t");
        assert_eq!(to_tcvn3("Bảo Thắng").unwrap(), "B¶o Th¾ng");
        for name in NAMES {
            let legacy = to_tcvn3(name).unwrap();
            assert_eq!(from_tcvn3(&legacy), *name, "{legacy}");
        }
        // A capital with a tone has no TCVN3 code.
        assert_eq!(to_tcvn3("Ấn"), None);
        // Typed in capitals with .VnTimeH: the lower-case codes in a capital word.
        assert_eq!(from_tcvn3("NGUYÔN V¡N §¹T"), "NGUYỄN VĂN ĐẠT");
    }

    #[test]
    fn vni_known_strings_both_ways() {
        assert_eq!(from_vni("Nguyeãn Vaên Ñaït"), "Nguyễn Văn Đạt");
        assert_eq!(from_vni("Xin chaøo caùc baïn"), "Xin chào các bạn");
        assert_eq!(from_vni("Tröôøng"), "Trường");
        assert_eq!(from_vni("NGUYEÃN VAÊN ÑAÏT"), "NGUYỄN VĂN ĐẠT");
        assert_eq!(to_vni("Nguyễn Văn Đạt").unwrap(), "Nguyeãn Vaên Ñaït");
        assert_eq!(to_vni("Xin chào các bạn").unwrap(), "Xin chaøo caùc baïn");
        for name in NAMES {
            let legacy = to_vni(name).unwrap();
            assert_eq!(from_vni(&legacy), *name, "{legacy}");
            let upper = to_vni(&name.to_uppercase()).unwrap();
            assert_eq!(from_vni(&upper), name.to_uppercase(), "{upper}");
        }
    }

    #[test]
    fn syllables() {
        for w in [
            "nguyễn",
            "văn",
            "đạt",
            "trường",
            "khương",
            "quốc",
            "giữa",
            "gì",
            "yến",
            "ánh",
            "người",
            "khuyến",
            "oanh",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in ["nguyôn", "nguyeãn", "v¨n", "tổy", "ñaït"] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn each_encoding_is_detected_and_unicode_is_left_alone() {
        let d = Detector::default();
        assert_eq!(
            readings("NguyÔn V¨n §¹t"),
            vec![(Encoding::Tcvn3, "Nguyễn Văn Đạt".to_string())]
        );
        assert_eq!(
            readings("Nguyeãn Vaên Ñaït"),
            vec![(Encoding::Vni, "Nguyễn Văn Đạt".to_string())]
        );
        for name in NAMES {
            assert_eq!(d.read(name).unwrap(), *name);
            assert_eq!(d.read(&to_tcvn3(name).unwrap()).unwrap(), *name);
            assert_eq!(d.read(&to_vni(name).unwrap()).unwrap(), *name);
        }
        // NFD in, NFC out.
        let nfd: String = "Nguyễn Văn Đạt".nfd().collect();
        assert_eq!(d.read(&nfd).unwrap(), "Nguyễn Văn Đạt");
        // Plain Latin-1 Unicode stays as it is.
        assert_eq!(d.read("Tày").unwrap(), "Tày");
    }

    #[test]
    fn an_ambiguous_cell_follows_the_file_or_is_refused() {
        // "Ô" alone is the Unicode word "ô" and the TCVN3 "ễ": alone, Unicode wins (no legacy
        // cell in the file); in a TCVN3 file it is TCVN3.
        let encodings: Vec<Encoding> = readings("Ô").into_iter().map(|(e, _)| e).collect();
        assert!(encodings.contains(&Encoding::Unicode) && encodings.contains(&Encoding::Tcvn3));
        let mut d = Detector::default();
        assert_eq!(d.read("Ô").unwrap(), "Ô");
        d.observe("NguyÔn V¨n §¹t");
        assert_eq!(d.file_encoding(), Some(Encoding::Tcvn3));
        assert_eq!(d.read("Ô").unwrap(), "ễ");
        // A file showing both legacy encodings: an ambiguous cell is refused, with a reason.
        d.observe("Nguyeãn Vaên Ñaït");
        assert!(d.is_mixed());
        let err = d.read("Ô").unwrap_err();
        assert!(err.to_string().contains("Không xác định được bảng mã"));
        assert!(err.to_string().contains("TCVN3"));
    }
}
