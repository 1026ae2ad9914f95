//! The mapped columns read once per dictionary entry: customer index, day, month, number and
//! cancellation flag per code, so the pass over the rows only looks values up.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;

use super::{FeatureError, RoleMapping};
use crate::core::format::civil_from_days;
use crate::core::ingest::infer::{self, ConversionError};
use crate::core::table::{Column, ColumnType, ParsedDict, Role, Table, MISSING};

/// Id of the customer that collects the lines without a customer id, when they are kept.
pub(super) const NO_CUSTOMER_ID: &str = "(no customer ID)";

/// A numeric column read per code (`NaN` = missing or unreadable).
pub(super) struct Numbers<'a> {
    pub column: &'a Column,
    values: Vec<f64>,
}

impl Numbers<'_> {
    /// Value of `row` (`NaN` when missing).
    pub fn at(&self, row: usize) -> f64 {
        self.column
            .codes
            .get(row)
            .and_then(|&code| self.values.get(code as usize))
            .copied()
            .unwrap_or(f64::NAN)
    }
}

/// Where a line's spend comes from.
pub(super) enum Spend<'a> {
    /// No amount and no quantity × unit price: the spend features are absent.
    None,
    Amount(Numbers<'a>),
    /// Quantity (in [`Inputs::quantity`]) × this unit price.
    QuantityTimesPrice(Numbers<'a>),
}

/// The order column with its cancellation flag per code.
pub(super) struct Orders<'a> {
    pub column: &'a Column,
    /// Order id written `C` + digit (Online Retail's cancellation invoices).
    cancelled: Vec<bool>,
}

impl Orders<'_> {
    /// The order code of `row` (`None` when missing) and whether it is a cancellation.
    pub fn at(&self, row: usize) -> Option<(u32, bool)> {
        let code = *self.column.codes.get(row)?;
        if code == MISSING {
            return None;
        }
        let cancelled = self.cancelled.get(code as usize).copied().unwrap_or(false);
        Some((code, cancelled))
    }
}

/// The mapped columns, resolved and read per code.
pub(super) struct Inputs<'a> {
    pub customer: &'a Column,
    /// Customer index per customer code (`MISSING` never occurs for a real code).
    customer_of_code: Vec<u32>,
    /// Customer index → id, sorted (numbers by value, then text). The lines without a customer
    /// id, when kept, get index `customer_ids.len()`.
    pub customer_ids: Vec<String>,
    pub date: &'a Column,
    /// Day (days since 1970-01-01) and month (year × 12 + month − 1) per date code.
    day_of_code: Vec<Option<(i32, i32)>>,
    pub order: Option<Orders<'a>>,
    pub quantity: Option<Numbers<'a>>,
    pub spend: Spend<'a>,
    pub product: Option<&'a Column>,
    /// Facts about the mapping for [`super::CustomerBuild::notes`].
    pub notes: Vec<String>,
}

impl<'a> Inputs<'a> {
    pub fn resolve(table: &'a Table, mapping: &RoleMapping) -> Result<Inputs<'a>, FeatureError> {
        let customer = required(table, Role::CustomerId, mapping.customer)?;
        let date = required(table, Role::Date, mapping.date)?;
        let order = optional(table, Role::OrderId, mapping.order)?;
        let quantity = optional(table, Role::Quantity, mapping.quantity)?;
        let unit_price = optional(table, Role::UnitPrice, mapping.unit_price)?;
        let amount = optional(table, Role::Amount, mapping.amount)?;
        let (product_role, product_index) = mapping.product_column();
        let product = optional(table, product_role, product_index)?;

        let mut notes = Vec::new();
        let (customer_of_code, customer_ids) = customer_index(customer);
        let day_of_code = read_days(date)?;
        let quantity = match quantity {
            Some(column) => Some(read_numbers(column, Role::Quantity)?),
            None => None,
        };
        let spend = match (amount, &quantity, unit_price) {
            (Some(column), _, _) => {
                notes.push(format!("Spend is the amount in '{}'.", column.name));
                Spend::Amount(read_numbers(column, Role::Amount)?)
            }
            (None, Some(q), Some(price)) => {
                notes.push(format!("Spend is '{}' × '{}'.", q.column.name, price.name));
                Spend::QuantityTimesPrice(read_numbers(price, Role::UnitPrice)?)
            }
            (None, q, price) => {
                let why = match (q, price) {
                    (Some(q), None) => format!(
                        "A quantity column ('{}') is set but no unit price or amount",
                        q.column.name
                    ),
                    (None, Some(price)) => format!(
                        "A unit price column ('{}') is set but no quantity or amount",
                        price.name
                    ),
                    _ => "No amount column and no quantity × unit price".to_string(),
                };
                notes.push(format!(
                    "{why}: spend cannot be computed, so the monetary features (monetary, \
                     avg_order_value, spend_30d, spend_90d, spend_trend, m_score) are absent, \
                     not zero, and the RFM segment uses recency and frequency only."
                ));
                Spend::None
            }
        };
        let order = order.map(|column| orders(column, &mut notes));
        match order {
            Some(ref o) => notes.push(format!(
                "An order is a distinct value of '{}'.",
                o.column.name
            )),
            None => notes.push(
                "No order ID column: each customer's purchases on one day count as one order."
                    .to_string(),
            ),
        }
        Ok(Inputs {
            customer,
            customer_of_code,
            customer_ids,
            date,
            day_of_code,
            order,
            quantity,
            spend,
            product,
            notes,
        })
    }

    /// Customer index of `row`; `None` when the cell is missing.
    pub fn customer_at(&self, row: usize) -> Option<u32> {
        let code = *self.customer.codes.get(row)?;
        self.customer_of_code.get(code as usize).copied()
    }

    /// Day and month of `row`; `None` when the date is missing or out of range.
    pub fn day_at(&self, row: usize) -> Option<(i32, i32)> {
        let code = *self.date.codes.get(row)?;
        self.day_of_code.get(code as usize).copied().flatten()
    }

    /// Quantity of `row` (`NaN` when missing or not mapped).
    pub fn quantity_at(&self, row: usize) -> f64 {
        self.quantity.as_ref().map_or(f64::NAN, |q| q.at(row))
    }

    /// Spend of `row` (`NaN` when missing or when the data has no spend).
    pub fn spend_at(&self, row: usize, quantity: f64) -> f64 {
        match &self.spend {
            Spend::None => f64::NAN,
            Spend::Amount(amount) => amount.at(row),
            Spend::QuantityTimesPrice(price) => quantity * price.at(row),
        }
    }

    pub fn has_spend(&self) -> bool {
        !matches!(self.spend, Spend::None)
    }

    /// Whether a return can be recognised at all: an order id prefix, a quantity or a spend.
    pub fn can_see_returns(&self) -> bool {
        self.order.is_some() || self.quantity.is_some() || self.has_spend()
    }

    /// The columns whose missing value makes a line unreadable, for the receipt.
    pub fn spend_columns(&self) -> String {
        match &self.spend {
            Spend::None => String::new(),
            Spend::Amount(amount) => format!("'{}'", amount.column.name),
            Spend::QuantityTimesPrice(price) => format!(
                "'{}' or '{}'",
                self.quantity
                    .as_ref()
                    .map_or("", |q| q.column.name.as_str()),
                price.column.name
            ),
        }
    }
}

fn column_at(
    table: &Table,
    role: Role,
    index: Option<usize>,
) -> Result<Option<&Column>, FeatureError> {
    let Some(index) = index else {
        return Ok(None);
    };
    let column = table.column(index).ok_or(FeatureError::NoSuchColumn {
        role,
        index,
        n_cols: table.n_cols(),
    })?;
    if !column.is_empty() && column.missing_count() == column.len() {
        return Err(FeatureError::EmptyColumn {
            role,
            column: column.name.clone(),
        });
    }
    Ok(Some(column))
}

fn required(table: &Table, role: Role, index: Option<usize>) -> Result<&Column, FeatureError> {
    column_at(table, role, index)?.ok_or(FeatureError::MissingRole { role })
}

fn optional(
    table: &Table,
    role: Role,
    index: Option<usize>,
) -> Result<Option<&Column>, FeatureError> {
    column_at(table, role, index)
}

/// `17850.0` → `17850` (integers written as floats, as Spark and pandas export them).
pub(super) fn normalise_id(text: &str) -> &str {
    let Some((whole, fraction)) = text.split_once('.') else {
        return text;
    };
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    let integral = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if integral && !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') {
        whole
    } else {
        text
    }
}

/// Numbers first (by value), then text; ties by text.
pub(super) fn compare_ids(a: (Option<i128>, &str), b: (Option<i128>, &str)) -> Ordering {
    match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(b.1)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.1.cmp(b.1),
    }
}

/// Customer index per code, and the sorted ids (codes whose ids normalise alike share one).
fn customer_index(column: &Column) -> (Vec<u32>, Vec<String>) {
    let mut first_of: FxHashMap<&str, u32> = FxHashMap::default();
    let mut unique: Vec<&str> = Vec::new();
    let provisional: Vec<u32> = column
        .dict
        .iter()
        .map(|text| {
            let id = normalise_id(text);
            *first_of.entry(id).or_insert_with(|| {
                unique.push(id);
                (unique.len() - 1) as u32
            })
        })
        .collect();
    let mut keyed: Vec<(Option<i128>, String, u32)> = unique
        .iter()
        .enumerate()
        .map(|(i, id)| (id.parse::<i128>().ok(), id.to_string(), i as u32))
        .collect();
    keyed.sort_by(|a, b| compare_ids((a.0, &a.1), (b.0, &b.1)));
    let mut rank = vec![0u32; unique.len()];
    for (position, (_, _, provisional_index)) in keyed.iter().enumerate() {
        if let Some(slot) = rank.get_mut(*provisional_index as usize) {
            *slot = position as u32;
        }
    }
    let customer_of_code = provisional
        .iter()
        .map(|&p| rank.get(p as usize).copied().unwrap_or(MISSING))
        .collect();
    let ids = keyed.into_iter().map(|(_, id, _)| id).collect();
    (customer_of_code, ids)
}

fn day_of_seconds(seconds: i64) -> Option<i32> {
    i32::try_from(seconds.div_euclid(86_400)).ok()
}

fn with_month(day: Option<i32>) -> Option<(i32, i32)> {
    let day = day?;
    let (year, month, _) = civil_from_days(i64::from(day));
    let month = i32::try_from(year * 12 + i64::from(month) - 1).ok()?;
    Some((day, month))
}

/// Day and month per code of the date column; a text column is read as dates (then date-times).
fn read_days(column: &Column) -> Result<Vec<Option<(i32, i32)>>, FeatureError> {
    let days: Vec<Option<i32>> = match &column.parsed {
        ParsedDict::Date(days) => days.iter().map(|&d| Some(d)).collect(),
        ParsedDict::DateTime(seconds) => seconds.iter().map(|&s| day_of_seconds(s)).collect(),
        _ => {
            let counts = column.code_counts();
            let as_date = infer::convert(&column.name, &column.dict, &counts, ColumnType::Date);
            let parsed = match as_date {
                Ok((parsed, _)) => parsed,
                Err(date_error) => {
                    match infer::convert(&column.name, &column.dict, &counts, ColumnType::DateTime)
                    {
                        Ok((parsed, _)) => parsed,
                        Err(time_error) => {
                            let best = if time_error.failed_rows < date_error.failed_rows {
                                time_error
                            } else {
                                date_error
                            };
                            return Err(unreadable_dates(best));
                        }
                    }
                }
            };
            match parsed {
                ParsedDict::Date(days) => days.into_iter().map(Some).collect(),
                ParsedDict::DateTime(seconds) => seconds.into_iter().map(day_of_seconds).collect(),
                _ => vec![None; column.dict.len()],
            }
        }
    };
    Ok(days.into_iter().map(with_month).collect())
}

fn unreadable_dates(error: ConversionError) -> FeatureError {
    FeatureError::UnreadableDates {
        column: error.column,
        failed_rows: error.failed_rows,
        total_rows: error.total_rows,
        examples: error.examples,
    }
}

/// Numbers per code; a column that is not numeric is read as decimals.
fn read_numbers(column: &Column, role: Role) -> Result<Numbers<'_>, FeatureError> {
    let numbers = |parsed: &ParsedDict| match parsed {
        ParsedDict::Integer(v) => Some(v.iter().map(|&x| x as f64).collect()),
        ParsedDict::Decimal(v) => Some(v.clone()),
        _ => None,
    };
    let values = match numbers(&column.parsed) {
        Some(values) => values,
        None => {
            let counts = column.code_counts();
            match infer::convert(&column.name, &column.dict, &counts, ColumnType::Decimal) {
                Ok((parsed, _)) => numbers(&parsed).unwrap_or_default(),
                Err(error) => {
                    return Err(FeatureError::NotNumeric {
                        role,
                        column: error.column,
                        failed_rows: error.failed_rows,
                        total_rows: error.total_rows,
                        examples: error.examples,
                    })
                }
            }
        }
    };
    Ok(Numbers { column, values })
}

/// `C536379`: a cancellation invoice in Online Retail. `CA-2016-152156` (Superstore) is not.
pub(super) fn is_cancellation_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    matches!(bytes.first(), Some(b'C' | b'c')) && bytes.get(1).is_some_and(u8::is_ascii_digit)
}

fn orders<'a>(column: &'a Column, notes: &mut Vec<String>) -> Orders<'a> {
    let mut cancelled: Vec<bool> = column
        .dict
        .iter()
        .map(|id| is_cancellation_id(id))
        .collect();
    if !cancelled.is_empty() && cancelled.iter().all(|&c| c) {
        notes.push(format!(
            "Every order ID in '{}' starts with C and a digit, so that prefix is not read as a \
             cancellation.",
            column.name
        ));
        cancelled.iter_mut().for_each(|c| *c = false);
    }
    Orders { column, cancelled }
}
