//! Every bad-input case of the Data step gets a clear, typed error (or a warning) — never a panic.

use custos::core::ingest::{self, IngestError, IngestOptions, TextEncoding};
use custos::core::table::ColumnType;

fn read(bytes: &[u8]) -> Result<ingest::Ingested, IngestError> {
    ingest::ingest_bytes(bytes, &IngestOptions::default())
}

#[test]
fn empty_file() {
    let err = read(b"").unwrap_err();
    assert_eq!(err, IngestError::Empty);
    assert!(err.to_string().contains("empty"));
    assert_eq!(read(b"\n\n  \r\n").unwrap_err(), IngestError::OnlyBlank);
}

#[test]
fn header_only() {
    let err = read(b"customer,amount,date\n").unwrap_err();
    assert_eq!(err, IngestError::HeaderOnly { columns: 3 });
    assert!(err.to_string().contains("no data rows"));
}

#[test]
fn binary_file_renamed_to_csv() {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00".to_vec();
    png.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    let err = read(&png).unwrap_err();
    assert!(matches!(err, IngestError::Binary { .. }));
    assert!(err.to_string().contains("PNG image"), "{err}");
    let mut xlsx = b"PK\x03\x04\x14\x00\x06\x00".to_vec();
    xlsx.extend(std::iter::repeat_n(0u8, 100));
    assert!(read(&xlsx).unwrap_err().to_string().contains("Excel"));
}

#[test]
fn ragged_rows_are_reported_then_skippable() {
    let mut text = String::from("id,name,amount\n");
    for i in 0..50 {
        match i {
            7 => text.push_str("7,broken\n"),
            19 => text.push_str("19,too,many,fields\n"),
            33 => text.push_str("33\n"),
            _ => text.push_str(&format!("{i},name {i},{}.5\n", i * 3)),
        }
    }
    let got = read(text.as_bytes()).unwrap();
    assert_eq!(got.table.n_rows(), 47);
    let err = got.check_bad_rows(false).unwrap_err();
    match &err {
        IngestError::RaggedRows {
            expected,
            count,
            first,
        } => {
            assert_eq!(*expected, 3);
            assert_eq!(*count, 3);
            let lines: Vec<u64> = first.iter().map(|l| l.line).collect();
            assert_eq!(lines, vec![9, 21, 35]);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("first at line 9, 21, 35"), "{err}");
    assert!(got.check_bad_rows(true).is_ok());
}

#[test]
fn a_column_forced_to_a_type_it_cannot_hold() {
    let mut got = read(b"name,amount\nann,1.5\nbob,x\ncid,2\ndan,y\n").unwrap();
    let index = got.table.column_index("amount").unwrap();
    let column = got.table.column_mut(index).unwrap();
    let before = column.ctype;
    let err = column.set_type(ColumnType::Decimal).unwrap_err();
    assert_eq!(err.failed_rows, 2);
    let message = err.to_string();
    assert!(
        message.contains("amount") && message.contains("'x'"),
        "{message}"
    );
    assert_eq!(column.ctype, before);
    let err = got
        .table
        .column_mut(0)
        .unwrap()
        .set_type(ColumnType::Date)
        .unwrap_err();
    assert_eq!(err.failed_rows, 4);
}

#[test]
fn utf16_without_bom_is_read_with_a_warning() {
    let bytes: Vec<u8> = "name,city\nJosé,Paris\nAnn,Köln\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let got = read(&bytes).unwrap();
    assert_eq!(got.dialect.encoding, TextEncoding::Utf16Le);
    assert!(got.dialect.encoding_guessed);
    assert_eq!(got.table.n_rows(), 2);
    assert_eq!(got.table.column(0).unwrap().text(0), Some("José"));
    assert!(got
        .report
        .warnings
        .iter()
        .any(|w| w.contains("byte-order mark")));
}

#[test]
fn a_single_column_loads_with_a_hint() {
    let got = read(b"email\na@x.org\nb@y.org\nc@z.org\n").unwrap();
    assert_eq!(got.table.n_cols(), 1);
    assert_eq!(got.table.n_rows(), 3);
    assert!(got
        .report
        .warnings
        .iter()
        .any(|w| w.contains("Only one column")));
}

#[test]
fn duplicate_and_empty_header_names_are_made_unique() {
    let got = read(b"id,amount,amount,,id\n1,2,3,4,5\n6,7,8,9,10\n").unwrap();
    let names: Vec<&str> = got
        .table
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, vec!["id", "amount", "amount_2", "column_4", "id_2"]);
    assert_eq!(got.report.renamed_headers.len(), 3);
}

#[test]
fn a_file_too_large_for_the_browser_is_refused_before_reading() {
    let err = ingest::check_browser_size(1 << 30).unwrap_err();
    assert!(matches!(err, IngestError::TooLarge { .. }));
    assert!(err.to_string().contains("command-line"), "{err}");
    assert!(ingest::check_browser_size(50_000_000).is_ok());
}

/// The page says "up to N MB": N must be the limit applied, in the units the app prints sizes in
/// (decimal MB, `format::bytes`). It said "up to 536 MB" for 512 MiB.
#[test]
fn the_browser_size_limit_is_a_round_number_of_megabytes() {
    assert_eq!(ingest::BROWSER_MAX_BYTES, 500_000_000);
    assert!(ingest::check_browser_size(ingest::BROWSER_MAX_BYTES).is_ok());
    let err = ingest::check_browser_size(ingest::BROWSER_MAX_BYTES + 1).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("up to 500 MB"), "{text}");
    // Just over the limit: the file's size must not read as the limit itself.
    assert!(text.contains("The file is 501 MB"), "{text}");
}

#[test]
fn damaged_gzip_is_reported() {
    let gz = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff,
    ];
    assert!(matches!(
        read(&gz),
        Err(IngestError::Gzip(_)) | Err(IngestError::Empty)
    ));
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..300 {
        let len = (round * 37) % 3000;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                // Mostly CSV-ish bytes, sometimes anything.
                let pick = (state % 100) as u8;
                match pick {
                    0..=59 => b"ab1,;\t|\"' \n\r.-/:9"[(state >> 8) as usize % 17],
                    _ => (state >> 16) as u8,
                }
            })
            .collect();
        let _ = read(&bytes);
    }
}
