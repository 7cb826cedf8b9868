//! What calamine does not tell of an XLS or an ODS file and an import must know: which rows
//! are hidden (a person filtered out of a list is not imported unseen) and, for ODS, which
//! cells are merged (a unit merged down two rows of work history belongs to both). Read again
//! from the file itself: the BIFF records of an XLS workbook stream, the `content.xml` of an ODS.

use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read};
use std::ops::Range;

use crate::read::{attribute, each_element};

/// The hidden rows of each sheet of an XLS file, by Excel row number (1-based). Empty for a
/// file that cannot be read this way (calamine has already said whether it can be read at all).
pub(crate) fn xls_hidden_rows(bytes: &[u8]) -> HashMap<String, BTreeSet<u32>> {
    let Some(stream) = workbook_stream(bytes) else {
        return HashMap::new();
    };
    let records = |from: usize| BiffRecords {
        bytes: &stream,
        at: from,
    };
    let mut biff8 = true;
    let mut sheets = Vec::new();
    for (kind, data) in records(0) {
        match kind {
            BOF if data.len() >= 2 => biff8 = u16::from_le_bytes([data[0], data[1]]) >= 0x0600,
            BOUNDSHEET => {
                if let Some(sheet) = bound_sheet(data, biff8) {
                    sheets.push(sheet);
                }
            }
            EOF => break,
            _ => {}
        }
    }
    let mut hidden = HashMap::new();
    for (name, offset) in sheets {
        let mut rows = BTreeSet::new();
        for (kind, data) in records(offset) {
            match kind {
                // ROW: `rw` at 0, the option flags at 12, of which 0x20 is fDyZero (hidden).
                ROW if data.len() >= 16 && data[12] & 0x20 != 0 => {
                    rows.insert(u32::from(u16::from_le_bytes([data[0], data[1]])) + 1);
                }
                EOF => break,
                _ => {}
            }
        }
        if !rows.is_empty() {
            hidden.insert(name, rows);
        }
    }
    hidden
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const ROW: u16 = 0x0208;

fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    // "Workbook" since Excel 97 (BIFF8), "Book" before (BIFF5).
    let mut stream = ["/Workbook", "/Book"]
        .iter()
        .find_map(|name| file.open_stream(name).ok())?;
    let mut out = Vec::new();
    stream.read_to_end(&mut out).ok()?;
    Some(out)
}

/// The records of a workbook stream from an offset: (type, data).
struct BiffRecords<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Iterator for BiffRecords<'b> {
    type Item = (u16, &'b [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let header = self.bytes.get(self.at..self.at + 4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = self.bytes.get(self.at + 4..self.at + 4 + len)?;
        self.at += 4 + len;
        Some((kind, data))
    }
}

/// A BOUNDSHEET record: the sheet's name and where its records start. BIFF8 names carry a
/// flag byte (bit 0: two bytes a character); BIFF5 names are one byte a character.
fn bound_sheet(data: &[u8], biff8: bool) -> Option<(String, usize)> {
    let offset = u32::from_le_bytes(data.get(0..4)?.try_into().ok()?) as usize;
    let len = usize::from(*data.get(6)?);
    let name = if biff8 {
        let wide = data.get(7)? & 1 != 0;
        let chars = data.get(8..)?;
        if wide {
            let units: Vec<u16> = chars
                .chunks_exact(2)
                .take(len)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            chars.iter().take(len).map(|&b| char::from(b)).collect()
        }
    } else {
        data.get(7..7 + len)?
            .iter()
            .map(|&b| char::from(b))
            .collect()
    };
    Some((name, offset))
}

/// The rows hidden (collapsed, or filtered out) and the merged ranges of one ODS sheet.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct OdsSheet {
    /// Excel row numbers (1-based), as ranges: a run of thousands of hidden empty rows is one
    /// `table:number-rows-repeated` element.
    pub hidden: Vec<Range<u32>>,
    pub merges: Vec<calamine::Dimensions>,
}

impl OdsSheet {
    /// The hidden rows among `rows`.
    pub fn hidden_among(&self, rows: Range<u32>) -> BTreeSet<u32> {
        self.hidden
            .iter()
            .flat_map(|h| h.start.max(rows.start)..h.end.min(rows.end))
            .collect()
    }
}

/// Each sheet of an ODS file, by name. Empty for a file that cannot be read this way.
pub(crate) fn ods_sheets(bytes: &[u8]) -> HashMap<String, OdsSheet> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return HashMap::new();
    };
    let number = |e: &quick_xml::events::BytesStart<'_>, name: &str| -> u32 {
        attribute(e, name)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1)
            .max(1)
    };
    let mut sheets: Vec<(String, OdsSheet)> = Vec::new();
    // The 0-based row of the row element being read, the next row's, and the next column's.
    let (mut row, mut next_row, mut column) = (0u32, 0u32, 0u32);
    let read = each_element(&mut zip, "content.xml", |e, _| {
        match e.local_name().as_ref() {
            "table" => {
                sheets.push((
                    attribute(e, "name").unwrap_or_default(),
                    OdsSheet::default(),
                ));
                (row, next_row, column) = (0, 0, 0);
            }
            "table-row" => {
                let repeated = number(e, "number-rows-repeated");
                (row, column) = (next_row, 0);
                next_row = next_row.saturating_add(repeated);
                let hidden = attribute(e, "visibility")
                    .is_some_and(|v| matches!(v.trim(), "collapse" | "filter"));
                if let (true, Some((_, sheet))) = (hidden, sheets.last_mut()) {
                    sheet.hidden.push(row + 1..next_row.saturating_add(1));
                }
            }
            "table-cell" | "covered-table-cell" => {
                let down = attribute(e, "number-rows-spanned").and_then(|v| v.trim().parse().ok());
                let across =
                    attribute(e, "number-columns-spanned").and_then(|v| v.trim().parse().ok());
                let (down, across): (u32, u32) = (down.unwrap_or(1), across.unwrap_or(1));
                if (down > 1 || across > 1)
                    && let Some((_, sheet)) = sheets.last_mut()
                {
                    sheet.merges.push(calamine::Dimensions::new(
                        (row, column),
                        (row + down - 1, column + across - 1),
                    ));
                }
                column = column.saturating_add(number(e, "number-columns-repeated"));
            }
            _ => {}
        }
        true
    });
    if read.is_none() {
        return HashMap::new();
    }
    sheets.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biff_records_stop_at_a_short_record() {
        let bytes = [0x09, 0x08, 2, 0, 0x00, 0x06, 0x0A, 0x00, 5, 0, 1];
        let records: Vec<_> = BiffRecords {
            bytes: &bytes,
            at: 0,
        }
        .collect();
        assert_eq!(records, vec![(BOF, &[0x00, 0x06][..])]);
    }

    #[test]
    fn bound_sheet_names_in_both_widths() {
        let mut narrow = vec![0x10, 0, 0, 0, 0, 0, 3, 0];
        narrow.extend(b"Abc");
        assert_eq!(bound_sheet(&narrow, true), Some(("Abc".into(), 16)));
        let mut wide = vec![0x20, 0, 0, 0, 0, 0, 2, 1];
        wide.extend("Đạ".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(bound_sheet(&wide, true), Some(("Đạ".into(), 32)));
        let mut biff5 = vec![0x30, 0, 0, 0, 0, 0, 2];
        biff5.extend(b"Hi");
        assert_eq!(bound_sheet(&biff5, false), Some(("Hi".into(), 48)));
        assert_eq!(bound_sheet(&[1, 2], true), None);
    }

    #[test]
    fn not_a_compound_file_or_not_a_zip_gives_nothing() {
        assert!(xls_hidden_rows(b"not a workbook").is_empty());
        assert!(ods_sheets(b"PK\x03\x04garbage").is_empty());
    }

    #[test]
    fn hidden_among_clips_a_repeated_run() {
        let sheet = OdsSheet {
            hidden: vec![3..4, 10..1_048_577],
            merges: Vec::new(),
        };
        assert_eq!(sheet.hidden_among(1..12), BTreeSet::from([3, 10, 11]));
    }
}
