//! The Segment step in the worker: segment the customer table one fit at a time (each k of the
//! sweep, the tree, the final model), returning to the event loop between fits so a Cancel (or
//! a new file) stops the job. The customer table and earlier segments are never touched until
//! the new segments are ready.

use crate::core::segment::personas;
use crate::core::segment::run::{SegmentJob, SegmentParams, Segmentation};
use crate::protocol::{Event, SegmentRow, SegmentView};

use super::read::yield_now;
use super::{is_active, now_ms, post, STATE};

/// Start segmenting, unless another job is running or there is no customer table.
pub(crate) fn start(params: SegmentParams) {
    match STATE.with(|s| s.borrow_mut().start_data_job()) {
        Some(job) => wasm_bindgen_futures::spawn_local(run(job, params)),
        None => post(&Event::SegmentFailed {
            message: "Custos is still reading a file or building a table. Wait for it to finish \
                      or cancel it, then segment."
                .to_string(),
        }),
    }
}

fn fail(job: u64, message: String) {
    STATE.with(|s| s.borrow_mut().end_job(job));
    post(&Event::SegmentFailed { message });
}

fn not_explored() -> String {
    "There is no customer table yet. Build it in the Explore step first.".to_string()
}

async fn run(job: u64, params: SegmentParams) {
    let started = now_ms();
    post(&Event::SegmentProgress {
        stage: "Preparing the features".to_string(),
        fraction: 0.0,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let planned = STATE.with(|s| {
        let state = s.borrow();
        let explored = state.explored.as_ref().ok_or_else(not_explored)?;
        SegmentJob::new(&explored.prepared, params, state.segmentation.as_ref())
            .map_err(|e| e.to_string())
    });
    let mut segment_job = match planned {
        Ok(segment_job) => segment_job,
        Err(message) => return fail(job, message),
    };
    loop {
        post(&Event::SegmentProgress {
            stage: segment_job.stage_label(),
            fraction: segment_job.fraction_done() * 0.95,
        });
        yield_now().await;
        if !is_active(job) {
            return;
        }
        match segment_job.step() {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return fail(job, err.to_string()),
        }
    }
    post(&Event::SegmentProgress {
        stage: "Describing the segments".to_string(),
        fraction: 0.95,
    });
    yield_now().await;
    if !is_active(job) {
        return;
    }
    let event = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.active_job = None;
        let Some(explored) = state.explored.as_ref() else {
            return Event::SegmentFailed {
                message: not_explored(),
            };
        };
        match segment_job.finish(&explored.prepared) {
            Ok(segmentation) => {
                let view = segment_view(&segmentation, now_ms() - started);
                state.segmentation = Some(segmentation);
                Event::Segmented(Box::new(view))
            }
            Err(err) => Event::SegmentFailed {
                message: err.to_string(),
            },
        }
    });
    post(&event);
}

/// The view of a segmentation.
pub(crate) fn segment_view(segmentation: &Segmentation, elapsed_ms: f64) -> SegmentView {
    let profiles = &segmentation.profiles;
    // Segmented features first, then the other numeric features.
    let mut columns: Vec<usize> = segmentation
        .data
        .names
        .iter()
        .filter_map(|name| profiles.feature_index(name))
        .collect();
    for j in 0..profiles.features.len() {
        if !columns.contains(&j) {
            columns.push(j);
        }
    }
    let silhouette_of = |segment: usize| -> Option<f64> {
        let samples = segmentation.silhouette.as_ref()?;
        let (sum, n) = samples
            .rows
            .iter()
            .zip(&samples.values)
            .filter(|(&row, _)| segmentation.labels.get(row).copied().flatten() == Some(segment))
            .fold((0.0, 0usize), |(sum, n), (_, &v)| (sum + v, n + 1));
        (n > 0).then(|| sum / n as f64)
    };
    let membership_of = |segment: usize| -> Option<f64> {
        let memberships = segmentation.memberships.as_ref()?;
        let (sum, n) = segmentation
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == Some(segment))
            .filter_map(|(i, _)| memberships.get((i, segment)))
            .fold((0.0, 0usize), |(sum, n), &p| (sum + p, n + 1));
        (n > 0).then(|| sum / n as f64)
    };
    let segments = profiles
        .segments
        .iter()
        .map(|p| SegmentRow {
            segment: p.segment,
            size: p.size,
            share: p.share,
            revenue_share: p.revenue_share,
            means: columns
                .iter()
                .map(|&j| p.means.get(j).copied().flatten())
                .collect(),
            // In natural units, like the means beside them (the profile chart keeps the log
            // scale the segments were built on).
            z: columns
                .iter()
                .map(|&j| {
                    let mean = p.means.get(j).copied().flatten()?;
                    let all = profiles.overall_means.get(j).copied().flatten()?;
                    let sd = profiles.overall_sds.get(j).copied().flatten()?;
                    Some(if sd > 1e-12 * all.abs().max(1.0) {
                        (mean - all) / sd
                    } else {
                        0.0
                    })
                })
                .collect(),
            medians: columns
                .iter()
                .map(|&j| p.medians.get(j).copied().flatten())
                .collect(),
            levels: {
                let levels = personas::rule_levels(profiles, p);
                columns
                    .iter()
                    .map(|&j| levels.get(j).copied().flatten())
                    .collect()
            },
            silhouette: silhouette_of(p.segment),
            membership: membership_of(p.segment),
        })
        .collect();
    let sweep = segmentation.sweep.as_ref();
    SegmentView {
        params: segmentation.params.clone(),
        algorithm: segmentation.params.algorithm,
        features: segmentation.data.names.clone(),
        log_features: segmentation.log_features.clone(),
        n_customers: segmentation.n_customers,
        n_segmented: segmentation.n_segmented(),
        n_noise: segmentation.n_noise(),
        k: segmentation.k,
        reason: segmentation.reason.clone(),
        suggested_k: sweep.map(|s| s.suggested_k),
        metrics: sweep.map(|s| s.rows.clone()).unwrap_or_default(),
        silhouette_sample: sweep
            .and_then(|s| s.silhouette_sample)
            .or_else(|| segmentation.silhouette.as_ref().and_then(|s| s.sample_size)),
        silhouette: segmentation.mean_silhouette(),
        eps: segmentation.eps,
        notes: segmentation.notes.clone(),
        profile_features: columns
            .iter()
            .filter_map(|&j| profiles.features.get(j).cloned())
            .collect(),
        segments,
        overall_means: columns
            .iter()
            .map(|&j| profiles.overall_means.get(j).copied().flatten())
            .collect(),
        overall_medians: columns
            .iter()
            .map(|&j| profiles.overall_medians.get(j).copied().flatten())
            .collect(),
        statistics: columns.iter().map(|&j| profiles.statistic(j)).collect(),
        personas: segmentation.personas.clone(),
        charts: segmentation.charts(),
        elapsed_ms,
        worker_memory_bytes: super::memory_bytes(),
    }
}

/// Rename a segment; answers with the personas and the charts (they carry the names).
pub(crate) fn rename(segment: usize, label: &str) -> Event {
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        match state.segmentation.as_mut() {
            Some(segmentation) => {
                if !segmentation.rename(segment, label) {
                    return Event::SegmentFailed {
                        message: format!(
                            "Segment {} cannot be named '{}': give it a non-empty name.",
                            segment + 1,
                            label.trim()
                        ),
                    };
                }
                Event::SegmentRenamed {
                    personas: segmentation.personas.clone(),
                    charts: segmentation.charts(),
                }
            }
            None => Event::SegmentFailed {
                message: "There are no segments to rename. Segment the customers first."
                    .to_string(),
            },
        }
    })
}
