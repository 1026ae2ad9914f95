//! The step navigation: Data → Explore → Segment → Predict → Value & Recommend → Dashboard →
//! Export. Data, Explore, Segment, Predict and Value work; Explore opens once a dataset is
//! loaded, Segment, Predict and Value once the customer table is built. While the file is read
//! as a basket list (no customers), Explore, Segment and Predict are closed and Value &
//! Recommend is open. The later steps are shown, disabled, so the user sees the whole flow. A step that is not open is no Tab stop; opening a step moves the
//! keyboard focus to its heading.

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
        step: Some(Step::Value),
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
    let has_baskets = Memo::new(move |_| state.basket_list.with(Option::is_some));
    let items = STEPS
        .iter()
        .enumerate()
        .map(|(i, info)| {
            let number = i + 1;
            let target = info.step;
            let label = info.label;
            let enabled = move || match target {
                Some(Step::Data) => true,
                Some(Step::Explore) => has_data.get() && !has_baskets.get(),
                Some(Step::Segment | Step::Predict) => has_customers.get() && !has_baskets.get(),
                Some(Step::Value) => has_customers.get() || has_baskets.get(),
                None => false,
            };
            let current = move || target.is_some_and(|t| state.step.get() == t);
            let title = move || match target {
                Some(_) if enabled() => format!("Step {number}: {label}"),
                Some(Step::Explore | Step::Segment | Step::Predict) if has_baskets.get() => {
                    format!(
                        "{label} needs customers: the file is read as a basket list (read it as \
                         a table in Data to use {label})"
                    )
                }
                Some(Step::Segment | Step::Predict | Step::Value) => {
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
                    // A step that is not open yet has no href: not a Tab stop.
                    <a
                        class=class
                        href=move || enabled().then_some("#main")
                        role="link"
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

/// `data-step-heading` of a step's `<h1>` (the nav's ids).
fn heading_id(step: Step) -> &'static str {
    STEPS
        .iter()
        .find(|info| info.step == Some(step))
        .map_or("data", |info| info.id)
}

/// When the step on screen changes (a "Continue to …" button, the navigation, a new file), move
/// the keyboard focus to the new step's heading (`<h1 tabindex="-1" data-step-heading=…>`), so
/// that keyboard and screen-reader users start reading at the top of the step they opened.
pub fn focus_heading_on_step_change(state: AppState) {
    Effect::new(move |previous: Option<Step>| {
        let step = state.step.get();
        if previous.is_some_and(|previous| previous != step) {
            // After this change is drawn: a hidden heading cannot take the focus.
            request_animation_frame(move || focus_heading(step));
        }
        step
    });
}

fn focus_heading(step: Step) {
    use wasm_bindgen::JsCast;

    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let id = heading_id(step);
    let find = |selector: String| document.query_selector(&selector).ok().flatten();
    let heading = find(format!("[data-step-heading=\"{id}\"]"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(heading) = heading {
        let _ = heading.focus();
    }
    // On a narrow screen the navigation scrolls sideways: bring the open step into its view.
    if let (Some(nav), Some(item)) = (
        find(".step-nav".to_string()),
        find(format!("[data-testid=\"nav-step\"][data-step=\"{id}\"]")),
    ) {
        let (nav_box, item_box) = (
            nav.get_bounding_client_rect(),
            item.get_bounding_client_rect(),
        );
        let past_left = item_box.left() - nav_box.left();
        let past_right = item_box.right() - nav_box.right();
        if past_left < 0.0 || past_right > 0.0 {
            let by = if past_left < 0.0 {
                past_left
            } else {
                past_right
            };
            nav.set_scroll_left(nav.scroll_left() + (by + by.signum() * 16.0) as i32);
        }
    }
}
