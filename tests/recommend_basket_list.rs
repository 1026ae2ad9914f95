//! The Data step's basket-list offer and reading, on the real files: `groceries.csv` is offered
//! as a basket list when ingest reads it, reads as baskets chunk by chunk as the worker reads a
//! `File`, and its summary matches R arules' `summary()` of `read.transactions(format =
//! "basket")` (9,835 transactions, 169 items, sizes, the most frequent items). Ordinary tables
//! are never offered.

mod common;

use std::io::Read;

use custos::core::ingest::{self, Delimiter, IngestOptions, Ingested};
use custos::core::recommend::basket_list::{
    basket_list_offer, size_chart, summarize, BasketListOffer, BasketListReader,
};
use custos::core::recommend::baskets::Baskets;

/// Bytes per chunk, as the worker reads a `File` (`worker::CHUNK_BYTES`).
const CHUNK_BYTES: usize = 2 * 1024 * 1024;

/// The ingest of the first `bytes` of a data file: its `head` (what the offer reads) is the
/// same as a full read's, since the dialect is sniffed from the first 64 KiB.
fn ingest_start(name: &str, bytes: u64) -> Ingested {
    let path = common::data_dir().join(name);
    let mut start = Vec::new();
    std::fs::File::open(&path)
        .and_then(|file| file.take(bytes).read_to_end(&mut start))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ingest::ingest_bytes(&start, &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn offer(ingested: &Ingested) -> Option<BasketListOffer> {
    basket_list_offer(&ingested.head, ingested.dialect.delimiter)
}

/// `name` read as a basket list by the streaming reader, in the worker's chunks.
fn read_baskets(name: &str, delimiter: Delimiter) -> Baskets {
    let path = common::data_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = BasketListReader::new(delimiter, None);
    for chunk in bytes.chunks(CHUNK_BYTES) {
        reader.push(chunk).unwrap();
    }
    reader.finish().unwrap()
}

#[test]
fn groceries_is_offered_as_a_basket_list() {
    let ingested = common::load_data("groceries.csv");
    assert_eq!(
        ingested.head.len(),
        64 * 1024,
        "the first 64 KiB (ASCII text)"
    );
    let offer = offer(&ingested).expect("groceries.csv is offered as a basket list");
    // The first 500 lines (awk: 147 distinct trimmed items, 1 to 23 per line).
    assert_eq!(
        offer,
        BasketListOffer {
            delimiter: Delimiter::Comma,
            sample_lines: 500,
            distinct_items: 147,
            shortest: 1,
            longest: 23,
        }
    );
}

#[test]
fn tables_are_not_offered() {
    for name in [
        "online_retail_sparkguide.csv",
        "bank-full.csv",
        "bank-additional-full.csv",
        "Groceries_dataset.csv",
        "Mall_Customers.csv",
        "marketing_campaign.csv",
        "online_shoppers_intention.csv",
        "WA_Fn-UseC_-Telco-Customer-Churn.csv",
        "Sample - Superstore.csv",
    ] {
        let ingested = ingest_start(name, 1 << 20);
        assert!(
            ingested.head.len() > 4096,
            "{name}: the head holds the start of the text"
        );
        assert_eq!(offer(&ingested), None, "{name} is a table");
    }
}

#[test]
fn groceries_summary_matches_arules() {
    let baskets = read_baskets("groceries.csv", Delimiter::Comma);
    let s = summarize(&baskets, 10);
    assert_eq!((s.baskets, s.items), (9_835, 169));
    assert_eq!(s.item_occurrences, 43_367);
    // arules: "Min. 1.000, Median 3.000, Mean 4.409, Max. 32.000".
    assert_eq!(format!("{:.4}", s.mean_size), "4.4095");
    assert_eq!(s.median_size, 3.0);
    assert_eq!(s.max_size, 32);
    // arules' "element (itemset/transaction) length distribution" (sizes 25, 30, 31: none).
    let sizes: Vec<(usize, usize)> = s.sizes.iter().map(|b| (b.size, b.baskets)).collect();
    assert_eq!(
        sizes,
        [
            (1, 2159),
            (2, 1643),
            (3, 1299),
            (4, 1005),
            (5, 855),
            (6, 645),
            (7, 545),
            (8, 438),
            (9, 350),
            (10, 246),
            (11, 182),
            (12, 117),
            (13, 78),
            (14, 77),
            (15, 55),
            (16, 46),
            (17, 29),
            (18, 14),
            (19, 14),
            (20, 9),
            (21, 11),
            (22, 4),
            (23, 6),
            (24, 1),
            (25, 0),
            (26, 1),
            (27, 1),
            (28, 1),
            (29, 3),
            (30, 0),
            (31, 0),
            (32, 1),
        ]
    );
    assert!(s.sizes.iter().all(|b| !b.or_more));
    // arules: "most frequent items: whole milk 2513, other vegetables 1903, rolls/buns 1809,
    // soda 1715, yogurt 1372".
    let top: Vec<(&str, usize)> = s
        .top_items
        .iter()
        .take(5)
        .map(|t| (t.item.as_str(), t.baskets))
        .collect();
    assert_eq!(
        top,
        [
            ("whole milk", 2513),
            ("other vegetables", 1903),
            ("rolls/buns", 1809),
            ("soda", 1715),
            ("yogurt", 1372),
        ]
    );
    assert_eq!(s.top_items.len(), 10);
    assert_eq!(
        s.top_items.first().map(|t| format!("{:.4}", t.share)),
        Some("0.2555".to_string())
    );

    let chart = size_chart(&s);
    assert_eq!(chart.id, "basket_sizes");
    assert_eq!(chart.subtitle, "9,835 baskets · mean 4.4 items · median 3");
}

#[test]
fn the_streaming_reader_reads_what_the_text_reader_reads() {
    let path = common::data_dir().join("groceries.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let whole =
        custos::core::recommend::basket_list::read_basket_list(&text, Delimiter::Comma).unwrap();
    assert_eq!(read_baskets("groceries.csv", Delimiter::Comma), whole);
}
