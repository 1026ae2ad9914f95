//! Step 3, Segment: customer segments with names, rules and actions, and the numbers that say
//! why this many.
//!
//! The form ([`setup`]) sends one [`crate::protocol::Command::Segment`]; the worker runs the k
//! sweep and the chosen algorithm one fit at a time (progress, cancel) and sends a
//! [`crate::protocol::SegmentView`], which [`results`] renders. Renaming a segment goes back to
//! the worker, which owns the segment labels that later steps use. No numeric work here.

mod results;
mod setup;

use std::sync::Arc;

use leptos::prelude::*;

use crate::core::segment::run::{Algorithm, SegmentParams};
use crate::ui::components::{StepProblem, StepProgress};
use crate::ui::state::{AppState, Step};

/// The form's choices, shared by the form and the results (choosing a k from the sweep table
/// updates the form and runs again).
#[derive(Clone, Copy)]
pub struct SegmentForm {
    pub features: RwSignal<Vec<String>>,
    pub log_skewed: RwSignal<bool>,
    pub algorithm: RwSignal<Algorithm>,
    /// `None`: the suggested k.
    pub k: RwSignal<Option<usize>>,
    pub k_min: RwSignal<usize>,
    pub k_max: RwSignal<usize>,
    /// DBSCAN eps as typed; empty = from the k-distance curve.
    pub eps: RwSignal<String>,
    pub min_points: RwSignal<usize>,
    pub seed: RwSignal<u64>,
    /// Why the form cannot be sent, shown under the button.
    pub error: RwSignal<Option<String>>,
}

impl SegmentForm {
    fn new() -> SegmentForm {
        let defaults = SegmentParams::default();
        SegmentForm {
            features: RwSignal::new(Vec::new()),
            log_skewed: RwSignal::new(defaults.log_skewed),
            algorithm: RwSignal::new(defaults.algorithm),
            k: RwSignal::new(None),
            k_min: RwSignal::new(defaults.k_min),
            k_max: RwSignal::new(defaults.k_max),
            eps: RwSignal::new(String::new()),
            min_points: RwSignal::new(defaults.min_points),
            seed: RwSignal::new(defaults.seed),
            error: RwSignal::new(None),
        }
    }

    /// Back to the defaults for a new customer table.
    fn reset(self, features: Vec<String>) {
        let defaults = SegmentParams::default();
        self.features.set(features);
        self.log_skewed.set(defaults.log_skewed);
        self.algorithm.set(defaults.algorithm);
        self.k.set(None);
        self.k_min.set(defaults.k_min);
        self.k_max.set(defaults.k_max);
        self.eps.set(String::new());
        self.min_points.set(defaults.min_points);
        self.seed.set(defaults.seed);
        self.error.set(None);
    }

    /// The parameters, or what is wrong with the form.
    pub fn params(self) -> Result<SegmentParams, String> {
        let features = self.features.get_untracked();
        if features.len() < 2 {
            return Err(format!(
                "Choose at least 2 features to segment on (chosen: {}).",
                features.len()
            ));
        }
        let (k_min, k_max) = (self.k_min.get_untracked(), self.k_max.get_untracked());
        if k_min < 2 || k_max < k_min || k_max > setup::K_LIMIT {
            return Err(format!(
                "The k range must go from 2 or more up to at most {} (now {k_min} to {k_max}).",
                setup::K_LIMIT
            ));
        }
        let eps_text = self.eps.get_untracked();
        let eps = match eps_text.trim() {
            "" => None,
            text => match text.replace(',', ".").parse::<f64>() {
                Ok(eps) if eps.is_finite() && eps > 0.0 => Some(eps),
                _ => {
                    return Err(format!(
                        "eps '{text}' is not a positive number: type e.g. 0.5, or leave it empty \
                         to take it from the k-distance curve."
                    ))
                }
            },
        };
        let min_points = self.min_points.get_untracked();
        if min_points < 2 {
            return Err("Min points must be at least 2.".to_string());
        }
        Ok(SegmentParams {
            features,
            log_skewed: self.log_skewed.get_untracked(),
            algorithm: self.algorithm.get_untracked(),
            k: self.k.get_untracked(),
            k_min,
            k_max,
            eps,
            min_points,
            seed: self.seed.get_untracked(),
        })
    }

    /// Send the form to the worker, or show what is wrong with it.
    pub fn run(self, state: AppState) {
        match self.params() {
            Ok(params) => {
                self.error.set(None);
                state.segment(params);
            }
            Err(message) => self.error.set(Some(message)),
        }
    }
}

#[component]
pub fn SegmentStep(state: AppState) -> impl IntoView {
    let form = SegmentForm::new();
    // A new customer table: the form starts again from its default features.
    Effect::new(move |_| {
        if let Some(view) = state.explored.get() {
            form.reset(view.segment_features.clone());
        }
    });
    let setup = view! {
        <For
            each=move || state.explored.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| view! { <setup::SetupCard state=state form=form view=view/> }
        />
    };
    let results = view! {
        <For
            each=move || state.segmented.get()
            key=|view| Arc::as_ptr(view) as usize
            children=move |view| view! { <results::Results state=state form=form view=view/> }
        />
    };
    view! {
        <div class="step segment-step" class:hidden=move || state.step.get() != Step::Segment>
            <div class="step-intro">
                <h1 tabindex="-1" data-step-heading="segment">"Segment"</h1>
                <p class="lead">
                    "Group customers who behave alike, see how well the groups separate and why "
                    "this many, and get a name, a rule and a marketing action for each."
                </p>
            </div>
            {setup}
            <StepProgress state=state progress=state.segmenting testid="segment-progress" cancel_testid="segment-cancel" label="Segment progress"/>
            <StepProblem problem=state.segment_problem testid="segment-error"/>
            {results}
        </div>
    }
}
