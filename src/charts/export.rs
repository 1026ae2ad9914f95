//! PNG export: the chart drawn again off-screen (light theme, 2×, with its title and subtitle)
//! and handed to the browser as a download through a temporary blob URL.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlAnchorElement, HtmlCanvasElement, Url};

use super::{draw_with, preferred_height, title_height, ChartError, DrawOptions, Theme};
use crate::core::eda::Chart;

/// Narrowest PNG, css px (a chart from a phone-width card still reads well).
const MIN_EXPORT_WIDTH: f64 = 640.0;
/// Pixel ratio of exported PNGs.
const EXPORT_RATIO: f64 = 2.0;
/// How long the blob URL lives after the click (the download has started by then).
const REVOKE_AFTER_MS: i32 = 30_000;

fn js_error(context: &str, e: JsValue) -> ChartError {
    let detail = e.as_string().unwrap_or_else(|| format!("{e:?}"));
    ChartError::Export(format!("{context}: {detail}"))
}

/// A safe file name stem from a chart id: `hist:recency_days` → `custos-hist-recency_days`.
pub fn file_stem(chart_id: &str) -> String {
    let mut stem = String::from("custos-");
    let mut last_dash = true;
    for ch in chart_id.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            stem.push(ch);
            last_dash = false;
        } else if !last_dash {
            stem.push('-');
            last_dash = true;
        }
    }
    let trimmed = stem.trim_end_matches('-');
    if trimmed == "custos" {
        "custos-chart".to_string()
    } else {
        trimmed.to_string()
    }
}

/// A detached canvas with `chart` drawn for export: light theme, 2×, title on top.
/// `css_width` / `css_height`: the on-screen chart size (the title block is added).
pub fn render_png_canvas(
    chart: &Chart,
    css_width: f64,
    css_height: f64,
) -> Result<HtmlCanvasElement, ChartError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| ChartError::Export("no document".into()))?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| js_error("canvas", e))?
        .dyn_into()
        .map_err(|_| ChartError::Export("not a canvas".into()))?;
    let width = if css_width.is_finite() {
        css_width.max(MIN_EXPORT_WIDTH)
    } else {
        MIN_EXPORT_WIDTH
    };
    // At least the height the chart would get at the export width (a heatmap grows with it).
    let preferred = f64::from(preferred_height(chart, width));
    let plot_height = if css_height.is_finite() && css_height >= 120.0 {
        css_height.max(preferred)
    } else {
        preferred
    };
    let options = DrawOptions {
        size: Some((width, plot_height + title_height(chart))),
        pixel_ratio: Some(EXPORT_RATIO),
        theme: Some(Theme::light()),
        with_title: true,
    };
    draw_with(&canvas, chart, &options)?;
    Ok(canvas)
}

/// Renders `chart` for export and downloads it as `<file_stem(chart.id)>.png`.
pub fn download_chart_png(
    chart: &Chart,
    css_width: f64,
    css_height: f64,
) -> Result<(), ChartError> {
    let canvas = render_png_canvas(chart, css_width, css_height)?;
    download_png(&canvas, &file_stem(&chart.id))
}

/// Downloads what `canvas` shows as `<file_stem>.png`: `canvas.toBlob` → blob URL → a
/// temporary `<a download>` clicked → URL revoked later. The file arrives asynchronously;
/// failures after `toBlob` are reported on the console.
pub fn download_png(canvas: &HtmlCanvasElement, file_stem: &str) -> Result<(), ChartError> {
    let name = format!("{file_stem}.png");
    let on_blob = Closure::once_into_js(move |blob: JsValue| {
        if let Err(e) = save_blob(blob, &name) {
            web_sys::console::warn_1(&JsValue::from_str(&e.to_string()));
        }
    });
    canvas
        .to_blob(on_blob.unchecked_ref())
        .map_err(|e| js_error("toBlob", e))
}

fn save_blob(blob: JsValue, name: &str) -> Result<(), ChartError> {
    let blob: Blob = blob
        .dyn_into()
        .map_err(|_| ChartError::Export("the browser made no image".into()))?;
    let window = web_sys::window().ok_or_else(|| ChartError::Export("no window".into()))?;
    let document = window
        .document()
        .ok_or_else(|| ChartError::Export("no document".into()))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| js_error("blob URL", e))?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| js_error("link", e))?
        .dyn_into()
        .map_err(|_| ChartError::Export("not a link".into()))?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let revoke_url = url.clone();
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&revoke_url);
    });
    if window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            revoke.unchecked_ref(),
            REVOKE_AFTER_MS,
        )
        .is_err()
    {
        let _ = Url::revoke_object_url(&url);
    }
    Ok(())
}
