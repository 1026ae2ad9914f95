//! The Explore step's form: what the rows are, which column plays which role, the reference
//! date and the cleaning recipe. Builds an [`ExploreParams`] and sends it to the worker.

use leptos::prelude::*;

use crate::core::customer_table::CustomerSource;
use crate::core::explore::ExploreParams;
use crate::core::features::{
    Cancellations, ExactDuplicates, FeatureParams, LineCleaning, RoleMapping,
};
use crate::core::format::days_from_civil;
use crate::core::ingest::TableShape;
use crate::core::prep::{
    CategoricalImpute, ImputeParams, LogParams, NumericImpute, OneHotParams, OutlierAction,
    OutlierMethod, OutlierParams, PrepParams, ScaleMethod, ScaleParams,
};
use crate::core::table::Role;
use crate::ui::components::switch_field;
use crate::ui::state::AppState;

/// The roles the mapping form asks for, in order, and whether each is required.
const MAPPED_ROLES: [(Role, bool); 8] = [
    (Role::CustomerId, true),
    (Role::Date, true),
    (Role::OrderId, false),
    (Role::Amount, false),
    (Role::Quantity, false),
    (Role::UnitPrice, false),
    (Role::ProductId, false),
    (Role::Product, false),
];

fn role_slot(mapping: &mut RoleMapping, role: Role) -> Option<&mut Option<usize>> {
    match role {
        Role::CustomerId => Some(&mut mapping.customer),
        Role::Date => Some(&mut mapping.date),
        Role::OrderId => Some(&mut mapping.order),
        Role::Amount => Some(&mut mapping.amount),
        Role::Quantity => Some(&mut mapping.quantity),
        Role::UnitPrice => Some(&mut mapping.unit_price),
        Role::Product => Some(&mut mapping.product),
        Role::ProductId => Some(&mut mapping.product_id),
    }
}

/// `YYYY-MM-DD` → days since 1970-01-01.
fn parse_iso_date(text: &str) -> Option<i32> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    days_from_civil(year, month, day).and_then(|d| i32::try_from(d).ok())
}

/// A labelled on/off switch with an optional body shown when on.
fn toggle(
    testid: &'static str,
    title: &'static str,
    hint: &'static str,
    on: RwSignal<bool>,
    body: Option<AnyView>,
) -> impl IntoView {
    view! {
        <div class="recipe-step" class:off=move || !on.get()>
            {switch_field(testid, title, hint, on)}
            {body.map(|body| view! { <div class="recipe-options" class:hidden=move || !on.get()>{body}</div> })}
        </div>
    }
}

/// A `<select>` over labelled choices bound to a signal of the chosen key.
fn choice(
    label: &'static str,
    testid: &'static str,
    options: &'static [(&'static str, &'static str)],
    value: RwSignal<&'static str>,
) -> impl IntoView {
    let items = options
        .iter()
        .map(|(key, text)| {
            let key = *key;
            view! { <option value=key selected=move || value.get() == key>{*text}</option> }
        })
        .collect_view();
    view! {
        <label class="field field-inline">
            <span class="field-label">{label}</span>
            <select
                class="select-compact"
                data-testid=testid
                on:change=move |ev| {
                    let picked = event_target_value(&ev);
                    if let Some((key, _)) = options.iter().find(|(k, _)| *k == picked) {
                        value.set(key);
                    }
                }
            >
                {items}
            </select>
        </label>
    }
}

/// A small number input bound to a signal (invalid text keeps the last valid number).
fn number_input(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<f64>,
    step: &'static str,
) -> impl IntoView {
    view! {
        <label class="field field-inline">
            <span class="field-label">{label}</span>
            <input
                type="number"
                class="input-compact"
                data-testid=testid
                step=step
                prop:value=move || value.get().to_string()
                on:change=move |ev| {
                    if let Ok(x) = event_target_value(&ev).trim().parse::<f64>() {
                        if x.is_finite() {
                            value.set(x);
                        }
                    }
                }
            />
        </label>
    }
}

#[component]
pub fn SetupCard(state: AppState, shape: TableShape) -> impl IntoView {
    let columns = state.columns;
    let source = RwSignal::new(match shape {
        TableShape::Transactions => CustomerSource::Transactions,
        _ => CustomerSource::CustomerFile,
    });
    // The Data step's shape, also after a role change there (e.g. a customer id set on a
    // header-less file of purchase lines).
    let data_shape = Memo::new(move |_| state.shape.get().map(|s| s.shape));
    Effect::new(move |_| {
        if let Some(shape) = data_shape.get() {
            source.set(match shape {
                TableShape::Transactions => CustomerSource::Transactions,
                _ => CustomerSource::CustomerFile,
            });
        }
    });
    let mapping = RwSignal::new(RoleMapping::default());
    // The roles of the Data step's column table, also after the user changes one there.
    Effect::new(move |_| {
        let roles =
            columns.with(|c| RoleMapping::from_column_roles(c.iter().map(|c| (c.index, c.role))));
        mapping.set(roles);
    });
    let reference = RwSignal::new(String::new());
    let reference_error = RwSignal::new(None::<String>);

    let cancellations = RwSignal::new("net");
    let drop_missing_customer = RwSignal::new(true);
    // On by default only when an order ID is mapped (identical lines without one can be two
    // purchases): set again whenever the order role comes or goes.
    let drop_duplicates = RwSignal::new(false);
    let duplicates_default =
        Memo::new(move |_| mapping.with(|m| LineCleaning::default().drops_duplicates(m)));
    Effect::new(move |_| drop_duplicates.set(duplicates_default.get()));

    let defaults = PrepParams::default();
    let impute_on = RwSignal::new(defaults.impute.enabled);
    let impute_numeric = RwSignal::new("median");
    let impute_constant = RwSignal::new(0.0);
    let impute_categorical = RwSignal::new("mode");
    let outliers_on = RwSignal::new(defaults.outliers.enabled);
    let outlier_method = RwSignal::new("iqr");
    let outlier_k = RwSignal::new(1.5);
    let outlier_z = RwSignal::new(3.0);
    let outlier_action = RwSignal::new("flag");
    let log_on = RwSignal::new(defaults.log.enabled);
    let scale_on = RwSignal::new(defaults.scale.enabled);
    let scale_method = RwSignal::new("standard");
    let one_hot_on = RwSignal::new(defaults.one_hot.enabled);
    let one_hot_levels = RwSignal::new(defaults.one_hot.max_levels as f64);

    let is_transactions = move || source.get() == CustomerSource::Transactions;
    let busy = move || state.exploring.with(Option::is_some) || state.reading.with(Option::is_some);

    let prep_params = move || PrepParams {
        impute: ImputeParams {
            enabled: impute_on.get_untracked(),
            numeric: match impute_numeric.get_untracked() {
                "mean" => NumericImpute::Mean,
                "constant" => NumericImpute::Constant(impute_constant.get_untracked()),
                _ => NumericImpute::Median,
            },
            categorical: match impute_categorical.get_untracked() {
                "missing" => CategoricalImpute::Constant("(missing)".to_string()),
                _ => CategoricalImpute::Mode,
            },
        },
        outliers: OutlierParams {
            enabled: outliers_on.get_untracked(),
            method: match outlier_method.get_untracked() {
                "z" => OutlierMethod::ZScore {
                    z: outlier_z.get_untracked(),
                },
                _ => OutlierMethod::Iqr {
                    k: outlier_k.get_untracked(),
                },
            },
            action: match outlier_action.get_untracked() {
                "flag" => OutlierAction::Flag,
                "remove" => OutlierAction::Remove,
                _ => OutlierAction::Cap,
            },
        },
        log: LogParams {
            enabled: log_on.get_untracked(),
            columns: Vec::new(),
        },
        scale: ScaleParams {
            enabled: scale_on.get_untracked(),
            method: match scale_method.get_untracked() {
                "minmax" => ScaleMethod::MinMax,
                "robust" => ScaleMethod::Robust,
                _ => ScaleMethod::Standard,
            },
        },
        one_hot: OneHotParams {
            enabled: one_hot_on.get_untracked(),
            max_levels: one_hot_levels.get_untracked().clamp(2.0, 200.0) as usize,
        },
    };

    let run = move |_| {
        let text = reference.get_untracked();
        let reference_date = if text.trim().is_empty() {
            None
        } else {
            match parse_iso_date(&text) {
                Some(days) => Some(days),
                None => {
                    reference_error.set(Some(format!(
                        "‘{text}’ is not a date. Pick a day in the calendar or leave it empty."
                    )));
                    return;
                }
            }
        };
        reference_error.set(None);
        let params = ExploreParams {
            source: source.get_untracked(),
            features: FeatureParams {
                mapping: mapping.get_untracked(),
                reference_date,
                cleaning: LineCleaning {
                    cancellations: match cancellations.get_untracked() {
                        "drop" => Cancellations::Drop,
                        _ => Cancellations::Net,
                    },
                    drop_missing_customer: drop_missing_customer.get_untracked(),
                    exact_duplicates: match drop_duplicates.get_untracked() {
                        on if on == duplicates_default.get_untracked() => {
                            ExactDuplicates::ByMapping
                        }
                        true => ExactDuplicates::Drop,
                        false => ExactDuplicates::Keep,
                    },
                },
            },
            prep: prep_params(),
        };
        state.explore(params);
    };

    let role_selects = MAPPED_ROLES
        .into_iter()
        .map(|(role, required)| {
            let current = move || {
                mapping.with(|m| {
                    let mut m = m.clone();
                    role_slot(&mut m, role).and_then(|slot| *slot)
                })
            };
            let options = move || {
                columns.with(|columns| {
                    columns
                        .iter()
                        .map(|c| {
                            let index = c.index;
                            view! {
                                <option value=index.to_string() selected=move || current() == Some(index)>
                                    {c.name.clone()}
                                </option>
                            }
                        })
                        .collect_view()
                })
            };
            let label = if required {
                format!("{} (required)", role.title())
            } else {
                role.title().to_string()
            };
            view! {
                <label class="field">
                    <span class="field-label">{label}</span>
                    <select
                        data-testid=format!("map-{}", role.label())
                        class:missing-required=move || required && current().is_none()
                        on:change=move |ev| {
                            let picked = event_target_value(&ev).parse::<usize>().ok();
                            mapping.update(|m| {
                                if let Some(slot) = role_slot(m, role) {
                                    *slot = picked;
                                }
                            });
                        }
                    >
                        <option value="" selected=move || current().is_none()>"— none —"</option>
                        {options}
                    </select>
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="card setup-card" aria-labelledby="setup-title">
            <div class="card-head">
                <h2 id="setup-title">"Build the customer table"</h2>
                <p class="muted small">"Every step below is listed with counts on the receipt."</p>
            </div>
            <fieldset class="source-choice">
                <legend class="field-label">"Each row of the loaded file is…"</legend>
                <label class="radio-card" class:chosen=is_transactions>
                    <input
                        type="radio"
                        name="source"
                        data-testid="source-transactions"
                        prop:checked=is_transactions
                        on:change=move |_| source.set(CustomerSource::Transactions)
                    />
                    <span>
                        <strong>"A purchase line"</strong>
                        <span class="muted small">" — aggregate to one row per customer (RFM, tenure, spend…)"</span>
                    </span>
                </label>
                <label class="radio-card" class:chosen=move || !is_transactions()>
                    <input
                        type="radio"
                        name="source"
                        data-testid="source-customers"
                        prop:checked=move || !is_transactions()
                        on:change=move |_| source.set(CustomerSource::CustomerFile)
                    />
                    <span>
                        <strong>"A customer"</strong>
                        <span class="muted small">" — use the columns as they are"</span>
                    </span>
                </label>
            </fieldset>
            <div class="mapping" class:hidden=move || !is_transactions()>
                <p class="section-title">"Columns"</p>
                <div class="mapping-grid">{role_selects}</div>
                <p class="muted small">
                    "Spend is the Amount column, or Quantity × Unit price. Without either, monetary "
                    "features are left out (not set to zero). Without an order column, each "
                    "customer-day counts as one order. Products are counted by the Product ID, "
                    "else by the product name / category."
                </p>
                <label class="field field-inline reference-field">
                    <span class="field-label">"Reference date (“today” for recency)"</span>
                    <input
                        type="date"
                        class="input-compact"
                        data-testid="reference-date"
                        prop:value=move || reference.get()
                        on:change=move |ev| reference.set(event_target_value(&ev))
                    />
                    <span class="muted small">"Empty: the day after the last purchase."</span>
                </label>
                {move || reference_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            </div>
            <div class="recipe">
                <p class="section-title">"Cleaning"</p>
                <div class="recipe-grid">
                    <div class="recipe-group" class:hidden=move || !is_transactions()>
                        <div class="recipe-step">
                            {choice("Cancellations and returns", "clean-cancellations", &[("net", "Net against purchases"), ("drop", "Drop them")], cancellations)}
                            <p class="switch-hint">
                                "Invoices starting with C, quantity ≤ 0, negative amounts. Net: a return takes back the spend of what it returns, and an order returned in full no longer counts."
                            </p>
                        </div>
                        {toggle(
                            "clean-missing-customer",
                            "Drop lines without a customer ID",
                            "They cannot be attributed to anyone",
                            drop_missing_customer,
                            None,
                        )}
                        {toggle(
                            "clean-duplicates",
                            "Drop exact duplicate lines",
                            "Rows identical in every column. On by default only with an order ID: without one, two identical lines can be two purchases",
                            drop_duplicates,
                            None,
                        )}
                    </div>
                    <div class="recipe-group">
                        {toggle(
                            "prep-impute",
                            "Fill missing values",
                            "Numbers and categories",
                            impute_on,
                            Some(view! {
                                {choice("Numbers", "impute-numeric", &[("median", "Median"), ("mean", "Mean"), ("constant", "Constant")], impute_numeric)}
                                <span class:hidden=move || impute_numeric.get() != "constant">
                                    {number_input("Constant", "impute-constant", impute_constant, "any")}
                                </span>
                                {choice("Categories", "impute-categorical", &[("mode", "Most frequent"), ("missing", "“(missing)” level")], impute_categorical)}
                            }.into_any()),
                        )}
                        {toggle(
                            "prep-outliers",
                            "Handle outliers",
                            "Extreme values in numeric features",
                            outliers_on,
                            Some(view! {
                                {choice("Rule", "outlier-method", &[("iqr", "IQR fences"), ("z", "z-score")], outlier_method)}
                                <span class:hidden=move || outlier_method.get() != "iqr">
                                    {number_input("k × IQR", "outlier-k", outlier_k, "0.1")}
                                </span>
                                <span class:hidden=move || outlier_method.get() != "z">
                                    {number_input("|z| above", "outlier-z", outlier_z, "0.1")}
                                </span>
                                {choice("Then", "outlier-action", &[("flag", "Flag only"), ("cap", "Cap at the fence"), ("remove", "Remove the customer")], outlier_action)}
                            }.into_any()),
                        )}
                        {toggle(
                            "prep-log",
                            "Log-transform skewed features",
                            "log(1 + x) on non-negative features with skewness above 1",
                            log_on,
                            None,
                        )}
                    </div>
                    <div class="recipe-group">
                        {toggle(
                            "prep-scale",
                            "Scale numeric features",
                            "Not needed for Segment (it standardizes on its own); charts then show scaled units",
                            scale_on,
                            Some(view! {
                                {choice("Method", "scale-method", &[("standard", "Standard (z)"), ("minmax", "Min–max 0…1"), ("robust", "Robust (median, IQR)")], scale_method)}
                            }.into_any()),
                        )}
                        {toggle(
                            "prep-onehot",
                            "One-hot encode categories",
                            "One 0/1 column per level",
                            one_hot_on,
                            Some(view! {
                                {number_input("Most levels", "onehot-levels", one_hot_levels, "1")}
                            }.into_any()),
                        )}
                    </div>
                </div>
            </div>
            <div class="setup-actions">
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="explore-run"
                    disabled=busy
                    on:click=run
                >
                    {move || if state.explored.with(Option::is_some) { "Rebuild customer table" } else { "Build customer table" }}
                </button>
                <span class="muted small">"Runs in the background; the page stays usable."</span>
            </div>
        </section>
    }
}
