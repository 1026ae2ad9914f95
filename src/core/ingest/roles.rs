//! Role detection (customer id, order id, date, quantity, …) and the table's shape.
//!
//! Each (role, column) pair gets a score from the column's name and is allowed only when the
//! column's type fits the role. Pairs are then handed out best score first, so a strong name
//! ("Order Date") wins over a weak one ("Ship Date"), and each role and each column is used at
//! most once.
//!
//! Names are read two ways: squashed (lower-case letters and digits only: "Order ID" →
//! `orderid`), matched against known spellings, and as words ([`names::words`]: `price_total`,
//! `PriceTotal` and `price-total` are all `price`, `total`). Amounts and quantities are
//! recognised from their words: every word must belong to the role's vocabulary (`dollar_value`,
//! `order_value`, `price_total`; `number_of_cds`, `total_items`), so `total_items` is a quantity
//! and not an amount, `unit_price` stays a unit price, and Telco's `TotalCharges` or
//! marketing_campaign's `MntWines` get no role (words outside the vocabulary).

use serde::{Deserialize, Serialize};

use crate::core::format::thousands;
use crate::core::names;
use crate::core::table::{Column, ColumnType, Role, Table, MISSING};

/// One row per customer, or one row per purchase line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableShape {
    Customers,
    Transactions,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeGuess {
    pub shape: TableShape,
    /// Why, in one sentence a business user understands.
    pub reason: String,
}

/// Give each role to the column that best fits it (at most one column per role).
pub fn detect_roles(table: &mut Table) {
    let mut candidates: Vec<(u32, usize, usize)> = Vec::new();
    for (col_index, column) in table.columns().iter().enumerate() {
        let name = squash(&column.name);
        for (role_index, role) in Role::ALL.into_iter().enumerate() {
            let score = role_score(role, &name, column);
            if score > 0 {
                candidates.push((score, col_index, role_index));
            }
        }
    }
    // Best score first; on a tie the earlier column, then the earlier role.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut role_taken = [false; Role::ALL.len()];
    let mut assigned: Vec<Option<Role>> = vec![None; table.n_cols()];
    for (_, col_index, role_index) in candidates {
        let (Some(taken), Some(slot), Some(role)) = (
            role_taken.get_mut(role_index),
            assigned.get_mut(col_index),
            Role::ALL.get(role_index),
        ) else {
            continue;
        };
        if *taken || slot.is_some() {
            continue;
        }
        *taken = true;
        *slot = Some(*role);
    }
    for (index, role) in assigned.into_iter().enumerate() {
        if let Some(column) = table.column_mut(index) {
            column.role = role;
        }
    }
}

/// Customers or transactions, from the customer id's repetition and the presence of a date or
/// an order id.
pub fn guess_shape(table: &Table) -> ShapeGuess {
    let date = table.role_column(Role::Date).is_some();
    let order = table.role_column(Role::OrderId).is_some();
    let what = match (date, order) {
        (true, true) => Some("a date and an order ID column"),
        (true, false) => Some("a date column"),
        (false, true) => Some("an order ID column"),
        (false, false) => None,
    };
    let customer = table.role_column(Role::CustomerId).map(|(_, c)| c);
    match (customer, what) {
        (Some(column), what) => {
            let (distinct, rows) = distinct_and_rows(column);
            if rows == 0 {
                return ShapeGuess {
                    shape: TableShape::Unknown,
                    reason: "The customer ID column is empty, so it cannot tell whether rows are customers or purchases.".to_string(),
                };
            }
            let repeats = distinct < rows;
            match (repeats, what) {
                (true, Some(what)) => ShapeGuess {
                    shape: TableShape::Transactions,
                    reason: format!(
                        "Customer ID repeats ({} customers over {} rows) and there is {what}: one row per purchase line.",
                        thousands(distinct as u64),
                        thousands(rows as u64)
                    ),
                },
                (false, _) => ShapeGuess {
                    shape: TableShape::Customers,
                    reason: format!(
                        "Customer ID is different on every row ({} customers): one row per customer.",
                        thousands(distinct as u64)
                    ),
                },
                (true, None) => ShapeGuess {
                    shape: TableShape::Customers,
                    reason: format!(
                        "Customer ID repeats ({} customers over {} rows) but there is no date or order ID column, so rows are read as customer records.",
                        thousands(distinct as u64),
                        thousands(rows as u64)
                    ),
                },
            }
        }
        (None, None) => ShapeGuess {
            shape: TableShape::Customers,
            reason: "There is no date or order ID column: one row per customer (or per record)."
                .to_string(),
        },
        (None, Some(what)) => ShapeGuess {
            shape: TableShape::Unknown,
            reason: format!(
                "There is {what} but no customer ID column: choose which column identifies the customer."
            ),
        },
    }
}

/// Distinct values that occur, and rows that hold a value.
fn distinct_and_rows(column: &Column) -> (usize, usize) {
    let counts = column.code_counts();
    let distinct = counts.iter().filter(|&&n| n > 0).count();
    let rows = column.codes.iter().filter(|&&c| c != MISSING).count();
    (distinct, rows)
}

/// Lower-case letters and digits only: "Order ID" → "orderid", "Member_number" → "membernumber".
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every word is in one of `vocabularies`.
fn all_words_in(tokens: &[String], vocabularies: &[&[&str]]) -> bool {
    !tokens.is_empty()
        && tokens
            .iter()
            .all(|t| vocabularies.iter().any(|v| v.contains(&t.as_str())))
}

fn has_word(tokens: &[String], words: &[&str]) -> bool {
    tokens.iter().any(|t| words.contains(&t.as_str()))
}

/// The name says the column is an amount, a quantity or a unit price (so its 8-digit values
/// are money or counts, not `yyyymmdd` dates).
pub fn names_a_measure(name: &str) -> bool {
    let squashed = squash(name);
    let tokens = names::words(name);
    quantity_score(&squashed, &tokens) > 0
        || amount_score(&squashed, &tokens) > 0
        || unit_price_score(&squashed) > 0
}

fn is_id_type(t: ColumnType) -> bool {
    matches!(
        t,
        ColumnType::Identifier | ColumnType::Integer | ColumnType::Categorical
    )
}

fn ends_with_id_word(name: &str) -> bool {
    ["id", "no", "nr", "number", "code", "key", "num"]
        .iter()
        .any(|w| name.ends_with(w))
}

fn contains_any(name: &str, words: &[&str]) -> bool {
    words.iter().any(|w| name.contains(w))
}

fn is_one_of(name: &str, words: &[&str]) -> bool {
    words.contains(&name)
}

/// How well `column` (squashed name `name`) fits `role`; 0 = not at all.
fn role_score(role: Role, name: &str, column: &Column) -> u32 {
    let t = column.ctype;
    // A measure that never changes (marketing_campaign's Z_Revenue is 11 on every row) is a
    // constant of the export, not the amount or quantity of each row.
    let measure = matches!(role, Role::Quantity | Role::UnitPrice | Role::Amount);
    if measure && column.len() > 1 && column.distinct_count() <= 1 {
        return 0;
    }
    match role {
        Role::CustomerId => customer_id_score(name, column),
        Role::OrderId if is_id_type(t) => order_id_score(name),
        Role::Date if matches!(t, ColumnType::Date | ColumnType::DateTime) => date_score(name),
        Role::Quantity if t.is_numeric() => quantity_score(name, &names::words(&column.name)),
        Role::UnitPrice if t.is_numeric() => unit_price_score(name),
        Role::Amount if t.is_numeric() => amount_score(name, &names::words(&column.name)),
        Role::ProductId if is_id_type(t) => product_id_score(name),
        Role::Product if matches!(t, ColumnType::Categorical | ColumnType::Text) => {
            product_score(name)
        }
        _ => 0,
    }
}

fn customer_id_score(name: &str, column: &Column) -> u32 {
    if !is_id_type(column.ctype) {
        return 0;
    }
    // Olist's customer_unique_id is the person; its customer_id is one per order.
    if name == "customeruniqueid" {
        return 110;
    }
    if is_one_of(
        name,
        &[
            "customerid",
            "custid",
            "customerno",
            "customernumber",
            "customernum",
            "customerkey",
            "customercode",
            "clientid",
            "clientno",
            "clientnumber",
        ],
    ) {
        return 100;
    }
    if is_one_of(
        name,
        &[
            "memberid",
            "membernumber",
            "memberno",
            "userid",
            "accountid",
            "accountnumber",
            "accountno",
            "buyerid",
            "shopperid",
            "householdid",
            "personid",
            "cardid",
            "loyaltyid",
        ],
    ) {
        return 85;
    }
    if contains_any(name, &["customer", "client"]) && ends_with_id_word(name) {
        return 75;
    }
    if is_one_of(name, &["customer", "client", "member", "user", "buyer"]) {
        return 70;
    }
    if is_one_of(name, &["customername", "clientname"]) {
        return 30;
    }
    // A bare "ID" is the customer's key in a table with one row per customer (e.g. a CRM or
    // campaign export), but in a purchase table it usually numbers the rows. So it is taken
    // only when every value is different, and with the lowest score: any column named for a
    // customer wins over it.
    if name == "id" {
        let (distinct, rows) = distinct_and_rows(column);
        if rows > 0 && distinct == rows && rows == column.len() {
            return 10;
        }
    }
    0
}

fn order_id_score(name: &str) -> u32 {
    if is_one_of(
        name,
        &[
            "orderid",
            "ordernumber",
            "orderno",
            "ordernr",
            "invoiceno",
            "invoiceid",
            "invoicenumber",
            "invoicenr",
            "invoice",
            "transactionid",
            "transactionno",
            "transactionnumber",
            "receiptid",
            "receiptno",
            "receiptnumber",
            "basketid",
            "billno",
            "billid",
            "billnumber",
            "txnid",
            "salesorderid",
            "salesordernumber",
        ],
    ) {
        return 100;
    }
    if contains_any(
        name,
        &[
            "order",
            "invoice",
            "transaction",
            "receipt",
            "basket",
            "txn",
        ],
    ) && ends_with_id_word(name)
    {
        return 75;
    }
    if is_one_of(
        name,
        &[
            "order",
            "transaction",
            "receipt",
            "basket",
            "bill",
            "ticket",
        ],
    ) {
        return 70;
    }
    0
}

fn date_score(name: &str) -> u32 {
    // Dates that are not purchases.
    let purchase = contains_any(
        name,
        &["order", "invoice", "purchase", "transaction", "sale", "txn"],
    );
    // Dates that are not purchases: birthdays, sign-ups, "customer since" (Dt_Customer).
    if contains_any(
        name,
        &[
            "birth", "dob", "signup", "register", "enrol", "joined", "expir",
        ],
    ) || (!purchase && contains_any(name, &["customer", "member"]))
    {
        return 0;
    }
    if is_one_of(
        name,
        &[
            "orderdate",
            "invoicedate",
            "purchasedate",
            "transactiondate",
            "saledate",
            "salesdate",
            "txndate",
            "orderdatetime",
            "orderpurchasetimestamp",
            "purchasetimestamp",
            "transactiontime",
        ],
    ) {
        return 100;
    }
    if is_one_of(name, &["date", "datetime", "timestamp", "day"]) {
        return 90;
    }
    let datey = contains_any(name, &["date", "time", "day", "dt"]);
    let later = contains_any(
        name,
        &[
            "ship", "deliver", "due", "return", "approved", "estimat", "carrier",
        ],
    );
    if later {
        return 20;
    }
    if purchase && datey {
        return 80;
    }
    if datey {
        return 50;
    }
    10
}

/// Words that name a quantity, and the words that may stand beside them ("quantity ordered",
/// "units sold").
const QUANTITY_WORDS: &[&str] = &["quantity", "quantities", "qty", "units", "pieces", "pcs"];
const QUANTITY_QUALIFIERS: &[&str] = &[
    "ordered",
    "order",
    "sold",
    "purchased",
    "bought",
    "total",
    "line",
    "item",
    "items",
    "of",
];
/// "Number of …", "… count": a count of things bought.
const COUNT_WORDS: &[&str] = &[
    "number", "num", "no", "nr", "count", "cnt", "n", "total", "of",
];
const COUNTED_THINGS: &[&str] = &[
    "items", "units", "pieces", "pcs", "cds", "dvds", "books", "copies", "articles", "products",
    "tickets", "bottles", "boxes", "packs",
];

fn quantity_score(name: &str, tokens: &[String]) -> u32 {
    if is_one_of(
        name,
        &[
            "quantity",
            "qty",
            "quantityordered",
            "orderquantity",
            "qtyordered",
            "quantitysold",
            "qtysold",
            "units",
            "unitssold",
            "itemcount",
            "numitems",
            "numberofitems",
            "numberofcds",
            "totalitems",
        ],
    ) || (all_words_in(tokens, &[QUANTITY_WORDS, QUANTITY_QUALIFIERS])
        && has_word(tokens, QUANTITY_WORDS))
    {
        return 100;
    }
    // `number_of_cds`, `total_items`, `item_count`: a count word and the things counted.
    let counted = has_word(tokens, COUNTED_THINGS)
        || (has_word(tokens, &["item"]) && has_word(tokens, &["count", "cnt"]));
    if all_words_in(tokens, &[COUNT_WORDS, COUNTED_THINGS, &["item"]])
        && counted
        && has_word(tokens, COUNT_WORDS)
    {
        return 90;
    }
    if has_word(tokens, &["quantity", "qty"]) && !has_word(tokens, AMOUNT_VETO_FOR_QUANTITY) {
        return 70;
    }
    0
}

/// Words beside "quantity" that make the column a money figure or a price.
const AMOUNT_VETO_FOR_QUANTITY: &[&str] = &["price", "amount", "value", "cost", "revenue"];

fn unit_price_score(name: &str) -> u32 {
    if is_one_of(
        name,
        &[
            "unitprice",
            "priceeach",
            "priceperunit",
            "unitcost",
            "itemprice",
            "productprice",
            "price",
            "saleprice",
            "sellingprice",
            "listprice",
            "retailprice",
        ],
    ) {
        return 100;
    }
    // "Price" at either end ("PriceUSD", "avg_price"); not inside an index such as the bank
    // data's "cons.price.idx", nor a line total.
    let edge = name.starts_with("price") || name.ends_with("price");
    if edge && !contains_any(name, &["total", "sum", "line", "index", "idx"]) {
        return 60;
    }
    0
}

/// Words that name the money of a line or an order.
const AMOUNT_WORDS: &[&str] = &[
    "amount", "amt", "revenue", "revenues", "sales", "spend", "spent", "turnover", "monetary",
    "total", "paid",
];
/// Weaker: "value", "payment" and "sale" with a qualifier (`dollar_value`, `order_value`,
/// `payment_value`) are amounts, but lose to an amount word; alone, "value" is any measurement.
const VALUE_WORDS: &[&str] = &["value", "payment", "sale"];
/// Words that may stand beside an amount word without changing what it is.
const AMOUNT_QUALIFIERS: &[&str] = &[
    "net",
    "gross",
    "grand",
    "final",
    "order",
    "orders",
    "line",
    "invoice",
    "transaction",
    "txn",
    "purchase",
    "basket",
    "cart",
    "price",
    "dollar",
    "dollars",
    "usd",
    "eur",
    "euro",
    "euros",
    "gbp",
    "money",
    "cash",
    "item",
    "sum",
    "in",
    "of",
    "the",
];
/// Words that make a column something else than the amount paid: a count, a price per unit, a
/// share of the amount (tax, discount, profit, cost), an average, a rate.
const AMOUNT_VETO: &[&str] = &[
    "quantity", "qty", "count", "number", "num", "nr", "no", "items", "units", "unit", "pieces",
    "tax", "discount", "profit", "cost", "costs", "margin", "shipping", "freight", "fee", "fees",
    "avg", "average", "mean", "median", "rate", "index", "idx", "balance", "income", "per", "id",
    "date", "day", "time", "pct", "percent", "share", "ratio",
];

fn amount_score(name: &str, tokens: &[String]) -> u32 {
    if is_one_of(
        name,
        &[
            "amount",
            "sales",
            "revenue",
            "totalamount",
            "totalprice",
            "pricetotal",
            "linetotal",
            "total",
            "ordertotal",
            "orderamount",
            "salesamount",
            "saleamount",
            "transactionamount",
            "purchaseamount",
            "totalsales",
            "netsales",
            "grosssales",
            "spend",
            "totalspend",
            "monetary",
            "turnover",
        ],
    ) {
        return 100;
    }
    if has_word(tokens, AMOUNT_VETO) {
        return 0;
    }
    let vocabulary = [AMOUNT_WORDS, VALUE_WORDS, AMOUNT_QUALIFIERS];
    if all_words_in(tokens, &vocabulary) {
        if has_word(tokens, AMOUNT_WORDS) {
            return 100;
        }
        // A lone "value" is any measurement; "dollar value", "order value" are money.
        if has_word(tokens, VALUE_WORDS) && tokens.len() > 1 {
            return 90;
        }
    }
    if is_one_of(
        name,
        &[
            "dollarvalue",
            "ordervalue",
            "salesvalue",
            "paymentvalue",
            "payment",
        ],
    ) {
        return 90;
    }
    if name == "sale" {
        return 50;
    }
    // Other words beside a clear amount word ("Sales (EUR)", "revenue_2023").
    if has_word(
        tokens,
        &[
            "amount", "revenue", "revenues", "sales", "spend", "spent", "turnover",
        ],
    ) {
        return 60;
    }
    0
}

fn product_id_score(name: &str) -> u32 {
    if is_one_of(
        name,
        &[
            "productid",
            "stockcode",
            "sku",
            "itemid",
            "productcode",
            "itemcode",
            "articleid",
            "articlenumber",
            "articleno",
            "productno",
            "productnumber",
            "itemno",
            "itemnumber",
            "asin",
            "upc",
            "ean",
            "barcode",
            "partnumber",
            "partno",
            "materialid",
        ],
    ) {
        return 100;
    }
    if contains_any(name, &["product", "item", "stock", "article", "sku"])
        && ends_with_id_word(name)
    {
        return 75;
    }
    0
}

fn product_score(name: &str) -> u32 {
    if is_one_of(
        name,
        &[
            "productname",
            "description",
            "itemdescription",
            "product",
            "item",
            "itemname",
            "productdescription",
            "productdesc",
            "itemdesc",
            "stockdescription",
            "article",
            "articlename",
            "producttitle",
        ],
    ) {
        return 100;
    }
    if contains_any(name, &["product", "item", "article"]) && !ends_with_id_word(name) {
        return 70;
    }
    if is_one_of(
        name,
        &[
            "category",
            "productcategory",
            "productcategoryname",
            "department",
        ],
    ) {
        return 50;
    }
    if contains_any(name, &["category", "productline"]) {
        return 40;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, cells: &[&str]) -> Column {
        Column::inferred(name, cells)
    }

    /// A table from (name, cells) pairs, with roles detected.
    fn table(columns: &[(&str, &[&str])]) -> Table {
        let columns = columns.iter().map(|(n, cells)| column(n, cells)).collect();
        let mut t = Table::new(columns).unwrap();
        detect_roles(&mut t);
        t
    }

    fn role_of(t: &Table, name: &str) -> Option<Role> {
        t.column_by_name(name).and_then(|c| c.role)
    }

    fn online_retail() -> Table {
        table(&[
            ("InvoiceNo", &["536365", "536365", "C536379", "536366"]),
            ("StockCode", &["85123A", "71053", "D", "85123A"]),
            (
                "Description",
                &["WHITE HEART", "METAL LANTERN", "Discount", "WHITE HEART"],
            ),
            ("Quantity", &["6", "6", "-1", "2"]),
            (
                "InvoiceDate",
                &[
                    "2010-12-01 08:26:00",
                    "2010-12-01 08:26:00",
                    "2010-12-01 09:41:00",
                    "2010-12-01 08:28:00",
                ],
            ),
            ("UnitPrice", &["2.55", "3.39", "27.5", "2.55"]),
            ("CustomerID", &["17850.0", "17850.0", "14527.0", ""]),
            (
                "Country",
                &[
                    "United Kingdom",
                    "United Kingdom",
                    "United Kingdom",
                    "France",
                ],
            ),
        ])
    }

    #[test]
    fn online_retail_roles() {
        let t = online_retail();
        assert_eq!(role_of(&t, "InvoiceNo"), Some(Role::OrderId));
        assert_eq!(role_of(&t, "StockCode"), Some(Role::ProductId));
        assert_eq!(role_of(&t, "Description"), Some(Role::Product));
        assert_eq!(role_of(&t, "Quantity"), Some(Role::Quantity));
        assert_eq!(role_of(&t, "InvoiceDate"), Some(Role::Date));
        assert_eq!(role_of(&t, "UnitPrice"), Some(Role::UnitPrice));
        assert_eq!(role_of(&t, "CustomerID"), Some(Role::CustomerId));
        assert_eq!(role_of(&t, "Country"), None);
    }

    #[test]
    fn superstore_prefers_order_date_and_product_name() {
        let t = table(&[
            ("Row ID", &["1", "2", "3"]),
            (
                "Order ID",
                &["CA-2016-152156", "CA-2016-152156", "US-2015-108966"],
            ),
            ("Order Date", &["11/8/2016", "11/8/2016", "10/11/2015"]),
            ("Ship Date", &["11/11/2016", "11/11/2016", "10/18/2015"]),
            ("Customer ID", &["CG-12520", "CG-12520", "SO-20335"]),
            (
                "Customer Name",
                &["Claire Gute", "Claire Gute", "Sean O'Donnell"],
            ),
            (
                "Product ID",
                &["FUR-BO-10001798", "FUR-CH-10000454", "OFF-LA-10000240"],
            ),
            ("Category", &["Furniture", "Furniture", "Office Supplies"]),
            (
                "Product Name",
                &["Bush Bookcase", "Hon Chairs", "Self-Adhesive Labels"],
            ),
            ("Sales", &["261.96", "731.94", "14.62"]),
            ("Quantity", &["2", "3", "2"]),
            ("Discount", &["0", "0", "0.45"]),
            ("Profit", &["41.9136", "219.582", "6.8714"]),
        ]);
        assert_eq!(role_of(&t, "Row ID"), None);
        assert_eq!(role_of(&t, "Order ID"), Some(Role::OrderId));
        assert_eq!(role_of(&t, "Order Date"), Some(Role::Date));
        assert_eq!(role_of(&t, "Ship Date"), None);
        assert_eq!(role_of(&t, "Customer ID"), Some(Role::CustomerId));
        assert_eq!(role_of(&t, "Customer Name"), None);
        assert_eq!(role_of(&t, "Product ID"), Some(Role::ProductId));
        assert_eq!(role_of(&t, "Product Name"), Some(Role::Product));
        assert_eq!(role_of(&t, "Sales"), Some(Role::Amount));
        assert_eq!(role_of(&t, "Quantity"), Some(Role::Quantity));
        assert_eq!(role_of(&t, "Discount"), None);
        assert_eq!(role_of(&t, "Profit"), None);
    }

    #[test]
    fn groceries_member_number_is_the_customer() {
        let t = table(&[
            ("Member_number", &["1808", "2552", "1808"]),
            ("Date", &["21-07-2015", "05-01-2015", "19-05-2015"]),
            (
                "itemDescription",
                &["tropical fruit", "whole milk", "whole milk"],
            ),
        ]);
        assert_eq!(role_of(&t, "Member_number"), Some(Role::CustomerId));
        assert_eq!(role_of(&t, "Date"), Some(Role::Date));
        assert_eq!(role_of(&t, "itemDescription"), Some(Role::Product));
    }

    #[test]
    fn customer_id_spelled_in_any_case() {
        let t = table(&[
            ("customerID", &["7590-VHVEG", "5575-GNVDE"]),
            ("gender", &["Female", "Male"]),
        ]);
        assert_eq!(role_of(&t, "customerID"), Some(Role::CustomerId));
        let t = table(&[
            ("CustomerID", &["0001", "0002"]),
            ("Genre", &["Male", "Male"]),
        ]);
        assert_eq!(role_of(&t, "CustomerID"), Some(Role::CustomerId));
    }

    #[test]
    fn bare_id_is_the_customer_only_when_unique() {
        let t = table(&[
            ("ID", &["5524", "2174", "4141"]),
            ("Income", &["58138", "46344", "71613"]),
        ]);
        assert_eq!(role_of(&t, "ID"), Some(Role::CustomerId));
        let t = table(&[("ID", &["1", "1", "2"]), ("Income", &["5", "6", "7"])]);
        assert_eq!(role_of(&t, "ID"), None);
    }

    #[test]
    fn bare_id_loses_to_a_named_customer_column() {
        let t = table(&[
            ("ID", &["1", "2", "3"]),
            ("customer_id", &["a1", "b2", "a1"]),
        ]);
        assert_eq!(role_of(&t, "customer_id"), Some(Role::CustomerId));
        assert_eq!(role_of(&t, "ID"), None);
    }

    #[test]
    fn constant_measures_get_no_role() {
        let t = table(&[
            ("Z_Revenue", &["11", "11", "11"]),
            ("Sales", &["1.5", "2", "3"]),
        ]);
        assert_eq!(role_of(&t, "Z_Revenue"), None);
        assert_eq!(role_of(&t, "Sales"), Some(Role::Amount));
    }

    #[test]
    fn a_price_index_is_not_a_unit_price() {
        let t = table(&[
            ("cons.price.idx", &["93.994", "92.893"]),
            ("price", &["2.5", "3"]),
        ]);
        assert_eq!(role_of(&t, "cons.price.idx"), None);
        assert_eq!(role_of(&t, "price"), Some(Role::UnitPrice));
    }

    #[test]
    fn roles_need_fitting_types() {
        let t = table(&[("Amount", &["a lot", "some"]), ("Date", &["soon", "later"])]);
        assert_eq!(role_of(&t, "Amount"), None);
        assert_eq!(role_of(&t, "Date"), None);
    }

    #[test]
    fn repeated_customers_with_a_date_are_transactions() {
        let shape = guess_shape(&online_retail());
        assert_eq!(shape.shape, TableShape::Transactions);
        assert_eq!(
            shape.reason,
            "Customer ID repeats (2 customers over 3 rows) and there is a date and an order ID column: one row per purchase line."
        );
    }

    #[test]
    fn unique_customers_are_a_customer_table() {
        let t = table(&[
            ("CustomerID", &["1", "2", "3"]),
            ("Age", &["19", "21", "20"]),
        ]);
        let shape = guess_shape(&t);
        assert_eq!(shape.shape, TableShape::Customers);
        assert!(shape.reason.contains("3 customers"), "{}", shape.reason);
    }

    #[test]
    fn dates_without_a_customer_id_are_unknown() {
        let t = table(&[
            ("Date", &["2020-01-01", "2020-01-02"]),
            ("Sales", &["1.5", "2.5"]),
        ]);
        assert_eq!(guess_shape(&t).shape, TableShape::Unknown);
    }

    #[test]
    fn no_customer_id_and_no_dates_is_a_customer_table() {
        let t = table(&[("age", &["30", "40"]), ("job", &["admin", "retired"])]);
        assert_eq!(guess_shape(&t).shape, TableShape::Customers);
    }

    /// The role a lone numeric column gets from its name.
    fn numeric_role(name: &str) -> Option<Role> {
        let t = table(&[(name, &["1.5", "2", "7.25", "3"])]);
        role_of(&t, name)
    }

    #[test]
    fn name_words() {
        let words = |name: &str| names::words(name).join(" ");
        assert_eq!(words("dollar_value"), "dollar value");
        assert_eq!(words("TotalCharges"), "total charges");
        assert_eq!(words("customerID"), "customer id");
        assert_eq!(words("USDPrice"), "usd price");
        assert_eq!(words("number-of-CDs"), "number of cds");
        assert_eq!(words("Number Of CDs"), "number of cds");
        assert_eq!(words("euribor3m"), "euribor 3 m");
        assert_eq!(words("Annual Income (k$)"), "annual income k");
        assert_eq!(words("emp.var.rate"), "emp var rate");
    }

    #[test]
    fn amount_names() {
        for name in [
            "dollar_value",
            "DollarValue",
            "sales",
            "Sales",
            "revenue",
            "total",
            "Total",
            "price_total",
            "PriceTotal",
            "order_value",
            "OrderValue",
            "spend",
            "amount",
            "Sales (EUR)",
            "total_amount",
            "payment_value",
            "line total",
            "amount_paid",
            "totalamount",
        ] {
            assert_eq!(numeric_role(name), Some(Role::Amount), "{name}");
        }
    }

    #[test]
    fn quantity_names() {
        for name in [
            "number_of_cds",
            "NumberOfCDs",
            "qty",
            "Qty",
            "units",
            "quantity",
            "Quantity",
            "total_items",
            "item_count",
            "num_items",
            "units_sold",
            "quantity_ordered",
        ] {
            assert_eq!(numeric_role(name), Some(Role::Quantity), "{name}");
        }
    }

    #[test]
    fn names_that_are_neither_amount_nor_quantity() {
        for name in [
            // Telco's and marketing_campaign's customer-file columns.
            "TotalCharges",
            "MonthlyCharges",
            "MntWines",
            "MntGoldProds",
            "NumWebPurchases",
            "NumDealsPurchases",
            "Income",
            // bank, shoppers
            "balance",
            "PageValues",
            "ProductRelated",
            "nr.employed",
            "duration",
            // Shares and averages of an amount.
            "avg_order_value",
            "freight_value",
            "tax_amount",
            "discount",
            "Profit",
            "sales_count",
            "value",
        ] {
            let role = numeric_role(name);
            assert!(
                !matches!(role, Some(Role::Amount | Role::Quantity)),
                "{name}: {role:?}"
            );
        }
        assert_eq!(numeric_role("unit_price"), Some(Role::UnitPrice));
        assert_eq!(numeric_role("UnitPrice"), Some(Role::UnitPrice));
    }

    #[test]
    fn cdnow_header_roles() {
        let t = table(&[
            ("customer_id", &["00001", "00002", "00002"]),
            ("date", &["19970101", "19970112", "19970112"]),
            ("number_of_cds", &["1", "1", "5"]),
            ("dollar_value", &["11.77", "12.00", "77.00"]),
        ]);
        assert_eq!(role_of(&t, "customer_id"), Some(Role::CustomerId));
        assert_eq!(role_of(&t, "date"), Some(Role::Date));
        assert_eq!(role_of(&t, "number_of_cds"), Some(Role::Quantity));
        assert_eq!(role_of(&t, "dollar_value"), Some(Role::Amount));
        assert_eq!(guess_shape(&t).shape, TableShape::Transactions);
    }
}
