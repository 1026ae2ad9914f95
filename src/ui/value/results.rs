//! What the Value step found: the summary, the lines the models used, the fitted BG/NBD and
//! Gamma-Gamma parameters (with the boundary explained in words), the holdout check, the share
//! of the holdout spend the top customers bring, the supervised leaderboard (sortable, the best
//! model and the baselines marked) with the charts of the model shown and its importance, the
//! probabilistic charts, and the per-customer list.

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::eda::Chart;
use crate::core::value::view::{
    BgNbdFit, GammaGammaFit, HoldoutRow, LeaderboardRow, SupervisedReport, ValueView,
};
use crate::ui::components::chart::ChartView;
use crate::ui::components::{Header, ReceiptTable, ScrollTable, SortHeader};
use crate::ui::format::{duration, percent_text, thousands};
use crate::ui::state::AppState;

use super::customers::CustomersCard;

/// |corr(frequency, spend)| above which Gamma-Gamma's independence assumption is doubtful.
const CORRELATION_WARNING: f64 = 0.3;

/// A fitted parameter: 4 decimals, or scientific notation when very large or very small.
fn param(x: f64) -> String {
    let magnitude = x.abs();
    if !x.is_finite() {
        x.to_string()
    } else if magnitude != 0.0 && !(1e-3..1e5).contains(&magnitude) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// A metric in a table: 4 decimals below 100, else whole and grouped.
fn metric(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x.abs() < 100.0 {
        format!("{x:.4}")
    } else {
        crate::core::format::number(x.round())
    }
}

/// A total (purchases, spend): grouped, one decimal below 10,000.
fn total(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x.abs() < 10_000.0 {
        let rounded = (x * 10.0).round() / 10.0;
        crate::core::format::number(rounded)
    } else {
        crate::core::format::number(x.round())
    }
}

fn share(x: f64) -> String {
    percent_text(x * 100.0)
}

/// `data-*` value of an optional number.
fn attr(x: Option<f64>) -> Option<String> {
    x.map(|x| format!("{x:.6}"))
}

#[component]
fn Summary(state: AppState, view: Arc<ValueView>) -> impl IntoView {
    let report = &view.report;
    let mut eyebrow = Vec::new();
    if let Some(cutoff) = &report.cutoff {
        eyebrow.push(format!("Cutoff {cutoff}"));
    }
    eyebrow.push(format!("{}-day horizon", report.horizon_days));
    eyebrow.push(format!(
        "{} % a month discount",
        crate::core::format::number(report.discount_monthly * 100.0)
    ));
    eyebrow.push(format!("seed {}", report.seed));
    let best = report.supervised.as_ref().and_then(|s| {
        let key = s.best.as_ref()?;
        s.leaderboard.iter().find(|row| row.key == *key).cloned()
    });
    let heading = format!("{} customers valued", thousands(view.n_customers as u64));
    let holdout = report.holdout.as_ref();
    let purchases_tile = holdout.map(|h| {
        view! {
            <div class="stat">
                <dt>"Holdout purchases: predicted vs actual"</dt>
                <dd data-testid="value-holdout-purchases">
                    {total(h.predicted_purchases)}
                    <span class="muted small">{format!(" vs {}", total(h.actual_purchases))}</span>
                </dd>
            </div>
        }
    });
    let spend_tile = holdout.and_then(|h| {
        let (predicted, actual) = (h.predicted_spend?, h.actual_spend?);
        Some(view! {
            <div class="stat">
                <dt>"Holdout spend: predicted vs actual"</dt>
                <dd>
                    {total(predicted)}
                    <span class="muted small">{format!(" vs {}", total(actual))}</span>
                </dd>
            </div>
        })
    });
    let best_tile = best.as_ref().map(|row| {
        view! {
            <div class="stat">
                <dt>"Best supervised model (by CV)"</dt>
                <dd data-testid="value-best-model">
                    {row.label.clone()}
                    <span class="muted small">{format!(" · test R² {:.3}", row.test_r2)}</span>
                </dd>
            </div>
        }
    });
    let bg = report.bgnbd.as_ref();
    let gg = report.gamma_gamma.as_ref();
    view! {
        <section
            class="card value-summary"
            aria-labelledby="value-summary-title"
            data-testid="value-summary"
            data-elapsed-ms=format!("{:.0}", view.elapsed_ms)
            data-worker-memory=view.worker_memory_bytes.to_string()
            data-customers=view.n_customers.to_string()
            data-bgnbd-r=attr(bg.map(|f| f.r))
            data-bgnbd-alpha=attr(bg.map(|f| f.alpha))
            data-bgnbd-ll=attr(bg.map(|f| f.log_likelihood))
            data-bgnbd-fit-seconds=attr(bg.map(|f| f.fit_seconds))
            data-gg-p=attr(gg.map(|f| f.p))
            data-gg-q=attr(gg.map(|f| f.q))
            data-gg-v=attr(gg.map(|f| f.v))
            data-holdout-customers=holdout.map(|h| h.customers.to_string())
            data-holdout-predicted-purchases=attr(holdout.map(|h| h.predicted_purchases))
            data-holdout-actual-purchases=attr(holdout.map(|h| h.actual_purchases))
            data-best-model=best.as_ref().map(|row| row.key.clone())
        >
            <div class="card-head">
                <div>
                    <p class="eyebrow">{eyebrow.join(" · ")}</p>
                    <h3 id="value-summary-title" class="card-title">{heading}</h3>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary"
                    data-testid="export-values-top"
                    title="Every customer with predicted purchases, P(alive), expected spend, CLV and its decile"
                    on:click=move |_| state.export_values()
                >
                    "Download customer values"
                </button>
            </div>
            <dl class="stat-tiles">
                {purchases_tile}
                {spend_tile}
                {best_tile}
                <div class="stat">
                    <dt>"Computed in (this tab)"</dt>
                    <dd>{duration(view.elapsed_ms)}</dd>
                </div>
            </dl>
        </section>
    }
}

/// Facts the user must know (boundary fits, left-out customers, skipped models).
fn notes(view: &ValueView) -> Option<impl IntoView> {
    (!view.report.notes.is_empty()).then(|| {
        let items = view
            .report
            .notes
            .iter()
            .map(|note| view! { <li class="note">{note.clone()}</li> })
            .collect_view();
        view! { <ul class="notes notes-info" data-testid="value-notes">{items}</ul> }
    })
}

#[component]
fn LinesUsed(view: Arc<ValueView>) -> impl IntoView {
    if view.report.receipt.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card receipt-card" aria-labelledby="value-receipt-title">
            <div class="card-head">
                <h3 id="value-receipt-title" class="card-title">"Lines the models used"</h3>
                <p class="muted small">"A purchase is a customer’s day with a purchase; returns are not purchase days."</p>
            </div>
            <ReceiptTable testid="value-receipt" lines=view.report.receipt.clone()/>
        </section>
    }
    .into_any()
}

/// One row of a parameter table: the name, what it means, the calibration value and the
/// forecast (whole-period) value.
fn param_row(
    name: &'static str,
    meaning: &'static str,
    key: &'static str,
    calibration: Option<String>,
    forecast: Option<String>,
) -> impl IntoView {
    let dash = || "—".to_string();
    view! {
        <tr data-param=key>
            <th scope="row">
                <span class="param-name">{name}</span>
                <span class="muted small param-meaning">{meaning}</span>
            </th>
            <td class="num" data-testid=format!("value-param-{key}")>{calibration.unwrap_or_else(dash)}</td>
            <td class="num" data-testid=format!("value-forecast-param-{key}")>{forecast.unwrap_or_else(dash)}</td>
        </tr>
    }
}

fn param_headers() -> Vec<Header> {
    vec![
        Header::text("Parameter"),
        Header::num("Up to the cutoff")
            .titled("Fitted on the calibration period: the holdout check uses these"),
        Header::num("Whole period")
            .titled("Refitted on every purchase: each customer’s forecast uses these"),
    ]
}

fn boundary_note(
    fit: Option<&BgNbdFit>,
    testid: &'static str,
    when: &'static str,
) -> Option<impl IntoView> {
    let text = fit?.boundary.clone()?;
    Some(view! {
        <li class="note" data-testid=testid>
            <strong>{when}</strong>
            " "
            {text}
        </li>
    })
}

#[component]
fn BgNbdCard(view: Arc<ValueView>) -> impl IntoView {
    let calibration = view.report.bgnbd.as_ref();
    let forecast = view.report.forecast_bgnbd.as_ref();
    if calibration.is_none() && forecast.is_none() {
        return ().into_any();
    }
    let get = |f: fn(&BgNbdFit) -> String| (calibration.map(f), forecast.map(f));
    let rows = [
        (
            "r",
            "Shape of how often customers buy",
            "r",
            get(|f| param(f.r)),
        ),
        (
            "α (per day)",
            "Scale of the purchase rate, in days",
            "alpha",
            get(|f| param(f.alpha)),
        ),
        (
            "a",
            "Shape of the chance to drop out after a purchase",
            "a",
            get(|f| param(f.a)),
        ),
        (
            "b",
            "Scale of the chance to drop out after a purchase",
            "b",
            get(|f| param(f.b)),
        ),
        (
            "Log-likelihood",
            "Higher is a better fit (same data only)",
            "ll",
            get(|f| format!("{:.2}", f.log_likelihood)),
        ),
        (
            "Customers",
            "Customers fitted on",
            "customers",
            get(|f| thousands(f.customers as u64)),
        ),
    ]
    .into_iter()
    .map(|(name, meaning, key, (c, f))| param_row(name, meaning, key, c, f))
    .collect_view();
    let boundaries = [
        boundary_note(calibration, "value-boundary", "Up to the cutoff:"),
        boundary_note(forecast, "value-forecast-boundary", "Whole period:"),
    ];
    let any_boundary = boundaries.iter().any(Option::is_some);
    let boundaries = any_boundary.then(|| {
        view! { <ul class="notes notes-warn value-boundaries">{boundaries}</ul> }
    });
    view! {
        <section class="card value-fit" aria-labelledby="value-bgnbd-title" data-testid="value-bgnbd">
            <div class="card-head">
                <h3 id="value-bgnbd-title" class="card-title">"BG/NBD: purchases and P(alive)"</h3>
                <p class="muted small">"Fader, Hardie & Lee (2005), maximum likelihood; time in days."</p>
            </div>
            <ScrollTable testid="value-bgnbd-params" class="column-table value-params" headers=param_headers()>
                {rows}
            </ScrollTable>
            {boundaries}
            <p class="muted small value-definitions">
                "Per customer, from the purchases up to the cutoff: x = repeat purchase days "
                "(purchases on one day count once), tₓ = days from the first to the last purchase, "
                "T = days from the first purchase to the cutoff."
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn GammaGammaCard(view: Arc<ValueView>) -> impl IntoView {
    let calibration = view.report.gamma_gamma.as_ref();
    let forecast = view.report.forecast_gamma_gamma.as_ref();
    if calibration.is_none() && forecast.is_none() {
        return ().into_any();
    }
    let get = |f: fn(&GammaGammaFit) -> String| (calibration.map(f), forecast.map(f));
    let rows = [
        (
            "p",
            "Shape of each purchase’s spend",
            "p",
            get(|f| param(f.p)),
        ),
        (
            "q",
            "Shape of how spend varies between customers",
            "q",
            get(|f| param(f.q)),
        ),
        (
            "v",
            "Scale of how spend varies between customers",
            "v",
            get(|f| param(f.v)),
        ),
        (
            "Log-likelihood",
            "Higher is a better fit (same data only)",
            "gg-ll",
            get(|f| format!("{:.2}", f.log_likelihood)),
        ),
        (
            "Repeat buyers",
            "Customers fitted on (two purchase days or more)",
            "gg-customers",
            get(|f| thousands(f.customers as u64)),
        ),
        (
            "Mean spend per purchase",
            "The model’s p·v/(q−1)",
            "gg-mean",
            get(|f| total(f.population_mean)),
        ),
        (
            "corr(x, spend)",
            "Frequency vs mean spend among repeat buyers (assumed 0)",
            "gg-corr",
            get(|f| format!("{:.4}", f.frequency_spend_correlation)),
        ),
    ]
    .into_iter()
    .map(|(name, meaning, key, (c, f))| param_row(name, meaning, key, c, f))
    .collect_view();
    let warning = calibration
        .filter(|f| f.frequency_spend_correlation.abs() > CORRELATION_WARNING)
        .map(|f| {
            view! {
                <ul class="notes notes-warn">
                    <li class="note" data-testid="value-gg-correlation-warning">
                        {format!(
                            "Gamma-Gamma assumes that how much a customer spends per purchase does not \
                             depend on how often the customer buys; here the two correlate ({:.2}), so \
                             read its spend predictions with care.",
                            f.frequency_spend_correlation
                        )}
                    </li>
                </ul>
            }
        });
    view! {
        <section class="card value-fit" aria-labelledby="value-gg-title" data-testid="value-gamma-gamma">
            <div class="card-head">
                <h3 id="value-gg-title" class="card-title">"Gamma-Gamma: spend per purchase"</h3>
                <p class="muted small">"Fitted on the repeat buyers’ mean spend of their repeat purchases."</p>
            </div>
            <ScrollTable testid="value-gg-params" class="column-table value-params" headers=param_headers()>
                {rows}
            </ScrollTable>
            {warning}
        </section>
    }
    .into_any()
}

fn holdout_rows(rows: &[HoldoutRow]) -> impl IntoView {
    rows.iter()
        .map(|row| {
            view! {
                <tr data-predictor=row.predictor.clone() data-quantity=row.quantity.clone()>
                    <td class="nowrap"><strong>{row.predictor.clone()}</strong></td>
                    <td>{row.quantity.clone()}</td>
                    <td class="num">{total(row.predicted_total)}</td>
                    <td class="num">{total(row.actual_total)}</td>
                    <td class="num">{metric(row.mae)}</td>
                    <td class="num">{metric(row.rmse)}</td>
                    <td class="num">{format!("{:.4}", row.r2)}</td>
                    <td class="num">{format!("{:.4}", row.spearman)}</td>
                </tr>
            }
        })
        .collect_view()
}

#[component]
fn HoldoutCard(view: Arc<ValueView>) -> impl IntoView {
    let report = &view.report;
    let Some(holdout) = report.holdout.as_ref() else {
        // Purchase lines whose holdout window runs past the data: said, not hidden.
        let cutoff = report.cutoff.clone()?;
        let end = report.holdout_end.clone().unwrap_or_default();
        return Some(
            view! {
                <section class="card" aria-labelledby="value-holdout-title" data-testid="value-no-holdout">
                    <div class="card-head">
                        <h3 id="value-holdout-title" class="card-title">"Holdout check"</h3>
                    </div>
                    <p class="muted">
                        {format!(
                            "The holdout window after the cutoff {cutoff} (to {end}) runs past the end of the \
                             data, so the models cannot be checked on it. The forecasts are still made."
                        )}
                    </p>
                </section>
            }
            .into_any(),
        );
    };
    let window = match (&report.cutoff, &report.holdout_end) {
        (Some(cutoff), Some(end)) => format!("the days after {cutoff} up to {end}"),
        _ => format!("the {} days after the cutoff", report.horizon_days),
    };
    let sentence = format!(
        "On the {} customers who bought up to the cutoff, in {window}: {} purchases predicted, {} \
         made.",
        thousands(holdout.customers as u64),
        total(holdout.predicted_purchases),
        total(holdout.actual_purchases),
    );
    let new_customers = (holdout.new_customers > 0).then(|| {
        let spend = holdout
            .new_customers_spend
            .map(|s| format!(", spending {}", total(s)))
            .unwrap_or_default();
        view! {
            <p class="muted small value-new-customers" data-testid="value-new-customers">
                {format!(
                    "{} customers bought for the first time in the window{spend}: they had no history at the \
                     cutoff and are not in these figures.",
                    thousands(holdout.new_customers as u64)
                )}
            </p>
        }
    });
    let rows = holdout_rows(&holdout.rows);
    Some(
        view! {
            <section class="card" aria-labelledby="value-holdout-title" data-testid="value-holdout-card">
                <div class="card-head">
                    <h3 id="value-holdout-title" class="card-title">"Holdout check"</h3>
                    <p class="muted small">"Fitted up to the cutoff, compared with what customers did after it."</p>
                </div>
                <p class="value-sentence" data-testid="value-holdout-sentence">{sentence}</p>
                {new_customers}
                <ScrollTable
                    testid="value-holdout"
                    class="column-table value-holdout"
                    headers=vec![
                        Header::text("Predictor"),
                        Header::text("Of"),
                        Header::num("Σ predicted"),
                        Header::num("Σ actual"),
                        Header::num("MAE").titled("Mean absolute error per customer"),
                        Header::num("RMSE").titled("Root mean squared error per customer"),
                        Header::num("R²"),
                        Header::num("Spearman").titled("Rank correlation: does it order customers right?"),
                    ]
                >
                    {rows}
                </ScrollTable>
            </section>
        }
        .into_any(),
    )
}

#[component]
fn TopShareCard(view: Arc<ValueView>) -> impl IntoView {
    if view.report.top_share.is_empty() {
        return ().into_any();
    }
    let rows = view
        .report
        .top_share
        .iter()
        .map(|row| {
            view! {
                <tr data-ranking=row.ranking.clone()>
                    <td><strong>{row.ranking.clone()}</strong></td>
                    <td class="num">{share(row.top10)}</td>
                    <td class="num">{share(row.top20)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="value-top-title">
            <div class="card-head">
                <h3 id="value-top-title" class="card-title">"Who brings the spend after the cutoff"</h3>
                <p class="muted small">
                    "Share of all holdout spend brought by the top 10 % and 20 % of customers, ranked each way."
                </p>
            </div>
            <ScrollTable
                testid="value-top-share"
                class="column-table"
                headers=vec![
                    Header::text("Customers ranked by"),
                    Header::num("Top 10 %"),
                    Header::num("Top 20 %"),
                ]
            >
                {rows}
            </ScrollTable>
        </section>
    }
    .into_any()
}

/// A sortable column of the leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoardColumn {
    Model,
    CvRmse,
    CvR2,
    TestMae,
    TestRmse,
    TestR2,
    TestSpearman,
    Fit,
}

impl BoardColumn {
    const ALL: [BoardColumn; 8] = [
        BoardColumn::Model,
        BoardColumn::CvRmse,
        BoardColumn::CvR2,
        BoardColumn::TestMae,
        BoardColumn::TestRmse,
        BoardColumn::TestR2,
        BoardColumn::TestSpearman,
        BoardColumn::Fit,
    ];

    fn title(self) -> &'static str {
        match self {
            BoardColumn::Model => "Model",
            BoardColumn::CvRmse => "CV RMSE",
            BoardColumn::CvR2 => "CV R²",
            BoardColumn::TestMae => "Test MAE",
            BoardColumn::TestRmse => "Test RMSE",
            BoardColumn::TestR2 => "Test R²",
            BoardColumn::TestSpearman => "Test Spearman",
            BoardColumn::Fit => "Fit",
        }
    }

    fn tooltip(self) -> Option<&'static str> {
        match self {
            BoardColumn::CvRmse | BoardColumn::CvR2 => Some(
                "Mean ± standard deviation over the cross-validation folds of the training part",
            ),
            BoardColumn::TestSpearman => Some("Rank correlation: does it order customers right?"),
            BoardColumn::Fit => Some("Final fit on the whole training part"),
            _ => None,
        }
    }

    /// Smaller is better (errors, time): the first click sorts ascending.
    fn lower_is_better(self) -> bool {
        matches!(
            self,
            BoardColumn::Model
                | BoardColumn::CvRmse
                | BoardColumn::TestMae
                | BoardColumn::TestRmse
                | BoardColumn::Fit
        )
    }

    fn value(self, row: &LeaderboardRow) -> Option<f64> {
        match self {
            BoardColumn::Model => None,
            BoardColumn::CvRmse => row.cv_rmse,
            BoardColumn::CvR2 => row.cv_r2,
            BoardColumn::TestMae => Some(row.test_mae),
            BoardColumn::TestRmse => Some(row.test_rmse),
            BoardColumn::TestR2 => Some(row.test_r2),
            BoardColumn::TestSpearman => row.test_spearman,
            BoardColumn::Fit => Some(row.fit_seconds),
        }
    }
}

/// The leaderboard's row order: the report's (best first by CV), or by a column clicked.
/// Values not defined (a baseline's CV) last either way.
fn board_order(rows: &[LeaderboardRow], sort: Option<(BoardColumn, bool)>) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let Some((column, descending)) = sort else {
        return order;
    };
    order.sort_by(|&i, &j| {
        let (a, b) = (&rows[i], &rows[j]);
        if column == BoardColumn::Model {
            let ord = a.label.to_lowercase().cmp(&b.label.to_lowercase());
            return if descending { ord.reverse() } else { ord };
        }
        match (column.value(a), column.value(b)) {
            (Some(x), Some(y)) => {
                let ord = x.total_cmp(&y);
                if descending {
                    ord.reverse()
                } else {
                    ord
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    order
}

fn mean_sd(mean: Option<f64>, sd: Option<f64>) -> String {
    match (mean, sd) {
        (Some(m), Some(s)) => format!("{} ± {}", metric(m), metric(s)),
        (Some(m), None) => metric(m),
        _ => "—".to_string(),
    }
}

#[component]
fn Leaderboard(
    supervised: SupervisedReport,
    /// The leaderboard row whose charts are shown.
    shown: RwSignal<usize>,
) -> impl IntoView {
    let sort = RwSignal::new(None::<(BoardColumn, bool)>);
    let rows = Arc::new(supervised.leaderboard.clone());
    let best = supervised.best.clone();
    let headers = BoardColumn::ALL
        .into_iter()
        .map(|column| {
            let sorted = Signal::derive(move || {
                sort.get()
                    .and_then(|(c, descending)| (c == column).then_some(descending))
            });
            let on_sort = Callback::new(move |_| {
                sort.update(|s| {
                    *s = match *s {
                        Some((c, descending)) if c == column => Some((c, !descending)),
                        _ => Some((column, !column.lower_is_better())),
                    }
                })
            });
            view! {
                <SortHeader
                    text=column.title().to_string()
                    numeric=column != BoardColumn::Model
                    title=column.tooltip().map(str::to_string)
                    sorted=sorted
                    on_sort=on_sort
                />
            }
        })
        .collect_view();
    let body = move || {
        let order = board_order(&rows, sort.get());
        order
            .into_iter()
            .filter_map(|i| {
                let row = rows.get(i)?.clone();
                let is_best = best.as_deref() == Some(row.key.as_str());
                let marks = (
                    is_best.then(|| {
                        view! { <span class="pill pill-on" data-testid="value-best-mark" title="Chosen by cross-validation on the training part">"best"</span> }
                    }),
                    row.baseline.then(|| {
                        view! { <span class="pill pill-off" data-testid="value-baseline-mark" title="A baseline: always shown, never chosen">"baseline"</span> }
                    }),
                );
                let settings = (!row.settings.is_empty()).then(|| {
                    view! { <span class="muted small model-line">{row.settings.clone()}</span> }
                });
                let is_shown = move || shown.get() == i;
                Some(view! {
                    <tr
                        class:chosen=is_shown
                        class:baseline=row.baseline
                        data-model=row.key.clone()
                        data-best=is_best.to_string()
                        data-baseline=row.baseline.to_string()
                        data-test-r2=format!("{:.6}", row.test_r2)
                        data-test-rmse=format!("{:.6}", row.test_rmse)
                        data-cv-rmse=attr(row.cv_rmse)
                        data-fit-seconds=format!("{:.4}", row.fit_seconds)
                    >
                        <td>
                            <strong>{row.label.clone()}</strong>
                            " "
                            {marks}
                            {settings}
                        </td>
                        <td class="num">{mean_sd(row.cv_rmse, row.cv_rmse_sd)}</td>
                        <td class="num">{mean_sd(row.cv_r2, row.cv_r2_sd)}</td>
                        <td class="num">{metric(row.test_mae)}</td>
                        <td class="num">{metric(row.test_rmse)}</td>
                        <td class="num">{format!("{:.4}", row.test_r2)}</td>
                        <td class="num">{row.test_spearman.map_or_else(|| "–".to_string(), |s| format!("{s:.4}"))}</td>
                        <td class="num">{duration(row.fit_seconds * 1000.0)}</td>
                        <td>
                            {move || if is_shown() {
                                view! { <span class="muted small">"shown"</span> }.into_any()
                            } else {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-secondary btn-small"
                                        data-testid="value-show-model"
                                        on:click=move |_| shown.set(i)
                                    >
                                        "Show"
                                    </button>
                                }
                                .into_any()
                            }}
                        </td>
                    </tr>
                })
            })
            .collect_view()
    };
    view! {
        <div class="table-scroll">
            <table class="column-table leaderboard value-leaderboard" data-testid="value-leaderboard">
                <thead>
                    <tr>
                        {headers}
                        <th scope="col"><span class="visually-hidden">"Show"</span></th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

fn chart_item(chart: Chart) -> impl IntoView {
    let signal = Signal::stored(chart);
    view! { <div class="gallery-item"><ChartView chart=signal/></div> }
}

#[component]
fn SupervisedCard(view: Arc<ValueView>) -> impl IntoView {
    let Some(supervised) = view.report.supervised.clone() else {
        return ().into_any();
    };
    let start = supervised
        .best
        .as_ref()
        .and_then(|key| {
            supervised
                .leaderboard
                .iter()
                .position(|row| row.key == *key)
        })
        .unwrap_or(0);
    let shown = RwSignal::new(start);
    let model_charts = {
        let view = view.clone();
        move || {
            view.model_charts
                .get(shown.get())
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(chart_item)
                .collect_view()
        }
    };
    let shown_label = {
        let labels: Vec<String> = supervised
            .leaderboard
            .iter()
            .map(|r| r.label.clone())
            .collect();
        move || labels.get(shown.get()).cloned().unwrap_or_default()
    };
    let importance = view.importance_chart.clone().map(|chart| {
        view! {
            <div class="gallery gallery-two" data-testid="value-importance">{chart_item(chart)}</div>
        }
    });
    let n_features = supervised.features.len();
    let facts = format!(
        "{} · {} training and {} test customers · {}-fold cross-validation · {n_features} {}",
        supervised.target,
        thousands(supervised.train_rows as u64),
        thousands(supervised.test_rows as u64),
        supervised.folds,
        if n_features == 1 {
            "feature"
        } else {
            "features"
        }
    );
    view! {
        <section class="card value-supervised" aria-labelledby="value-supervised-title" data-testid="value-supervised">
            <div class="card-head">
                <div>
                    <p class="eyebrow" data-testid="value-supervised-facts" title=supervised.features.join(", ")>{facts}</p>
                    <h3 id="value-supervised-title" class="card-title">"Supervised models"</h3>
                </div>
                <p class="muted small">
                    "Best first by cross-validated RMSE on the training part; the test part only reports. "
                    "Click a column to sort."
                </p>
            </div>
            <Leaderboard supervised=supervised.clone() shown=shown/>
            <div class="value-model-detail">
                <h4 class="subhead">{move || format!("{} on the test part", shown_label())}</h4>
                <div class="gallery gallery-two" data-testid="value-model-charts">{model_charts}</div>
            </div>
            {importance}
        </section>
    }
    .into_any()
}

#[component]
fn ChartsCard(view: Arc<ValueView>) -> impl IntoView {
    if view.charts.is_empty() {
        return ().into_any();
    }
    let charts = view.charts.iter().cloned().map(chart_item).collect_view();
    view! {
        <section class="value-charts" aria-label="Charts of the probabilistic models">
            <div class="gallery" data-testid="value-charts">{charts}</div>
        </section>
    }
    .into_any()
}

#[component]
pub fn Results(state: AppState, view: Arc<ValueView>) -> impl IntoView {
    view! {
        <div class="value-results predict-results">
            <Summary state=state view=view.clone()/>
            {notes(&view)}
            <LinesUsed view=view.clone()/>
            <div class="value-fits">
                <BgNbdCard view=view.clone()/>
                <GammaGammaCard view=view.clone()/>
            </div>
            <HoldoutCard view=view.clone()/>
            <TopShareCard view=view.clone()/>
            <ChartsCard view=view.clone()/>
            <SupervisedCard view=view.clone()/>
            <CustomersCard state=state/>
        </div>
    }
}
