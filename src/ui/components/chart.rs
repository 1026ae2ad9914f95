//! A chart card: title and subtitle, the chart on a canvas (see [`crate::charts`]), a tooltip
//! that follows the pointer, and a PNG download button.
//!
//! Redraws when the chart changes, when the canvas is resized (ResizeObserver) and when the page
//! switches between light and dark. A chart that cannot be drawn shows a short message instead.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::charts::{self, ChartError, ChartLayout, Highlight, Tooltip};
use crate::core::eda::{Chart, ChartKind};

/// Pointer position (css px in the canvas) and the size of the area, for placing the tooltip.
/// `shown_x` / `shown_width`: the same across the part of a wide canvas scrolled into view.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Pointer {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    shown_x: f64,
    shown_width: f64,
}

type ResizeWatch = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
type SchemeWatch = (web_sys::MediaQueryList, Closure<dyn FnMut(web_sys::Event)>);

/// Browser objects that must live as long as the card, and be unhooked when it goes (the
/// callbacks are dropped only after the observer and listener are removed).
struct Watchers {
    resize: Option<ResizeWatch>,
    scheme: Option<SchemeWatch>,
}

impl Drop for Watchers {
    fn drop(&mut self) {
        if let Some((observer, _)) = &self.resize {
            observer.disconnect();
        }
        if let Some((query, callback)) = &self.scheme {
            let _ = query
                .remove_event_listener_with_callback("change", callback.as_ref().unchecked_ref());
        }
    }
}

fn kind_name(chart: &Chart) -> &'static str {
    match chart.kind {
        ChartKind::Histogram { .. } => "histogram",
        ChartKind::BoxPlot { .. } => "box_plot",
        ChartKind::Bar { .. } => "bar",
        ChartKind::Heatmap { .. } => "heatmap",
        ChartKind::Line { .. } => "line",
        ChartKind::Scatter { .. } => "scatter",
        ChartKind::Silhouette { .. } => "silhouette",
        ChartKind::Dendrogram { .. } => "dendrogram",
        ChartKind::Curves { .. } => "curves",
    }
}

/// One chart in a card. `height`: css px of the drawing (default: suits the chart kind).
#[component]
pub fn ChartView(
    #[prop(into)] chart: Signal<Chart>,
    #[prop(optional)] height: Option<u32>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let layout = StoredValue::new(None::<ChartLayout>);
    let drawn_size = StoredValue::new((0.0f64, 0.0f64));
    // Width of the drawing, for the default height (changes of less than a scrollbar ignored,
    // so that a height change can never feed back into the width).
    let width = RwSignal::new(0.0f64);
    let draw_error = RwSignal::new(None::<String>);
    let export_error = RwSignal::new(None::<String>);
    let tip = RwSignal::new(None::<Tooltip>);
    let pointer = RwSignal::new(Pointer::default());
    let watchers = StoredValue::new_local(None::<Watchers>);

    let css_height = move || {
        height
            .map(|h| h.clamp(120, 2000))
            .unwrap_or_else(|| chart.with(|c| charts::preferred_height(c, width.get())))
    };
    let note_width = move |w: f64| {
        if width.try_with_untracked(|old| (old - w).abs() > 20.0) == Some(true) {
            width.try_set(w);
        }
    };

    // Draws the current chart at the canvas's current size. Never panics: every reactive value
    // is read with `try_`, as this also runs from browser callbacks.
    let redraw = move || {
        let Some(Some(canvas)) = canvas_ref.try_get_untracked() else {
            return;
        };
        let Some(result) = chart.try_with_untracked(|c| charts::draw(&canvas, c)) else {
            return;
        };
        match result {
            Ok(drawn) => {
                note_width(drawn.width);
                drawn_size.try_set_value((drawn.width, drawn.height));
                layout.try_set_value(Some(drawn));
                draw_error.try_set(None);
            }
            Err(ChartError::NotVisible) => {}
            Err(e) => {
                layout.try_set_value(None);
                draw_error.try_set(Some(e.to_string()));
            }
        }
        // The old tooltip points at the old drawing.
        if tip.try_with_untracked(Option::is_some) == Some(true) {
            tip.try_set(None);
        }
    };

    // Redraw on every new chart (and first, once the canvas exists).
    Effect::new(move |_| {
        chart.track();
        if canvas_ref.get().is_some() {
            redraw();
        }
    });

    // Redraw on resize and on a light/dark switch.
    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        if watchers.with_value(Option::is_some) {
            return;
        }
        let resize = {
            let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries| {
                let Some(Some(canvas)) = canvas_ref.try_get_untracked() else {
                    return;
                };
                let r = canvas.get_bounding_client_rect();
                let size = (r.width(), r.height());
                note_width(size.0);
                if drawn_size.try_get_value() != Some(size) {
                    redraw();
                }
            });
            web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref())
                .ok()
                .map(|observer| {
                    observer.observe(&canvas);
                    (observer, on_resize)
                })
        };
        let scheme = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .map(|query| {
                let on_change =
                    Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| redraw());
                let _ = query
                    .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
                (query, on_change)
            });
        watchers.set_value(Some(Watchers { resize, scheme }));
    });

    let on_move = move |ev: web_sys::MouseEvent| {
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let hit = layout
            .try_with_value(|l| {
                l.as_ref()
                    .and_then(|l| chart.try_with_untracked(|c| l.hit(c, x, y)).flatten())
            })
            .flatten();
        let (width, height) = drawn_size.try_get_value().unwrap_or_default();
        // A canvas wider than its card scrolls inside it: flip the tooltip by what is in view.
        let body = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|canvas| canvas.parent_element());
        let (shown_x, shown_width) = match body {
            Some(body) if body.client_width() > 0 => {
                (x - body.scroll_left() as f64, body.client_width() as f64)
            }
            _ => (x, width),
        };
        pointer.try_set(Pointer {
            x,
            y,
            width,
            height,
            shown_x,
            shown_width,
        });
        if tip.try_with_untracked(|t| t != &hit) == Some(true) {
            tip.try_set(hit);
        }
    };
    let on_leave = move |_: web_sys::MouseEvent| {
        tip.try_set(None);
    };

    let on_download = move |_| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let r = canvas.get_bounding_client_rect();
        let result = chart.with_untracked(|c| charts::download_chart_png(c, r.width(), r.height()));
        export_error.set(result.err().map(|e| e.to_string()));
    };

    let title = move || chart.with(|c| c.title.clone());
    let subtitle = move || chart.with(|c| c.subtitle.clone());
    let label = move || {
        chart.with(|c| {
            if c.subtitle.is_empty() {
                c.title.clone()
            } else {
                format!("{}. {}", c.title, c.subtitle)
            }
        })
    };

    // Everything shown over the canvas while hovering, as one block: rebuilt when the hovered
    // item changes; only the tooltip position follows every pointer move.
    let overlay = move || {
        tip.get().map(|t| {
            let highlight = t.highlight.map(|h| {
                let (class, x, y, w, h) = match h {
                    Highlight::Rect { x, y, w, h } => ("chart-hl chart-hl-band", x, y, w, h),
                    Highlight::Cell { x, y, w, h } => ("chart-hl chart-hl-cell", x, y, w, h),
                    Highlight::Point { x, y, r } => {
                        ("chart-hl chart-hl-point", x - r, y - r, 2.0 * r, 2.0 * r)
                    }
                    Highlight::Guide { x, y, h } => ("chart-hl chart-hl-guide", x - 0.5, y, 1.0, h),
                };
                view! {
                    <div
                        class=class
                        aria-hidden="true"
                        style:left=format!("{x:.1}px")
                        style:top=format!("{y:.1}px")
                        style:width=format!("{w:.1}px")
                        style:height=format!("{h:.1}px")
                    ></div>
                }
            });
            let markers = t
                .markers
                .into_iter()
                .map(|m| {
                    view! {
                        <div
                            class="chart-marker"
                            aria-hidden="true"
                            style:left=format!("{:.1}px", m.x)
                            style:top=format!("{:.1}px", m.y)
                            style:border-color=m.color
                        ></div>
                    }
                })
                .collect_view();
            let swatch = |colour: Option<String>| {
                colour
                    .map(|c| view! { <span class="chart-swatch" style:background-color=c></span> })
            };
            let mut swatches = t.swatches.into_iter();
            let rows = t
                .lines
                .into_iter()
                .map(|line| {
                    let mark = swatch(swatches.next().flatten());
                    view! { <li>{mark}<span>{line}</span></li> }
                })
                .collect_view();
            let flip_x = move || pointer.with(|p| p.shown_x > p.shown_width * 0.6);
            let flip_y = move || pointer.with(|p| p.y > p.height * 0.5);
            let left = move || {
                let x = pointer.with(|p| p.x);
                format!("{:.0}px", if flip_x() { x - 14.0 } else { x + 14.0 })
            };
            let top = move || {
                let y = pointer.with(|p| p.y);
                format!("{:.0}px", if flip_y() { y - 12.0 } else { y + 12.0 })
            };
            view! {
                {highlight}
                {markers}
                <div
                    class="chart-tooltip"
                    class:flip-x=flip_x
                    class:flip-y=flip_y
                    role="tooltip"
                    data-testid="chart-tooltip"
                    style:left=left
                    style:top=top
                >
                    <p class="chart-tooltip-title">{swatch(t.swatch)}<span>{t.title}</span></p>
                    <ul class="chart-tooltip-lines">{rows}</ul>
                </div>
            }
        })
    };
    // A drawing error covers the canvas; a failed export shows under it.
    let problem = move || {
        let (covers, text) = match draw_error.get() {
            Some(e) => (true, e),
            None => (false, export_error.get()?),
        };
        Some(view! {
            <p class="chart-error" class:chart-error-cover=covers role="alert">{text}</p>
        })
    };

    view! {
        <figure
            class="card chart-card"
            data-testid="chart"
            data-chart-id=move || chart.with(|c| c.id.clone())
            data-chart-kind=move || chart.with(kind_name)
        >
            <figcaption class="chart-head">
                <div class="chart-titles">
                    <h3 class="chart-title">{title}</h3>
                    <p class="chart-subtitle">{subtitle}</p>
                </div>
                <button
                    type="button"
                    class="btn btn-secondary btn-small chart-download"
                    data-testid="chart-download"
                    aria-label="Download PNG"
                    title="Download this chart as a PNG image"
                    on:click=on_download
                >
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                        <path d="M8 1.5a.75.75 0 0 1 .75.75v6.69l2.22-2.22a.75.75 0 1 1 1.06 1.06l-3.5 3.5a.75.75 0 0 1-1.06 0l-3.5-3.5a.75.75 0 1 1 1.06-1.06l2.22 2.22V2.25A.75.75 0 0 1 8 1.5ZM2.75 12a.75.75 0 0 1 .75.75v.75h9v-.75a.75.75 0 0 1 1.5 0v1.5a.75.75 0 0 1-.75.75H2.75a.75.75 0 0 1-.75-.75v-1.5a.75.75 0 0 1 .75-.75Z"/>
                    </svg>
                    "PNG"
                </button>
            </figcaption>
            <div
                class="chart-body"
                class:chart-body-scrolls=move || chart.with(|c| charts::min_width(c).is_some())
                style:height=move || format!("{}px", css_height())
            >
                <canvas
                    class="chart-canvas"
                    node_ref=canvas_ref
                    style:min-width=move || chart.with(|c| charts::min_width(c).map(|w| format!("{w}px")))
                    role="img"
                    aria-label=label
                    on:mousemove=on_move
                    on:mouseleave=on_leave
                ></canvas>
                {overlay}
                {problem}
            </div>
        </figure>
    }
}
