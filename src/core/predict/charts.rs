//! The Predict step's charts as view-models: every model's ROC, precision–recall and
//! cumulative-gain curves overlaid (test part), and per model the lift by decile and the
//! permutation importance. The UI only moves the threshold marker. Pure Rust: no web-sys.

use crate::core::eda::{
    BarValue, Chart, ChartKind, CurveMarker, CurveSeries, ReferenceLine, ValueFormat,
};
use crate::core::evaluate::confusion::Confusion;
use crate::core::predict::run::{ModelReport, PredictReport};

/// Most features the importance chart lists.
const IMPORTANCE_BARS: usize = 15;

pub const ROC_CHART: &str = "predict-roc";
pub const PR_CHART: &str = "predict-pr";
pub const GAIN_CHART: &str = "predict-gain";
pub const LIFT_CHART: &str = "predict-lift";
pub const IMPORTANCE_CHART: &str = "predict-importance";

fn curves(
    id: &str,
    title: &str,
    subtitle: String,
    (x_label, y_label): (&str, &str),
    series: Vec<CurveSeries>,
    reference: Option<ReferenceLine>,
) -> Chart {
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        subtitle,
        kind: ChartKind::Curves {
            x_label: x_label.to_string(),
            y_label: y_label.to_string(),
            // Curves take fractions: a Percent axis shows 0.25 as "25%".
            x_format: ValueFormat::Percent,
            y_format: ValueFormat::Percent,
            series,
            reference,
            marker: None,
        },
    }
}

/// ROC, precision–recall and cumulative gain of every model on the test part, the leaderboard's
/// top model first.
pub fn overlay_charts(report: &PredictReport) -> Vec<Chart> {
    let models = &report.models;
    let test = format!(
        "Test part: {} customers, {} {} = {}",
        report.n_test, report.test_positives, report.target, report.positive
    );
    let roc = models
        .iter()
        .map(|m| CurveSeries {
            name: format!("{} (AUC {:.3})", m.label, m.test_auc),
            points: m.roc.points.iter().map(|p| [p.x, p.y]).collect(),
        })
        .collect();
    let pr = models
        .iter()
        .map(|m| CurveSeries {
            name: format!("{} (AP {:.3})", m.label, m.test_average_precision),
            points: m.pr.points.iter().map(|p| [p.x, p.y]).collect(),
        })
        .collect();
    let gain = models
        .iter()
        .map(|m| CurveSeries {
            name: m.label.clone(),
            points: m
                .gain
                .points
                .iter()
                .map(|p| [p.contacted, p.captured])
                .collect(),
        })
        .collect();
    let base_rate = report.test_positives as f64 / report.n_test.max(1) as f64;
    vec![
        curves(
            ROC_CHART,
            "ROC curve",
            format!("{test}. Higher and further left is better"),
            ("False-positive rate", "True-positive rate (recall)"),
            roc,
            Some(ReferenceLine::Diagonal {
                label: "Chance".to_string(),
            }),
        ),
        curves(
            PR_CHART,
            "Precision–recall curve",
            format!("{test}. Dashed: the share of positives, what random picks reach"),
            ("Recall", "Precision"),
            pr,
            Some(ReferenceLine::Horizontal {
                y: base_rate,
                label: "Base rate".to_string(),
            }),
        ),
        curves(
            GAIN_CHART,
            "Cumulative gain",
            format!(
                "{test}. Contact the customers with the highest probability first: the share \
                 of all {} = {} reached",
                report.target, report.positive
            ),
            (
                "Share of customers contacted",
                "Share of positives captured",
            ),
            gain,
            Some(ReferenceLine::Diagonal {
                label: "Random".to_string(),
            }),
        ),
    ]
}

/// `chart` (one of [`overlay_charts`]) with a marker where model `model` (its series) stands
/// when customers scoring ≥ `threshold` are called positive, `confusion` being the counts
/// there. Other charts come back unchanged.
pub fn with_threshold_marker(
    chart: &Chart,
    model: usize,
    threshold: f64,
    confusion: &Confusion,
) -> Chart {
    let mut chart = chart.clone();
    let point = match chart.id.as_str() {
        ROC_CHART if confusion.negatives() > 0 => Some((
            confusion.fp as f64 / confusion.negatives() as f64,
            confusion.recall(),
        )),
        // Nobody called positive: precision is undefined, no point on the curve.
        PR_CHART if confusion.called_positive() > 0 => {
            Some((confusion.recall(), confusion.precision()))
        }
        GAIN_CHART if confusion.total() > 0 => Some((
            confusion.called_positive() as f64 / confusion.total() as f64,
            confusion.recall(),
        )),
        _ => None,
    };
    if let (ChartKind::Curves { marker, .. }, Some((x, y))) = (&mut chart.kind, point) {
        *marker = Some(CurveMarker {
            series: model,
            x,
            y,
            label: format!("threshold {threshold:.3}"),
        });
    }
    chart
}

/// One model's lift by decile and permutation importance.
pub fn model_charts(model: &ModelReport) -> Vec<Chart> {
    let lift = Chart {
        id: LIFT_CHART.to_string(),
        title: format!("Lift by decile — {}", model.label),
        subtitle: "Test customers ranked by probability, in tenths; 1 = as good as random"
            .to_string(),
        kind: ChartKind::Bar {
            x_label: "Decile (1 = highest probability)".to_string(),
            y_label: "Lift".to_string(),
            y_format: ValueFormat::Number,
            bars: model
                .deciles
                .iter()
                .map(|d| BarValue {
                    label: d.decile.to_string(),
                    value: d.lift,
                })
                .collect(),
            horizontal: false,
        },
    };
    let importance = Chart {
        id: IMPORTANCE_CHART.to_string(),
        title: format!("Permutation importance — {}", model.label),
        subtitle: "Drop of the test ROC-AUC when the feature is shuffled (mean of repeats)"
            .to_string(),
        kind: ChartKind::Bar {
            x_label: "Feature".to_string(),
            y_label: "AUC drop".to_string(),
            y_format: ValueFormat::Number,
            bars: model
                .importance
                .iter()
                .take(IMPORTANCE_BARS)
                .map(|i| BarValue {
                    label: i.name.clone(),
                    value: i.mean_drop,
                })
                .collect(),
            horizontal: true,
        },
    };
    vec![lift, importance]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curves_chart(id: &str) -> Chart {
        curves(id, "t", String::new(), ("x", "y"), Vec::new(), None)
    }

    fn marker(chart: &Chart) -> Option<(usize, f64, f64)> {
        match &chart.kind {
            ChartKind::Curves { marker, .. } => marker.as_ref().map(|m| (m.series, m.x, m.y)),
            _ => None,
        }
    }

    #[test]
    fn the_marker_sits_at_the_matrix_point_of_each_curve() {
        // 10 positives, 30 negatives; 8 and 6 of them called positive.
        let c = Confusion {
            tp: 8,
            fp: 6,
            tn: 24,
            fn_: 2,
        };
        let roc = with_threshold_marker(&curves_chart(ROC_CHART), 2, 0.4, &c);
        assert_eq!(marker(&roc), Some((2, 0.2, 0.8)));
        let pr = with_threshold_marker(&curves_chart(PR_CHART), 0, 0.4, &c);
        assert_eq!(marker(&pr), Some((0, 0.8, 8.0 / 14.0)));
        let gain = with_threshold_marker(&curves_chart(GAIN_CHART), 1, 0.4, &c);
        assert_eq!(marker(&gain), Some((1, 14.0 / 40.0, 0.8)));
        // Nobody called positive: no precision, no marker on the PR curve.
        let nobody = Confusion {
            tp: 0,
            fp: 0,
            tn: 30,
            fn_: 10,
        };
        assert_eq!(
            marker(&with_threshold_marker(
                &curves_chart(PR_CHART),
                0,
                1.0,
                &nobody
            )),
            None
        );
    }
}
