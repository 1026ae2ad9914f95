//! The step navigation: Data → Explore → Segment → Predict → Value & Recommend → Dashboard →
//! Export. Data, Explore, Segment and Predict work; Explore opens once a dataset is loaded,
//! Segment and Predict once the customer table is built. The later steps are shown, disabled, so
//! the user sees the whole flow.

use leptos::prelude::*;

use crate::ui::state::{AppState, Step};

struct StepInfo {
    id: &'static str,
    label: &'static str,
    /// `None`: not built yet.
    step: Option<Step>,
}

const STEPS: [StepInfo; 7] = [
    StepInfo {
        id: "data",
        label: "Data",
        step: Some(Step::Data),
    },
    StepInfo {
        id: "explore",
        label: "Explore",
        step: Some(Step::Explore),
    },
    StepInfo {
        id: "segment",
        label: "Segment",
        step: Some(Step::Segment),
    },
    StepInfo {
        id: "predict",
        label: "Predict",
        step: Some(Step::Predict),
    },
    StepInfo {
        id: "value",
        label: "Value & Recommend",
        step: None,
    },
    StepInfo {
        id: "dashboard",
        label: "Dashboard",
        step: None,
    },
    StepInfo {
        id: "export",
        label: "Export",
        step: None,
    },
];

#[component]
pub fn StepNav(state: AppState) -> impl IntoView {
    let has_data = Memo::new(move |_| state.dataset.with(Option::is_some));
    let has_customers = Memo::new(move |_| state.explored.with(Option::is_some));
    let items = STEPS
        .iter()
        .enumerate()
        .map(|(i, info)| {
            let number = i + 1;
            let target = info.step;
            let label = info.label;
            let enabled = move || match target {
                Some(Step::Data) => true,
                Some(Step::Explore) => has_data.get(),
                Some(Step::Segment | Step::Predict) => has_customers.get(),
                None => false,
            };
            let current = move || target.is_some_and(|t| state.step.get() == t);
            let title = move || match target {
                Some(_) if enabled() => format!("Step {number}: {label}"),
                Some(Step::Segment | Step::Predict) => {
                    format!("{label} opens once the customer table is built in Explore")
                }
                Some(_) => format!("{label} opens once a dataset is loaded"),
                None => format!("{label} — available in a later version of Custos"),
            };
            let class = move || {
                if current() {
                    "nav-step current"
                } else if enabled() {
                    "nav-step"
                } else {
                    "nav-step disabled"
                }
            };
            view! {
                <li class="nav-item">
                    <a
                        class=class
                        href="#main"
                        data-testid="nav-step"
                        data-step=info.id
                        aria-current=move || current().then_some("step")
                        aria-disabled=move || (!enabled()).then_some("true")
                        title=title
                        on:click=move |ev| {
                            ev.prevent_default();
                            if let (Some(step), true) = (target, enabled()) {
                                state.step.set(step);
                            }
                        }
                    >
                        <span class="nav-number" aria-hidden="true">{number}</span>
                        <span class="nav-label">{label}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="step-nav" aria-label="Analysis steps">
            <ol class="step-list">{items}</ol>
        </nav>
    }
}
