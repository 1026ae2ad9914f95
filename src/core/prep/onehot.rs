//! One-hot encoding: each categorical column becomes 0/1 columns `<name>_<level>`, in place.
//!
//! Levels are ordered by frequency in the fitted data (ties: table order). When a column has
//! more than `max_levels` levels, the `max_levels − 1` most frequent keep their own column and
//! the rest share `<name>_other`. Every level gets a column (no level is dropped as a baseline):
//! segmentation wants them all, and Predict's models do not need the baseline.
//!
//! New data: a level not seen when fitting goes to `<name>_other` when there is one, and is
//! all zeros otherwise; the receipt counts such values. A missing value is all zeros.

use serde::{Deserialize, Serialize};

use crate::core::customer_table::{CustomerTable, Feature, FeatureValues};
use crate::core::prep::params::OneHotParams;
use crate::core::prep::{
    feature_index, kind_changed, list_names, plural, unique_name, Step, StepOutput,
};
use crate::core::receipt::ReceiptUnit;

const STEP: Step = Step {
    key: "one_hot",
    title: "One-hot encode categories",
    unit: ReceiptUnit::Columns,
};

/// The encoding of one categorical column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotColumn {
    pub name: String,
    /// Levels with their own column, most frequent first.
    pub levels: Vec<String>,
    /// Names of the 0/1 columns, one per level in `levels` order.
    pub level_columns: Vec<String>,
    /// Levels grouped into the `other` column when fitted (empty when there is none).
    pub other_levels: Vec<String>,
    /// Name of the `other` column, when the column had more than `max_levels` levels.
    pub other_column: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedOneHot {
    pub params: OneHotParams,
    pub columns: Vec<OneHotColumn>,
}

pub fn fit(params: &OneHotParams, table: &CustomerTable) -> FittedOneHot {
    let mut columns = Vec::new();
    if params.enabled {
        let mut taken: Vec<String> = table.features.iter().map(|f| f.name.clone()).collect();
        for feature in &table.features {
            let FeatureValues::Categorical { levels, codes } = &feature.values else {
                continue;
            };
            let mut counts = vec![0usize; levels.len()];
            for &c in codes {
                if let Some(n) = counts.get_mut(c as usize) {
                    *n += 1;
                }
            }
            let mut order: Vec<usize> = (0..levels.len()).filter(|&i| counts[i] > 0).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            let ordered: Vec<String> = order
                .iter()
                .filter_map(|&i| levels.get(i).cloned())
                .collect();
            let keep = if ordered.len() > params.max_levels {
                params.max_levels.saturating_sub(1)
            } else {
                ordered.len()
            };
            let (kept, rest) = ordered.split_at(keep.min(ordered.len()));
            // The column itself is replaced, so its name is free for a dummy.
            taken.retain(|t| t != &feature.name);
            let mut level_columns = Vec::with_capacity(kept.len());
            for level in kept {
                let name = unique_name(&format!("{}_{}", feature.name, level), &taken);
                taken.push(name.clone());
                level_columns.push(name);
            }
            let other_column = (!rest.is_empty()).then(|| {
                let name = unique_name(&format!("{}_other", feature.name), &taken);
                taken.push(name.clone());
                name
            });
            columns.push(OneHotColumn {
                name: feature.name.clone(),
                levels: kept.to_vec(),
                level_columns,
                other_levels: rest.to_vec(),
                other_column,
            });
        }
    }
    FittedOneHot {
        params: params.clone(),
        columns,
    }
}

impl FittedOneHot {
    pub fn apply(&self, mut table: CustomerTable) -> StepOutput {
        if !self.params.enabled {
            return Ok((table, STEP.off("off")));
        }
        let mut unseen_total = 0usize;
        for encoding in &self.columns {
            let index = feature_index(&table, &encoding.name)?;
            let Some(feature) = table.features.get(index) else {
                continue;
            };
            let FeatureValues::Categorical { levels, codes } = &feature.values else {
                return Err(kind_changed(&encoding.name, "categorical", &feature.values));
            };
            let (dummies, unseen) = encode(encoding, levels, codes);
            unseen_total += unseen;
            table.features.splice(index..=index, dummies);
        }
        let added: usize = self
            .columns
            .iter()
            .map(|c| c.level_columns.len() + usize::from(c.other_column.is_some()))
            .sum();
        let mut detail = if self.columns.is_empty() {
            "no categorical columns".to_string()
        } else {
            format!(
                "{} → {}",
                plural(self.columns.len(), "column", "columns"),
                plural(added, "0/1 column", "0/1 columns")
            )
        };
        for c in self.columns.iter().filter(|c| !c.other_levels.is_empty()) {
            detail.push_str(&format!(
                "; {}: {} grouped as other ({})",
                c.name,
                plural(c.other_levels.len(), "level", "levels"),
                list_names(&c.other_levels)
            ));
        }
        if unseen_total > 0 {
            detail.push_str(&format!(
                "; {} not seen when fitted",
                plural(unseen_total, "value", "values")
            ));
        }
        Ok((table, STEP.done(self.columns.len(), detail)))
    }
}

/// The 0/1 columns of one categorical column, and how many values had an unseen level.
fn encode(encoding: &OneHotColumn, levels: &[String], codes: &[u32]) -> (Vec<Feature>, usize) {
    let n = codes.len();
    // Where each of this table's levels goes: Some(slot) in level_columns (+ other last).
    let other_slot = encoding
        .other_column
        .as_ref()
        .map(|_| encoding.levels.len());
    let mut unseen_level = vec![false; levels.len()];
    let slot_of: Vec<Option<usize>> = levels
        .iter()
        .enumerate()
        .map(
            |(i, level)| match encoding.levels.iter().position(|l| l == level) {
                Some(slot) => Some(slot),
                None => {
                    if !encoding.other_levels.contains(level) {
                        unseen_level[i] = true;
                    }
                    other_slot
                }
            },
        )
        .collect();
    let slots = encoding.levels.len() + usize::from(other_slot.is_some());
    let mut columns = vec![vec![0.0; n]; slots];
    let mut unseen = 0;
    for (row, &code) in codes.iter().enumerate() {
        let i = code as usize;
        if unseen_level.get(i).copied().unwrap_or(false) {
            unseen += 1;
        }
        if let Some(cell) = slot_of
            .get(i)
            .copied()
            .flatten()
            .and_then(|slot| columns.get_mut(slot))
            .and_then(|column| column.get_mut(row))
        {
            *cell = 1.0;
        }
    }
    let mut names: Vec<(String, String)> = encoding
        .levels
        .iter()
        .zip(&encoding.level_columns)
        .map(|(level, column)| {
            (
                column.clone(),
                format!("1 when {} is {level}, else 0", encoding.name),
            )
        })
        .collect();
    if let Some(other) = &encoding.other_column {
        names.push((
            other.clone(),
            format!(
                "1 when {} is another level ({}), else 0",
                encoding.name,
                list_names(&encoding.other_levels)
            ),
        ));
    }
    let features = names
        .into_iter()
        .zip(columns)
        .map(|((name, description), values)| Feature {
            name,
            description,
            values: FeatureValues::Numeric(values),
            meta: Default::default(),
        })
        .collect();
    (features, unseen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::prep::test_support::{categorical, numbers, numeric, table};

    fn params(max_levels: usize) -> OneHotParams {
        OneHotParams {
            enabled: true,
            max_levels,
        }
    }

    #[test]
    fn levels_become_columns_in_place_most_frequent_first() {
        let t = table(vec![
            numeric("n", &[1.0, 2.0, 3.0, 4.0]),
            categorical("c", &[Some("a"), Some("b"), Some("b"), None]),
            numeric("m", &[1.0, 2.0, 3.0, 4.0]),
        ]);
        let fitted = fit(&params(10), &t);
        let (out, line) = fitted.apply(t).unwrap();
        let names: Vec<&str> = out.features.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["n", "c_b", "c_a", "m"]);
        assert_eq!(numbers(&out, "c_b"), vec![0.0, 1.0, 1.0, 0.0]);
        assert_eq!(numbers(&out, "c_a"), vec![1.0, 0.0, 0.0, 0.0]);
        assert_eq!(line.detail, "1 column → 2 0/1 columns");
        assert_eq!(line.touched, 1);
    }

    #[test]
    fn rare_levels_share_other_and_unseen_levels_go_there_too() {
        let a = table(vec![categorical(
            "c",
            &[
                Some("x"),
                Some("x"),
                Some("x"),
                Some("y"),
                Some("y"),
                Some("z"),
            ],
        )]);
        let fitted = fit(&params(2), &a);
        let enc = &fitted.columns[0];
        assert_eq!(enc.levels, vec!["x".to_string()]);
        assert_eq!(enc.other_levels, vec!["y".to_string(), "z".to_string()]);
        assert_eq!(enc.other_column.as_deref(), Some("c_other"));

        let b = table(vec![categorical("c", &[Some("new"), Some("x"), Some("z")])]);
        let (out, line) = fitted.apply(b).unwrap();
        assert_eq!(numbers(&out, "c_x"), vec![0.0, 1.0, 0.0]);
        assert_eq!(numbers(&out, "c_other"), vec![1.0, 0.0, 1.0]);
        assert!(
            line.detail.ends_with("; 1 value not seen when fitted"),
            "{}",
            line.detail
        );
    }

    #[test]
    fn unseen_level_without_other_is_all_zeros() {
        let a = table(vec![categorical("c", &[Some("x"), Some("y")])]);
        let fitted = fit(&params(5), &a);
        let b = table(vec![categorical("c", &[Some("w"), Some("y")])]);
        let (out, _) = fitted.apply(b).unwrap();
        assert_eq!(numbers(&out, "c_x"), vec![0.0, 0.0]);
        assert_eq!(numbers(&out, "c_y"), vec![0.0, 1.0]);
    }

    #[test]
    fn names_that_exist_already_get_a_suffix() {
        let t = table(vec![categorical("c", &[Some("x")]), numeric("c_x", &[1.0])]);
        let fitted = fit(&params(5), &t);
        assert_eq!(fitted.columns[0].level_columns, vec!["c_x_2".to_string()]);
    }
}
