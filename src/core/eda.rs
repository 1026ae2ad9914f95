//! Exploratory charts as data: what to draw, already binned and sampled to what a screen shows.
//!
//! The worker computes a [`Chart`] from the customer table (or the transactions) and sends it
//! to the UI, whose `charts` module draws it on a canvas. No drawing here, no web-sys.
//! A chart never carries more than a few thousand numbers, whatever the table size.
//! The chart model itself lives in [`crate::core::chart`] and is re-exported here.

pub use crate::core::chart::*;
use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
use crate::core::features::MonthlyActivity;
use crate::core::format;
use crate::core::prep::{stats, FittedImpute};
use crate::core::table::Table;

/// Most outlier points a box plot carries.
pub const MAX_OUTLIER_POINTS: usize = 200;

// ---------------------------------------------------------------------------------------------
// Computing charts
// ---------------------------------------------------------------------------------------------

/// Fewest and most bins of a Freedman–Diaconis histogram.
pub const MIN_BINS: usize = 10;
pub const MAX_BINS: usize = 50;
/// Most bars of a categorical bar chart before the rest is grouped as "Other".
pub const MAX_BAR_LEVELS: usize = 15;
/// The histogram shows the 1st–99th percentile range when the full range is more than this
/// many times wider (a few extreme values would squash the bulk into a couple of bins).
pub const TAIL_RATIO: f64 = 2.0;

/// How a feature's values are written: money for names that say so (spend, amount, revenue,
/// value, income, price, sales, `Mnt…`) unless they are a score, rate or share; counts for
/// whole-number columns named like counts (orders, purchases, frequency, `Num…`, visits);
/// plain numbers otherwise.
pub fn value_format_for(feature: &Feature) -> ValueFormat {
    let name = feature.name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["score", "rate", "ratio", "share", "pct", "percent", "%"]) {
        return ValueFormat::Number;
    }
    if has(&[
        "monetary", "spend", "value", "amount", "revenue", "income", "price", "sales", "profit",
        "mnt",
    ]) {
        return ValueFormat::Money;
    }
    let whole = match &feature.values {
        FeatureValues::Numeric(v) => stats::is_integer_valued(v),
        FeatureValues::Categorical { .. } => false,
    };
    if whole
        && (has(&[
            "count",
            "frequency",
            "orders",
            "purchases",
            "visits",
            "number",
        ]) || name.starts_with("num")
            || name.starts_with("n_"))
    {
        return ValueFormat::Count;
    }
    ValueFormat::Number
}

/// "200 customers · 0 missing · median 52".
/// "4,338 customers · 0 missing · median 52"; for a feature whose blanks are not defined
/// (`meta.undefined`: the charts leave those cells out) "· 1,538 not defined".
fn numeric_subtitle(feature: &Feature, total: usize, blank: usize, median: f64) -> String {
    let blank_word = if feature.meta.undefined.is_some() {
        "not defined"
    } else {
        "missing"
    };
    format!(
        "{} · {} {blank_word} · median {}",
        customers(total),
        format::thousands(blank as u64),
        format::number(median)
    )
}

fn customers(n: usize) -> String {
    format!(
        "{} {}",
        format::thousands(n as u64),
        if n == 1 { "customer" } else { "customers" }
    )
}

/// Histogram of a numeric feature; `None` for categorical features and columns with no values.
///
/// Bins: one per integer when the values are whole numbers spanning at most [`MAX_BINS`];
/// otherwise Freedman–Diaconis (width `2·IQR·n^(−1/3)`, or √n bins when the IQR is 0), clamped
/// to [`MIN_BINS`]…[`MAX_BINS`], with whole-number widths and half-integer edges for
/// whole-number data. When the full range is more than [`TAIL_RATIO`] times the 1st–99th
/// percentile range, the long side(s) are cut at the 1st / 99th percentile (a side is long when
/// it reaches more than half the percentile range beyond it) and the subtitle says how many
/// values are not shown. Bin counts plus those values add up to the non-missing count.
pub fn histogram(feature: &Feature) -> Option<Chart> {
    let FeatureValues::Numeric(values) = &feature.values else {
        return None;
    };
    let sorted = stats::sorted_finite(values);
    let (&min, &max) = (sorted.first()?, sorted.last()?);
    let n = sorted.len();
    let integer = stats::is_integer_valued(&sorted);
    let p1 = stats::quantile_sorted(&sorted, 0.01)?;
    let p99 = stats::quantile_sorted(&sorted, 0.99)?;
    let per_integer = integer && max - min < MAX_BINS as f64;
    let trimmed = !per_integer && p99 > p1 && max - min > TAIL_RATIO * (p99 - p1);
    // Trim only the side(s) with a long tail: at least one is, when `trimmed`.
    let bulk = p99 - p1;
    let trim_low = trimmed && p1 - min > 0.5 * bulk;
    let trim_high = trimmed && max - p99 > 0.5 * bulk;
    let lo = if trim_low { p1 } else { min };
    let hi = if trim_high { p99 } else { max };

    let edges: Vec<f64> = if per_integer {
        let count = (max - min) as usize + 1;
        (0..=count).map(|i| min - 0.5 + i as f64).collect()
    } else if hi <= lo {
        vec![lo - 0.5, lo + 0.5]
    } else {
        let (q1, q3) = stats::quartiles_sorted(&sorted)?;
        let fd_width = 2.0 * (q3 - q1) / (n as f64).cbrt();
        let target = if fd_width > 0.0 {
            ((hi - lo) / fd_width).ceil()
        } else {
            (n as f64).sqrt().ceil()
        };
        let target = (target as usize).clamp(MIN_BINS, MAX_BINS);
        if integer {
            let (a, b) = (lo.ceil(), hi.floor());
            let span = b - a + 1.0;
            let width = (span / target as f64).ceil().max(1.0);
            let count = (span / width).ceil().max(1.0) as usize;
            (0..=count).map(|i| a - 0.5 + i as f64 * width).collect()
        } else {
            let width = (hi - lo) / target as f64;
            (0..=target)
                .map(|i| {
                    if i == target {
                        hi
                    } else {
                        lo + i as f64 * width
                    }
                })
                .collect()
        }
    };
    let (first, last) = (*edges.first()?, *edges.last()?);
    let bins_n = edges.len() - 1;
    let width = (last - first) / bins_n as f64;
    let mut counts = vec![0u64; bins_n];
    let mut beyond = 0u64;
    for &x in &sorted {
        if x < first || x > last {
            beyond += 1;
            continue;
        }
        let i = (((x - first) / width).floor() as usize).min(bins_n - 1);
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    let bins = edges
        .windows(2)
        .zip(counts)
        .map(|(e, count)| HistogramBin {
            lo: e[0],
            hi: e[1],
            count,
        })
        .collect();
    let median = stats::quantile_sorted(&sorted, 0.5)?;
    let mut subtitle = numeric_subtitle(feature, values.len(), values.len() - n, median);
    if beyond > 0 {
        let side = match (trim_low, trim_high) {
            (true, false) => "below the 1st percentile",
            (false, true) => "above the 99th percentile",
            _ => "outside the 1st–99th percentile",
        };
        subtitle.push_str(&format!(
            " · {} {side} not shown",
            if beyond == 1 {
                "1 value".to_string()
            } else {
                format!("{} values", format::thousands(beyond))
            }
        ));
    }
    Some(Chart {
        id: format!("hist:{}", feature.name),
        title: feature.name.clone(),
        subtitle,
        kind: ChartKind::Histogram {
            x_label: feature.name.clone(),
            x_format: value_format_for(feature),
            bins,
            x_scale: AxisScale::Linear,
        },
    })
}

/// Box statistics of the non-missing values: quartiles by linear interpolation, Tukey
/// whiskers at 1.5 × IQR, outliers evenly sampled to [`MAX_OUTLIER_POINTS`].
pub fn box_stats(label: &str, values: &[f64]) -> Option<BoxStats> {
    let sorted = stats::sorted_finite(values);
    let (&min, &max) = (sorted.first()?, sorted.last()?);
    let (q1, q3) = stats::quartiles_sorted(&sorted)?;
    let median = stats::quantile_sorted(&sorted, 0.5)?;
    let mean = stats::mean(&sorted)?;
    let iqr = q3 - q1;
    let (fence_lo, fence_hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    let inside = |x: &&f64| **x >= fence_lo && **x <= fence_hi;
    let lower_whisker = sorted.iter().find(inside).copied().unwrap_or(q1);
    let upper_whisker = sorted.iter().rev().find(inside).copied().unwrap_or(q3);
    let all_outliers: Vec<f64> = sorted
        .iter()
        .copied()
        .filter(|x| *x < fence_lo || *x > fence_hi)
        .collect();
    Some(BoxStats {
        label: label.to_string(),
        n: sorted.len() as u64,
        min,
        q1,
        median,
        q3,
        max,
        mean,
        lower_whisker,
        upper_whisker,
        n_outliers: all_outliers.len() as u64,
        outliers: sample_evenly(&all_outliers, MAX_OUTLIER_POINTS),
    })
}

/// At most `limit` values, evenly spaced through `values`, always keeping the first and last.
fn sample_evenly(values: &[f64], limit: usize) -> Vec<f64> {
    if values.len() <= limit {
        return values.to_vec();
    }
    if limit < 2 {
        return values.iter().take(limit).copied().collect();
    }
    let step = (values.len() - 1) as f64 / (limit - 1) as f64;
    (0..limit)
        .filter_map(|i| values.get((i as f64 * step).round() as usize).copied())
        .collect()
}

/// Box plot of a numeric feature; `None` for categorical features and columns with no values.
pub fn box_plot(feature: &Feature) -> Option<Chart> {
    let FeatureValues::Numeric(values) = &feature.values else {
        return None;
    };
    let stats = box_stats(&feature.name, values)?;
    let mut subtitle = numeric_subtitle(
        feature,
        values.len(),
        values.len().saturating_sub(stats.n as usize),
        stats.median,
    );
    subtitle.push_str(&format!(
        " · {} beyond the whiskers",
        if stats.n_outliers == 1 {
            "1 value".to_string()
        } else {
            format!("{} values", format::thousands(stats.n_outliers))
        }
    ));
    Some(Chart {
        id: format!("box:{}", feature.name),
        title: feature.name.clone(),
        subtitle,
        kind: ChartKind::BoxPlot {
            y_label: feature.name.clone(),
            y_format: value_format_for(feature),
            boxes: vec![stats],
        },
    })
}

/// Bar chart of a categorical feature: the [`MAX_BAR_LEVELS`] most frequent levels, most
/// frequent first (ties in level order), then "Other (n levels)" for the rest, then
/// "(missing)" when there are missing values. `None` for numeric features and empty columns.
pub fn bar_chart(feature: &Feature) -> Option<Chart> {
    let FeatureValues::Categorical { levels, codes } = &feature.values else {
        return None;
    };
    if codes.is_empty() {
        return None;
    }
    let mut counts = vec![0u64; levels.len()];
    let mut missing = 0u64;
    for &c in codes {
        match counts.get_mut(c as usize) {
            Some(n) => *n += 1,
            None => missing += 1,
        }
    }
    let mut order: Vec<usize> = (0..levels.len())
        .filter(|&i| counts.get(i).is_some_and(|&n| n > 0))
        .collect();
    order.sort_by(|&a, &b| counts.get(b).cmp(&counts.get(a)).then(a.cmp(&b)));
    let present = order.len();
    let mut bars: Vec<BarValue> = order
        .iter()
        .take(MAX_BAR_LEVELS)
        .filter_map(|&i| {
            Some(BarValue {
                label: levels.get(i)?.clone(),
                value: *counts.get(i)? as f64,
            })
        })
        .collect();
    if present > MAX_BAR_LEVELS {
        let rest: u64 = order
            .iter()
            .skip(MAX_BAR_LEVELS)
            .filter_map(|&i| counts.get(i))
            .sum();
        bars.push(BarValue {
            label: format!(
                "Other ({} levels)",
                format::thousands((present - MAX_BAR_LEVELS) as u64)
            ),
            value: rest as f64,
        });
    }
    if missing > 0 {
        bars.push(BarValue {
            label: "(missing)".to_string(),
            value: missing as f64,
        });
    }
    let horizontal = bars.len() > 6 || bars.iter().any(|b| b.label.chars().count() > 12);
    Some(Chart {
        id: format!("bar:{}", feature.name),
        title: feature.name.clone(),
        subtitle: format!(
            "{} · {} missing · {} {}",
            customers(codes.len()),
            format::thousands(missing),
            format::thousands(present as u64),
            if present == 1 { "level" } else { "levels" }
        ),
        kind: ChartKind::Bar {
            x_label: feature.name.clone(),
            y_label: "Customers".to_string(),
            y_format: ValueFormat::Count,
            bars,
            horizontal,
        },
    })
}

/// The charts of one feature: histogram and box plot for a numeric one, a bar chart for a
/// categorical one (empty when the column has no values).
pub fn feature_charts(feature: &Feature) -> Vec<Chart> {
    if feature.values.is_numeric() {
        histogram(feature)
            .into_iter()
            .chain(box_plot(feature))
            .collect()
    } else {
        bar_chart(feature).into_iter().collect()
    }
}

/// Pearson correlations between the numeric features with a spread (at most `max_columns`, in
/// table order), each pair over the rows where both are present. A cell is `None` when undefined
/// (fewer than two shared rows or no shared spread), the diagonal `Some(1)`. The subtitle names
/// every column left out and why: a single value (nothing to correlate), or beyond
/// `max_columns`. `None` when fewer than two columns are taken.
pub fn correlation_heatmap(table: &CustomerTable, max_columns: usize) -> Option<Chart> {
    let numeric: Vec<(&str, &[f64])> = table
        .features
        .iter()
        .filter_map(|f| match &f.values {
            FeatureValues::Numeric(v) => Some((f.name.as_str(), v.as_slice())),
            FeatureValues::Categorical { .. } => None,
        })
        .collect();
    let (spread, single): (Vec<_>, Vec<_>) = numeric
        .iter()
        .partition(|(_, x)| stats::pearson(x, x).is_some());
    let taken = &spread[..spread.len().min(max_columns)];
    let beyond = &spread[taken.len()..];
    if taken.len() < 2 {
        return None;
    }
    let k = taken.len();
    let mut cells = vec![vec![None; k]; k];
    for (i, (_, x)) in taken.iter().enumerate() {
        for (j, (_, y)) in taken.iter().enumerate().skip(i) {
            let r = if i == j {
                stats::pearson(x, x).map(|_| 1.0)
            } else {
                stats::pearson(x, y)
            };
            if let Some(row) = cells.get_mut(i) {
                if let Some(cell) = row.get_mut(j) {
                    *cell = r;
                }
            }
            if let Some(row) = cells.get_mut(j) {
                if let Some(cell) = row.get_mut(i) {
                    *cell = r;
                }
            }
        }
    }
    let mut subtitle = format!("Pearson, pairwise-complete rows · {k} numeric columns");
    if !single.is_empty() {
        subtitle.push_str(&format!(
            " · left out, a single value: {}",
            name_list(single.iter().map(|(name, _)| *name))
        ));
    }
    if !beyond.is_empty() {
        subtitle.push_str(&format!(
            " · left out, only {max_columns} fit: {}",
            name_list(beyond.iter().map(|(name, _)| *name))
        ));
    }
    Some(Chart {
        id: "corr".to_string(),
        title: "Correlation between numeric columns".to_string(),
        subtitle,
        kind: ChartKind::Heatmap {
            labels: taken.iter().map(|(name, _)| name.to_string()).collect(),
            cells,
            min: -1.0,
            max: 1.0,
            value_format: ValueFormat::Correlation,
            column_labels: None,
            x_label: String::new(),
            y_label: String::new(),
            value_label: String::new(),
            color_scale: ColorScale::Auto,
            cell_notes: None,
        },
    })
}

/// `"a, b, c"`, or `"a, b, c, d and 5 more"` beyond [`NAMES_LISTED`] names.
fn name_list<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = names.len();
    let mut text = names.take(NAMES_LISTED).collect::<Vec<_>>().join(", ");
    if total > NAMES_LISTED {
        text.push_str(&format!(" and {} more", total - NAMES_LISTED));
    }
    text
}

/// Most column names a chart subtitle lists.
const NAMES_LISTED: usize = 6;

/// Share of missing cells per column as horizontal bars, most missing first (ties in column
/// order), every column included.
fn missing_bars(columns: Vec<(String, usize)>, rows: usize) -> Chart {
    let cells: usize = columns.iter().map(|(_, m)| m).sum();
    let with = columns.iter().filter(|(_, m)| *m > 0).count();
    let subtitle = if cells == 0 {
        format!(
            "No missing values in {} columns × {} rows",
            format::thousands(columns.len() as u64),
            format::thousands(rows as u64)
        )
    } else {
        format!(
            "{} missing {} in {} of {} columns",
            format::thousands(cells as u64),
            if cells == 1 { "cell" } else { "cells" },
            format::thousands(with as u64),
            format::thousands(columns.len() as u64)
        )
    };
    blank_bars("Missing values by column", subtitle, columns, rows)
}

/// The bar chart of blank cells: `(label, blank cells)` per bar, as a share of `rows`.
fn blank_bars(title: &str, subtitle: String, bars: Vec<(String, usize)>, rows: usize) -> Chart {
    let mut bars: Vec<BarValue> = bars
        .into_iter()
        .map(|(label, blank)| BarValue {
            label,
            value: if rows == 0 {
                0.0
            } else {
                blank as f64 * 100.0 / rows as f64
            },
        })
        .collect();
    bars.sort_by(|a, b| b.value.total_cmp(&a.value));
    Chart {
        id: "missing".to_string(),
        title: title.to_string(),
        subtitle,
        kind: ChartKind::Bar {
            x_label: "Column".to_string(),
            y_label: "% missing".to_string(),
            y_format: ValueFormat::Percent,
            bars,
            horizontal: true,
        },
    }
}

/// Missing share per column of the loaded (raw) table.
pub fn missing_chart_for_table(table: &Table) -> Chart {
    let columns = table
        .columns()
        .iter()
        .map(|c| (c.name.clone(), c.missing_count()))
        .collect();
    missing_bars(columns, table.n_rows())
}

/// Missing share per feature of a customer table.
pub fn missing_chart(table: &CustomerTable) -> Chart {
    let columns = table
        .features
        .iter()
        .map(|f| (f.name.clone(), f.values.missing_count()))
        .collect();
    missing_bars(columns, table.n_rows())
}

/// Blank cells per feature of the customer table as built (before preparation), told apart as
/// the preparation treats them: missing values (filled by `impute`, or kept when filling is
/// off or the column is empty) and cells a feature does not define (the gap between orders of
/// a one-order customer: given their model value, never imputed; bars labelled "… (n/a)", not
/// applicable). The counts are those of the receipt's `impute` and `not_defined` lines.
pub fn blank_cells_chart(table: &CustomerTable, impute: &FittedImpute) -> Chart {
    let n_columns = table.features.len();
    let mut bars = Vec::with_capacity(n_columns);
    let (mut filled, mut kept, mut undefined) = (0usize, 0usize, 0usize);
    let (mut filled_columns, mut kept_columns, mut undefined_columns) = (0usize, 0usize, 0usize);
    for feature in &table.features {
        let blank = feature.values.missing_count();
        let not_defined = impute.undefined.iter().any(|u| u.name == feature.name);
        if not_defined {
            bars.push((format!("{} (n/a)", feature.name), blank));
            undefined += blank;
            undefined_columns += usize::from(blank > 0);
            continue;
        }
        bars.push((feature.name.clone(), blank));
        if impute.fills.iter().any(|f| f.name == feature.name) {
            filled += blank;
            filled_columns += usize::from(blank > 0);
        } else {
            kept += blank;
            kept_columns += usize::from(blank > 0);
        }
    }
    let count = |n: usize, columns: usize, what: &str| {
        format!(
            "{} {what} {} in {} {}",
            format::thousands(n as u64),
            if n == 1 { "cell" } else { "cells" },
            format::thousands(columns as u64),
            if columns == 1 { "column" } else { "columns" },
        )
    };
    let mut parts = Vec::new();
    if filled > 0 {
        parts.push(format!(
            "{}, filled",
            count(filled, filled_columns, "missing")
        ));
    }
    if kept > 0 {
        let why = if impute.params.enabled {
            "kept blank (empty columns)"
        } else {
            "kept blank (filling is off)"
        };
        parts.push(format!("{}, {why}", count(kept, kept_columns, "missing")));
    }
    if undefined > 0 {
        parts.push(format!(
            "{}, set to their model value (not imputed)",
            count(undefined, undefined_columns, "not-defined (n/a)")
        ));
    }
    let subtitle = if parts.is_empty() {
        format!(
            "No missing values in {} columns × {} customers",
            format::thousands(n_columns as u64),
            format::thousands(table.n_rows() as u64)
        )
    } else {
        parts.join(" · ")
    };
    let title = if impute.undefined.is_empty() {
        "Missing values by column"
    } else {
        "Missing and not-defined values by column"
    };
    blank_bars(title, subtitle, bars, table.n_rows())
}

/// " · 2011-12 to the 9th only" when the first or last month has less than 80 % of its days
/// (its dip or jump is then not a trend).
fn partial_months(monthly: &MonthlyActivity) -> String {
    let (first_y, first_m, first_d) = format::civil_from_days(i64::from(monthly.first_day));
    let (last_y, last_m, last_d) = format::civil_from_days(i64::from(monthly.last_day));
    let mut notes = Vec::new();
    // Days covered of a month, against its length: below 80 % the month's total is not
    // comparable with the others (a day or two missing is ordinary).
    let partial = |covered: u32, y: i64, m: u32| {
        (covered as f64) < 0.8 * f64::from(format::days_in_month(y, m))
    };
    let first_covered = format::days_in_month(first_y, first_m) + 1 - first_d;
    if partial(first_covered, first_y, first_m) && (first_y, first_m) != (last_y, last_m) {
        notes.push(format!(
            "{first_y:04}-{first_m:02} from the {} only",
            ordinal(first_d)
        ));
    }
    if partial(last_d, last_y, last_m) {
        notes.push(format!(
            "{last_y:04}-{last_m:02} to the {} only",
            ordinal(last_d)
        ));
    }
    notes.iter().map(|n| format!(" · {n}")).collect()
}

fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (1, n) if n != 11 => "st",
        (2, n) if n != 12 => "nd",
        (3, n) if n != 13 => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// Monthly revenue (when the data has amounts), orders and active customers as line charts,
/// ids `monthly:revenue`, `monthly:orders`, `monthly:customers`. Empty when there are no
/// months.
pub fn monthly_charts(monthly: &MonthlyActivity) -> Vec<Chart> {
    let months = &monthly.months;
    if months.is_empty() {
        return Vec::new();
    }
    let span = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a != b => format!(
            "{a} to {b} · {} months",
            format::thousands(months.len() as u64)
        ),
        (Some(a), _) => format!("{a} · 1 month"),
        _ => String::new(),
    };
    let span = format!("{span}{}", partial_months(monthly));
    let line =
        |key: &str, title: &str, series: &str, y_format: ValueFormat, values: Vec<Option<f64>>| {
            let total: f64 = values.iter().flatten().sum();
            let subtitle = match key {
                "customers" => {
                    let peak = values.iter().flatten().copied().fold(0.0, f64::max);
                    format!("{span} · peak {} in a month", format::number(peak))
                }
                _ => format!("{span} · total {}", format::number(total.round())),
            };
            Chart {
                id: format!("monthly:{key}"),
                title: title.to_string(),
                subtitle,
                kind: ChartKind::Line {
                    x_label: "Month".to_string(),
                    y_label: series.to_string(),
                    y_format,
                    x: months.clone(),
                    series: vec![LineSeries {
                        name: series.to_string(),
                        values,
                        dashed: false,
                    }],
                    x_notes: None,
                    x_marker: None,
                },
            }
        };
    let per_month = |v: &[u64]| -> Vec<Option<f64>> {
        (0..months.len())
            .map(|i| v.get(i).map(|&x| x as f64))
            .collect()
    };
    let mut charts = Vec::new();
    if let Some(revenue) = &monthly.revenue {
        let values = (0..months.len())
            .map(|i| revenue.get(i).copied().filter(|x| x.is_finite()))
            .collect();
        charts.push(line(
            "revenue",
            "Monthly revenue",
            "Revenue",
            ValueFormat::Money,
            values,
        ));
    }
    charts.push(line(
        "orders",
        "Monthly orders",
        "Orders",
        ValueFormat::Count,
        per_month(&monthly.orders),
    ));
    charts.push(line(
        "customers",
        "Monthly active customers",
        "Active customers",
        ValueFormat::Count,
        per_month(&monthly.active_customers),
    ));
    charts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::table::MISSING;

    fn numeric(name: &str, values: Vec<f64>) -> Feature {
        Feature {
            name: name.to_string(),
            description: String::new(),
            values: FeatureValues::Numeric(values),
            meta: Default::default(),
        }
    }

    fn bins(chart: &Chart) -> &[HistogramBin] {
        match &chart.kind {
            ChartKind::Histogram { bins, .. } => bins,
            other => panic!("not a histogram: {other:?}"),
        }
    }

    #[test]
    fn curves_chart_round_trips_through_json() {
        let chart = Chart {
            id: "roc".to_string(),
            title: "ROC curve".to_string(),
            subtitle: "Test set · 1,000 customers".to_string(),
            kind: ChartKind::Curves {
                x_label: "False-positive rate".to_string(),
                y_label: "True-positive rate".to_string(),
                x_format: ValueFormat::Percent,
                y_format: ValueFormat::Percent,
                series: vec![
                    CurveSeries {
                        name: "Gradient boosting".to_string(),
                        points: vec![[0.0, 0.0], [0.12, 0.801], [1.0, 1.0]],
                    },
                    CurveSeries {
                        name: "Logistic regression".to_string(),
                        points: vec![[0.0, 0.0], [0.3, 0.7], [1.0, 1.0]],
                    },
                ],
                reference: Some(ReferenceLine::Diagonal {
                    label: "Chance".to_string(),
                }),
                marker: Some(CurveMarker {
                    series: 0,
                    x: 0.12,
                    y: 0.801,
                    label: "threshold 0.42".to_string(),
                }),
            },
        };
        let json = serde_json::to_string(&chart).unwrap();
        assert!(json.contains(r#""type":"curves""#), "{json}");
        assert!(json.contains(r#""reference":{"type":"diagonal""#), "{json}");
        let back: Chart = serde_json::from_str(&json).unwrap();
        assert_eq!(back, chart);

        let horizontal = ChartKind::Curves {
            x_label: "Recall".to_string(),
            y_label: "Precision".to_string(),
            x_format: ValueFormat::Percent,
            y_format: ValueFormat::Percent,
            series: Vec::new(),
            reference: Some(ReferenceLine::Horizontal {
                y: 0.15,
                label: "Base rate 15%".to_string(),
            }),
            marker: None,
        };
        let json = serde_json::to_string(&horizontal).unwrap();
        let back: ChartKind = serde_json::from_str(&json).unwrap();
        assert_eq!(back, horizontal);
    }

    #[test]
    fn small_integer_ranges_get_one_bin_per_integer() {
        let f = numeric("kids", vec![0.0, 1.0, 1.0, 2.0, f64::NAN, 2.0, 2.0]);
        let chart = histogram(&f).unwrap();
        let b = bins(&chart);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].lo, b[0].hi, b[0].count), (-0.5, 0.5, 1));
        assert_eq!(b[2].count, 3);
        assert_eq!(chart.id, "hist:kids");
        assert_eq!(chart.subtitle, "7 customers · 1 missing · median 1.50");
    }

    #[test]
    fn freedman_diaconis_bins_are_clamped_and_sum_to_n() {
        let values: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin() * 10.0).collect();
        let chart = histogram(&numeric("x", values)).unwrap();
        let b = bins(&chart);
        assert!((MIN_BINS..=MAX_BINS).contains(&b.len()), "{}", b.len());
        assert_eq!(b.iter().map(|b| b.count).sum::<u64>(), 1000);
        assert!(!chart.subtitle.contains("beyond"));
    }

    #[test]
    fn heavy_tails_bin_the_percentile_range_and_say_so() {
        let mut values: Vec<f64> = (0..990).map(|i| i as f64 / 10.0 + 0.05).collect();
        values.extend((0..10).map(|i| 10_000.0 + i as f64 * 0.5));
        let chart = histogram(&numeric("spend", values)).unwrap();
        let b = bins(&chart);
        let shown: u64 = b.iter().map(|b| b.count).sum();
        assert!(b.last().unwrap().hi < 10_000.0);
        assert_eq!(shown + 10, 1000);
        assert!(
            chart
                .subtitle
                .ends_with("10 values above the 99th percentile not shown"),
            "{}",
            chart.subtitle
        );
        match &chart.kind {
            ChartKind::Histogram { x_format, .. } => assert_eq!(*x_format, ValueFormat::Money),
            _ => unreachable!(),
        }
    }

    #[test]
    fn histogram_of_nothing_is_none() {
        assert!(histogram(&numeric("x", vec![f64::NAN])).is_none());
        let constant = histogram(&numeric("x", vec![2.5, 2.5])).unwrap();
        assert_eq!(bins(&constant).len(), 1);
    }

    #[test]
    fn box_stats_use_tukey_whiskers() {
        let f = numeric("x", vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0]);
        let chart = box_plot(&f).unwrap();
        let ChartKind::BoxPlot { boxes, .. } = &chart.kind else {
            panic!()
        };
        let s = &boxes[0];
        assert_eq!((s.q1, s.median, s.q3), (3.0, 5.0, 7.0));
        assert_eq!((s.lower_whisker, s.upper_whisker), (1.0, 8.0));
        assert_eq!((s.outliers.clone(), s.n_outliers), (vec![100.0], 1));
        let many: Vec<f64> = (0..1000)
            .map(|i| if i < 500 { 1.0 } else { 1000.0 + i as f64 })
            .chain(std::iter::repeat_n(1.0, 2000))
            .collect();
        let s = box_stats("y", &many).unwrap();
        assert_eq!(s.n_outliers, 500);
        assert_eq!(s.outliers.len(), MAX_OUTLIER_POINTS);
        assert_eq!(s.outliers.last(), Some(&1999.0));
    }

    #[test]
    fn bar_chart_groups_rare_levels_and_missing() {
        let levels: Vec<String> = (0..20).map(|i| format!("L{i}")).collect();
        let mut codes: Vec<u32> = Vec::new();
        for (i, n) in (0..20u32).zip((1..=20).rev()) {
            codes.extend(std::iter::repeat_n(i, n));
        }
        codes.push(MISSING);
        let f = Feature {
            name: "city".into(),
            description: String::new(),
            values: FeatureValues::Categorical { levels, codes },
            meta: Default::default(),
        };
        let chart = bar_chart(&f).unwrap();
        let ChartKind::Bar { bars, y_format, .. } = &chart.kind else {
            panic!()
        };
        assert_eq!(*y_format, ValueFormat::Count);
        assert_eq!(bars.len(), 17);
        assert_eq!((bars[0].label.as_str(), bars[0].value), ("L0", 20.0));
        assert_eq!(bars[15].label, "Other (5 levels)");
        assert_eq!(bars[15].value, (1..=5).sum::<u32>() as f64);
        assert_eq!(
            (bars[16].label.as_str(), bars[16].value),
            ("(missing)", 1.0)
        );
        assert!(histogram(&f).is_none() && box_plot(&f).is_none());
    }

    #[test]
    fn correlation_is_symmetric_with_unit_diagonal() {
        let table = CustomerTable {
            id_name: "id".into(),
            ids: (0..5).map(|i| i.to_string()).collect(),
            features: vec![
                numeric("a", vec![1.0, 2.0, 3.0, 4.0, 5.0]),
                numeric("b", vec![2.0, 1.0, 4.0, 3.0, f64::NAN]),
                numeric("c", vec![7.0; 5]),
                numeric("d", vec![5.0, 4.0, 3.0, 2.0, 1.0]),
            ],
        };
        let chart = correlation_heatmap(&table, 3).unwrap();
        let ChartKind::Heatmap { labels, cells, .. } = &chart.kind else {
            panic!()
        };
        // The constant column has nothing to correlate: left out, and said so.
        assert_eq!(labels, &["a", "b", "d"]);
        for (i, row) in cells.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                assert_eq!(*cell, cells[j][i]);
            }
        }
        assert_eq!(cells[0][0], Some(1.0));
        assert_eq!(cells[2][2], Some(1.0));
        assert!((cells[0][2].unwrap() + 1.0).abs() < 1e-12);
        assert!((cells[0][1].unwrap() - 0.6).abs() < 1e-12);
        assert!(
            chart.subtitle.contains("left out, a single value: c"),
            "{}",
            chart.subtitle
        );
        assert!(correlation_heatmap(&table, 1).is_none());
    }

    /// A customer table built from purchase lines has 15 numeric features: all are drawn (main
    /// kept the first 14 and only said "the first 14 of 15"); beyond the cap, the subtitle names
    /// the columns left out.
    #[test]
    fn heatmap_draws_every_numeric_column_or_names_those_left_out() {
        let table = |n: usize| CustomerTable {
            id_name: "id".into(),
            ids: (0..4).map(|i| i.to_string()).collect(),
            features: (0..n)
                .map(|j| {
                    let values = (0..4).map(|i| (i * (j + 1) + (i * j) % 3) as f64).collect();
                    numeric(&format!("f{j}"), values)
                })
                .collect(),
        };
        let labels = |chart: &Chart| match &chart.kind {
            ChartKind::Heatmap { labels, .. } => labels.clone(),
            _ => panic!("not a heatmap"),
        };
        let fifteen = correlation_heatmap(&table(15), crate::core::explore::HEATMAP_COLUMNS)
            .expect("a heatmap");
        assert_eq!(labels(&fifteen).len(), 15);
        assert!(
            !fifteen.subtitle.contains("left out"),
            "{}",
            fifteen.subtitle
        );

        let many = crate::core::explore::HEATMAP_COLUMNS + 3;
        let chart = correlation_heatmap(&table(many), crate::core::explore::HEATMAP_COLUMNS)
            .expect("a heatmap");
        assert_eq!(labels(&chart).len(), crate::core::explore::HEATMAP_COLUMNS);
        let left_out = format!("f{}, f{}, f{}", many - 3, many - 2, many - 1);
        assert!(chart.subtitle.contains(&left_out), "{}", chart.subtitle);
    }

    #[test]
    fn missing_chart_sorts_descending() {
        let table = CustomerTable {
            id_name: "id".into(),
            ids: vec!["1".into(), "2".into(), "3".into(), "4".into()],
            features: vec![
                numeric("a", vec![1.0, 2.0, 3.0, 4.0]),
                numeric("b", vec![f64::NAN, 2.0, 3.0, f64::NAN]),
                numeric("c", vec![f64::NAN, 2.0, 3.0, 4.0]),
            ],
        };
        let chart = missing_chart(&table);
        let ChartKind::Bar {
            bars,
            y_format,
            horizontal,
            ..
        } = &chart.kind
        else {
            panic!()
        };
        let got: Vec<(&str, f64)> = bars.iter().map(|b| (b.label.as_str(), b.value)).collect();
        assert_eq!(got, vec![("b", 50.0), ("c", 25.0), ("a", 0.0)]);
        assert_eq!((*y_format, *horizontal), (ValueFormat::Percent, true));
        assert_eq!(chart.subtitle, "3 missing cells in 2 of 3 columns");
    }

    #[test]
    fn monthly_charts_are_lines_with_stable_ids() {
        let monthly = MonthlyActivity {
            months: vec!["2011-01".into(), "2011-02".into()],
            revenue: Some(vec![100.0, 250.5]),
            orders: vec![3, 4],
            active_customers: vec![2, 3],
            // 2011-01-01 … 2011-02-09: February is partly covered.
            first_day: 14_975,
            last_day: 15_014,
        };
        let charts = monthly_charts(&monthly);
        assert_eq!(
            charts[0].subtitle,
            "2011-01 to 2011-02 · 2 months · 2011-02 to the 9th only · total 351"
        );
        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            ["monthly:revenue", "monthly:orders", "monthly:customers"]
        );
        let ChartKind::Line { x, series, .. } = &charts[1].kind else {
            panic!()
        };
        assert_eq!(x.len(), 2);
        assert_eq!(series[0].values, vec![Some(3.0), Some(4.0)]);
        // Data to 2011-02-27: a day short is an ordinary month, not worth a note.
        let nearly_full = MonthlyActivity {
            last_day: 15_032,
            ..monthly.clone()
        };
        assert_eq!(
            monthly_charts(&nearly_full)[0].subtitle,
            "2011-01 to 2011-02 · 2 months · total 351"
        );
        let no_revenue = MonthlyActivity {
            revenue: None,
            ..monthly
        };
        assert_eq!(monthly_charts(&no_revenue).len(), 2);
        assert!(monthly_charts(&MonthlyActivity::default()).is_empty());
    }

    #[test]
    fn value_formats_follow_names() {
        let f = |name: &str| value_format_for(&numeric(name, vec![1.0, 2.0]));
        assert_eq!(f("monetary"), ValueFormat::Money);
        assert_eq!(f("Annual Income (k$)"), ValueFormat::Money);
        assert_eq!(f("Spending Score (1-100)"), ValueFormat::Number);
        assert_eq!(f("NumWebPurchases"), ValueFormat::Count);
        assert_eq!(f("frequency"), ValueFormat::Count);
        assert_eq!(f("Age"), ValueFormat::Number);
    }
}
