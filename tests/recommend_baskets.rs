//! Baskets from purchase lines as the Explore step cleans them: Online Retail's invoices (one
//! basket per invoice, items = StockCode) before the anchors' cutoff, and Groceries_dataset's
//! member-days (no order column: one basket per customer and day); a file without a product
//! column is refused with a message.

mod common;

use custos::core::features::{purchase_lines, DayRange, FeatureParams, RoleMapping};
use custos::core::format::parse_iso_date;
use custos::core::recommend::baskets::{baskets_from_lines, item_labels, BasketsError};
use custos::core::table::Role;

fn lines_of(name: &str) -> custos::core::features::PurchaseLines {
    let ingested = common::load_data(name);
    let params = FeatureParams {
        mapping: RoleMapping::from_roles(&ingested.table),
        ..FeatureParams::default()
    };
    purchase_lines(&ingested.table, &params).expect("purchase lines")
}

#[test]
fn online_retail_invoices_become_baskets_of_stock_codes() {
    let lines = lines_of("online_retail_sparkguide.csv");
    assert_eq!(lines.product_name.as_deref(), Some("StockCode"));
    let cutoff = parse_iso_date("2011-09-10").expect("date");
    let before = baskets_from_lines(&lines, Some(DayRange::until(cutoff))).expect("baskets");
    let b = &before.baskets;
    eprintln!(
        "Online Retail before the cutoff: {} baskets, {} customers, {} lines used, {} return lines left out, {} without product",
        b.n_baskets(),
        {
            let mut c = before.customers.clone();
            c.sort_unstable();
            c.dedup();
            c.len()
        },
        before.lines_used,
        before.returns_left_out,
        before.without_product
    );
    // The anchors count 11,906 invoices with a customer before the cutoff (C invoices and
    // non-positive quantities dropped); the default cleaning also leaves out the orders
    // returned in full by the cutoff, and keeps lines without a customer id as one more
    // customer.
    assert!(
        (11_500..=12_300).contains(&b.n_baskets()),
        "{} baskets",
        b.n_baskets()
    );
    assert!(before.days.iter().all(|&d| d <= cutoff));
    assert!(b
        .baskets
        .iter()
        .all(|basket| { !basket.is_empty() && basket.windows(2).all(|w| w[0] < w[1]) }));
    // Items are the file's every StockCode, the same codes with or without a period.
    let all = baskets_from_lines(&lines, None).expect("baskets");
    assert_eq!(all.baskets.items, b.items);
    assert!(all.baskets.n_baskets() > b.n_baskets());
    assert!(b.items.iter().any(|i| i == "85123A"));
}

#[test]
fn stock_codes_are_shown_with_their_most_frequent_description() {
    let ingested = common::load_data("online_retail_sparkguide.csv");
    let mapping = RoleMapping::from_roles(&ingested.table);
    let params = FeatureParams {
        mapping: mapping.clone(),
        ..FeatureParams::default()
    };
    let lines = purchase_lines(&ingested.table, &params).expect("purchase lines");
    let labels = item_labels(&ingested.table, &mapping, &lines);
    assert_eq!(labels.len(), lines.products.len());
    let of = |code: &str| {
        let i = lines.products.iter().position(|p| p == code).expect(code);
        labels[i].as_str()
    };
    assert_eq!(of("85123A"), "WHITE HANGING HEART T-LIGHT HOLDER (85123A)");
    assert_eq!(of("POST"), "POSTAGE (POST)");
    // Without a name column, the codes themselves.
    let codes_only = RoleMapping {
        product: None,
        ..mapping
    };
    assert_eq!(
        item_labels(&ingested.table, &codes_only, &lines),
        lines.products
    );
}

#[test]
fn without_an_order_column_a_basket_is_a_customer_day() {
    let lines = lines_of("Groceries_dataset.csv");
    let baskets = baskets_from_lines(&lines, None).expect("baskets");
    let mut member_days: Vec<(u32, i32)> = baskets
        .customers
        .iter()
        .copied()
        .zip(baskets.days.iter().copied())
        .collect();
    let n = member_days.len();
    member_days.sort_unstable();
    member_days.dedup();
    assert_eq!(member_days.len(), n, "one basket per member and day");
    eprintln!(
        "Groceries_dataset: {} baskets of {} items",
        baskets.baskets.n_baskets(),
        baskets.baskets.n_items()
    );
    // 14,963 member-days in the file (38,765 lines, 167 items).
    assert_eq!(baskets.baskets.n_baskets(), 14_963);
    assert_eq!(baskets.baskets.n_items(), 167);
}

#[test]
fn lines_without_a_product_column_cannot_form_baskets() {
    let mut ingested = common::load_data("online_retail_sparkguide.csv");
    let products: Vec<usize> = ingested
        .table
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.role, Some(Role::Product | Role::ProductId)))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(products.len(), 2, "StockCode and Description");
    for column in products {
        ingested.table.set_role(column, None).expect("role");
    }
    let params = FeatureParams {
        mapping: RoleMapping::from_roles(&ingested.table),
        ..FeatureParams::default()
    };
    let lines = purchase_lines(&ingested.table, &params).expect("purchase lines");
    let err = baskets_from_lines(&lines, None).err();
    assert_eq!(err, Some(BasketsError::NoProduct));
    let err = err.expect("refused");
    assert!(err.to_string().contains("Product role"));
}
