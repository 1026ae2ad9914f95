//! The step navigation: Data → Explore → Segment → Predict → Value & Recommend → Dashboard →
//! Export. Only Data exists so far; the others are shown, disabled, so the user sees the flow.

use leptos::prelude::*;

struct Step {
    id: &'static str,
    label: &'static str,
    enabled: bool,
}

const STEPS: [Step; 7] = [
    Step {
        id: "data",
        label: "Data",
        enabled: true,
    },
    Step {
        id: "explore",
        label: "Explore",
        enabled: false,
    },
    Step {
        id: "segment",
        label: "Segment",
        enabled: false,
    },
    Step {
        id: "predict",
        label: "Predict",
        enabled: false,
    },
    Step {
        id: "value",
        label: "Value & Recommend",
        enabled: false,
    },
    Step {
        id: "dashboard",
        label: "Dashboard",
        enabled: false,
    },
    Step {
        id: "export",
        label: "Export",
        enabled: false,
    },
];

#[component]
pub fn StepNav() -> impl IntoView {
    let items = STEPS
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let number = i + 1;
            let title = if step.enabled {
                format!("Step {number}: {}", step.label)
            } else {
                format!(
                    "{} comes after the data is loaded — available in a later version of Custos",
                    step.label
                )
            };
            let class = if step.enabled {
                "nav-step current"
            } else {
                "nav-step disabled"
            };
            let href = if step.enabled { "#main" } else { "#" };
            view! {
                <li class="nav-item">
                    <a
                        class=class
                        href=href
                        data-testid="nav-step"
                        data-step=step.id
                        aria-current=step.enabled.then_some("step")
                        aria-disabled=(!step.enabled).then_some("true")
                        title=title
                        on:click=move |ev| {
                            if !STEPS.get(i).is_some_and(|s| s.enabled) {
                                ev.prevent_default();
                            }
                        }
                    >
                        <span class="nav-number" aria-hidden="true">{number}</span>
                        <span class="nav-label">{step.label}</span>
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
