//! Drawing primitives in css px on a HiDPI canvas.
//!
//! Shapes and text go through the plotters-canvas backend (one canvas call per primitive);
//! the few things plotters does not offer go to the 2D context directly: text measuring
//! (plotters' own measuring inserts a `<span style=…>` into the page, which the CSP refuses),
//! text at 45°, and batched dots (one path for thousands of points).
//! Every coordinate is multiplied by the device-pixel ratio here and nowhere else.

use plotters::prelude::{DrawingBackend, FontDesc, FontFamily, FontStyle, FontTransform};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBAColor, ShapeStyle, TextStyle};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::geometry::dashes_along;
use super::theme::{Rgba, Theme, FONT_STACK};
use super::ChartError;

pub type Drawn = Result<(), ChartError>;

/// A rectangle in css px.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self {
            x,
            y,
            w: w.max(0.0),
            h: h.max(0.0),
        }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
    }
}

/// A font of the app's stack.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
}

impl Font {
    pub const fn regular(size: f64) -> Self {
        Self { size, bold: false }
    }

    pub const fn bold(size: f64) -> Self {
        Self { size, bold: true }
    }

    /// Line height in css px.
    pub fn line(&self) -> f64 {
        (self.size * 1.3).ceil()
    }
}

/// Where a text sits relative to its anchor point.
#[derive(Clone, Copy)]
pub struct Anchor(pub HPos, pub VPos);

impl Anchor {
    pub const LEFT: Anchor = Anchor(HPos::Left, VPos::Center);
    pub const RIGHT: Anchor = Anchor(HPos::Right, VPos::Center);
    pub const CENTER: Anchor = Anchor(HPos::Center, VPos::Center);
    pub const TOP: Anchor = Anchor(HPos::Center, VPos::Top);
    pub const BOTTOM: Anchor = Anchor(HPos::Center, VPos::Bottom);
    pub const TOP_LEFT: Anchor = Anchor(HPos::Left, VPos::Top);
    pub const BOTTOM_RIGHT: Anchor = Anchor(HPos::Right, VPos::Bottom);
    pub const BOTTOM_LEFT: Anchor = Anchor(HPos::Left, VPos::Bottom);
}

/// Length of a dash of a dashed line and of the gap after it, css px.
pub const DASH: f64 = 5.0;
pub const DASH_GAP: f64 = 4.0;
/// Most dashes of one line (18,000 css px; anything longer is cut there).
const MAX_DASHES: usize = 2_000;

/// The dashes from `a` to `b` (either order) as (start, end) pairs; none for non-finite ends.
fn dashes(a: f64, b: f64) -> impl Iterator<Item = (f64, f64)> {
    let (lo, hi) = if a.is_finite() && b.is_finite() {
        (a.min(b), a.max(b))
    } else {
        (0.0, 0.0)
    };
    (0..MAX_DASHES)
        .map(move |i| lo + i as f64 * (DASH + DASH_GAP))
        .take_while(move |&start| start < hi)
        .map(move |start| (start, (start + DASH).min(hi)))
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn js_error(e: wasm_bindgen::JsValue) -> ChartError {
    ChartError::Draw(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn color(c: Rgba) -> RGBAColor {
    RGBAColor(c.r, c.g, c.b, c.a)
}

pub struct Painter {
    backend: CanvasBackend,
    ctx: CanvasRenderingContext2d,
    dpr: f64,
    pub theme: Theme,
}

impl Painter {
    /// Wraps a canvas whose backing store is already sized to css size × `dpr`.
    pub fn new(canvas: &HtmlCanvasElement, dpr: f64, theme: Theme) -> Result<Self, ChartError> {
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into().ok())
            .ok_or(ChartError::NoContext)?;
        let backend =
            CanvasBackend::with_canvas_object(canvas.clone()).ok_or(ChartError::NoContext)?;
        ctx.set_line_join("round");
        ctx.set_line_cap("round");
        Ok(Self {
            backend,
            ctx,
            dpr,
            theme,
        })
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.dpr).round() as i32
    }

    fn width_px(&self, w: f64) -> u32 {
        (w * self.dpr).round().max(1.0) as u32
    }

    /// The finite points of `points` in device pixels.
    fn device_path(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| (self.px(x), self.px(y)))
            .collect()
    }

    fn font_css(&self, font: Font) -> String {
        format!(
            "{} {}px {}",
            if font.bold { "bold" } else { "normal" },
            font.size * self.dpr,
            FONT_STACK
        )
    }

    fn text_style(&self, font: Font, c: Rgba, anchor: Anchor) -> TextStyle<'static> {
        let style = if font.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        TextStyle {
            font: FontDesc::new(FontFamily::Name(FONT_STACK), font.size * self.dpr, style),
            color: color(c).to_backend_color(),
            pos: Pos::new(anchor.0, anchor.1),
        }
    }

    /// Paints the whole canvas with the theme background (opaque, so a PNG has no holes).
    pub fn clear(&mut self, width: f64, height: f64) -> Drawn {
        let bg = self.theme.background;
        self.fill_rect(Rect::new(0.0, 0.0, width, height), bg)
    }

    /// A filled rectangle snapped to device pixels (crisp edges).
    pub fn fill_rect(&mut self, r: Rect, c: Rgba) -> Drawn {
        if !(r.x.is_finite() && r.y.is_finite() && r.w.is_finite() && r.h.is_finite()) {
            return Ok(());
        }
        if r.w <= 0.0 || r.h <= 0.0 {
            return Ok(());
        }
        let (x0, y0) = (self.px(r.x), self.px(r.y));
        let x1 = self.px(r.right()).max(x0 + 1);
        let y1 = self.px(r.bottom()).max(y0 + 1);
        let style = ShapeStyle {
            color: color(c),
            filled: true,
            stroke_width: 1,
        };
        self.backend
            .draw_rect((x0, y0), (x1, y1), &style, true)
            .map_err(draw_error)
    }

    /// A horizontal line `width` css px thick, centred on `y`, on whole device pixels.
    pub fn hline(&mut self, x0: f64, x1: f64, y: f64, width: f64, c: Rgba) -> Drawn {
        let thick = (width * self.dpr).round().max(1.0);
        let top = ((y * self.dpr) - thick / 2.0).round() / self.dpr;
        self.fill_rect(
            Rect::new(x0.min(x1), top, (x1 - x0).abs(), thick / self.dpr),
            c,
        )
    }

    /// A vertical line `width` css px thick, centred on `x`, on whole device pixels.
    pub fn vline(&mut self, x: f64, y0: f64, y1: f64, width: f64, c: Rgba) -> Drawn {
        let thick = (width * self.dpr).round().max(1.0);
        let left = ((x * self.dpr) - thick / 2.0).round() / self.dpr;
        self.fill_rect(
            Rect::new(left, y0.min(y1), thick / self.dpr, (y1 - y0).abs()),
            c,
        )
    }

    /// A dashed horizontal line (dashes of [`DASH`] css px, gaps of [`DASH_GAP`]).
    pub fn dashed_hline(&mut self, x0: f64, x1: f64, y: f64, width: f64, c: Rgba) -> Drawn {
        for (a, b) in dashes(x0, x1) {
            self.hline(a, b, y, width, c)?;
        }
        Ok(())
    }

    /// A dashed vertical line (dashes of [`DASH`] css px, gaps of [`DASH_GAP`]).
    pub fn dashed_vline(&mut self, x: f64, y0: f64, y1: f64, width: f64, c: Rgba) -> Drawn {
        for (a, b) in dashes(y0, y1) {
            self.vline(x, a, b, width, c)?;
        }
        Ok(())
    }

    /// A rectangle outline drawn inside `r`.
    pub fn stroke_rect(&mut self, r: Rect, width: f64, c: Rgba) -> Drawn {
        let t = (width * self.dpr).round().max(1.0) / self.dpr;
        if r.w <= 2.0 * t || r.h <= 2.0 * t {
            return self.fill_rect(r, c);
        }
        self.fill_rect(Rect::new(r.x, r.y, r.w, t), c)?;
        self.fill_rect(Rect::new(r.x, r.bottom() - t, r.w, t), c)?;
        self.fill_rect(Rect::new(r.x, r.y + t, t, r.h - 2.0 * t), c)?;
        self.fill_rect(Rect::new(r.right() - t, r.y + t, t, r.h - 2.0 * t), c)
    }

    /// An open polyline.
    pub fn polyline(&mut self, points: &[(f64, f64)], width: f64, c: Rgba) -> Drawn {
        if points.len() < 2 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: color(c),
            filled: false,
            stroke_width: self.width_px(width),
        };
        let path = self.device_path(points);
        self.backend.draw_path(path, &style).map_err(draw_error)
    }

    /// A dashed open polyline: dashes of `dash` css px, gaps of `gap`, the pattern running on
    /// across corners (see `geometry::dashes_along`).
    pub fn dashed_polyline(
        &mut self,
        points: &[(f64, f64)],
        width: f64,
        c: Rgba,
        (dash, gap): (f64, f64),
    ) -> Drawn {
        for piece in dashes_along(points, dash, gap) {
            self.polyline(&piece, width, c)?;
        }
        Ok(())
    }

    /// `text` with its top-left corner at (x, y) on a halo of the background, so that it stays
    /// readable over lines and grid.
    pub fn text_on_halo(&mut self, text: &str, x: f64, y: f64, font: Font, c: Rgba) -> Drawn {
        let w = self.measure(text, font);
        let halo = self.theme.background.alpha(0.85);
        self.fill_rect(
            Rect::new(x - 2.0, y - 1.0, w + 4.0, font.line() + 1.0),
            halo,
        )?;
        self.text(text, x, y, font, c, Anchor::TOP_LEFT)
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], c: Rgba) -> Drawn {
        let style = ShapeStyle {
            color: color(c),
            filled: true,
            stroke_width: 1,
        };
        let path = self.device_path(points);
        if path.len() < 3 {
            return Ok(());
        }
        self.backend.fill_polygon(path, &style).map_err(draw_error)
    }

    /// A circle, filled and/or outlined.
    pub fn circle(
        &mut self,
        x: f64,
        y: f64,
        r: f64,
        fill: Option<Rgba>,
        stroke: Option<(Rgba, f64)>,
    ) -> Drawn {
        if !(x.is_finite() && y.is_finite()) {
            return Ok(());
        }
        let centre = (self.px(x), self.px(y));
        let radius = self.width_px(r);
        if let Some(f) = fill {
            let style = ShapeStyle {
                color: color(f),
                filled: true,
                stroke_width: 1,
            };
            self.backend
                .draw_circle(centre, radius, &style, true)
                .map_err(draw_error)?;
        }
        if let Some((s, w)) = stroke {
            let style = ShapeStyle {
                color: color(s),
                filled: false,
                stroke_width: self.width_px(w),
            };
            self.backend
                .draw_circle(centre, radius, &style, false)
                .map_err(draw_error)?;
        }
        Ok(())
    }

    /// Many dots of one colour as a single path: two context calls per dot, one fill.
    /// Dots landing on an already-drawn device pixel are skipped (they would not show).
    pub fn dots(&mut self, points: impl Iterator<Item = (f64, f64)>, r: f64, c: Rgba) -> Drawn {
        let canvas_w = self.ctx.canvas().map_or(0, |c| c.width()) as usize;
        let canvas_h = self.ctx.canvas().map_or(0, |c| c.height()) as usize;
        let mut seen = vec![0u64; (canvas_w * canvas_h).div_ceil(64)];
        let radius = (r * self.dpr).max(0.5);
        self.ctx.begin_path();
        let mut any = false;
        for (x, y) in points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let (dx, dy) = (x * self.dpr, y * self.dpr);
            let (ix, iy) = (dx.round(), dy.round());
            if ix >= 0.0 && iy >= 0.0 && (ix as usize) < canvas_w && (iy as usize) < canvas_h {
                let bit = iy as usize * canvas_w + ix as usize;
                let (word, mask) = (bit / 64, 1u64 << (bit % 64));
                if let Some(w) = seen.get_mut(word) {
                    if *w & mask != 0 {
                        continue;
                    }
                    *w |= mask;
                }
            }
            self.ctx.move_to(dx + radius, dy);
            self.ctx
                .arc(dx, dy, radius, 0.0, std::f64::consts::TAU)
                .map_err(js_error)?;
            any = true;
        }
        if any {
            self.ctx.set_fill_style_str(&c.css());
            self.ctx.fill();
        }
        Ok(())
    }

    /// One line of text.
    pub fn text(
        &mut self,
        text: &str,
        x: f64,
        y: f64,
        font: Font,
        c: Rgba,
        anchor: Anchor,
    ) -> Drawn {
        if text.is_empty() || !(x.is_finite() && y.is_finite()) {
            return Ok(());
        }
        let style = self.text_style(font, c, anchor);
        self.backend
            .draw_text(text, &style, (self.px(x), self.px(y)))
            .map_err(draw_error)
    }

    /// Text turned a quarter to the left (reads bottom to top), centred on (x, y).
    pub fn text_vertical(&mut self, text: &str, x: f64, y: f64, font: Font, c: Rgba) -> Drawn {
        if text.is_empty() {
            return Ok(());
        }
        let mut style = self.text_style(font, c, Anchor::CENTER);
        style.font = style.font.transform(FontTransform::Rotate270);
        self.backend
            .draw_text(text, &style, (self.px(x), self.px(y)))
            .map_err(draw_error)
    }

    /// Text at `angle` radians whose end sits at (x, y) (slanted category labels).
    pub fn text_slanted(
        &mut self,
        text: &str,
        x: f64,
        y: f64,
        angle: f64,
        font: Font,
        c: Rgba,
    ) -> Drawn {
        if text.is_empty() || !(x.is_finite() && y.is_finite()) {
            return Ok(());
        }
        let ctx = &self.ctx;
        ctx.save();
        let drawn = (|| {
            ctx.translate(x * self.dpr, y * self.dpr)?;
            ctx.rotate(angle)?;
            ctx.set_font(&self.font_css(font));
            ctx.set_fill_style_str(&c.css());
            ctx.set_text_align("end");
            ctx.set_text_baseline("middle");
            ctx.fill_text(text, 0.0, 0.0)
        })();
        ctx.restore();
        drawn.map_err(js_error)
    }

    /// Width of `text` in css px.
    pub fn measure(&self, text: &str, font: Font) -> f64 {
        if text.is_empty() {
            return 0.0;
        }
        self.ctx.set_font(&self.font_css(font));
        match self.ctx.measure_text(text) {
            Ok(m) if m.width().is_finite() => m.width() / self.dpr,
            _ => text.chars().count() as f64 * font.size * 0.6,
        }
    }

    /// Widest of `texts` in css px.
    pub fn measure_max<'a>(&self, texts: impl IntoIterator<Item = &'a str>, font: Font) -> f64 {
        texts
            .into_iter()
            .map(|t| self.measure(t, font))
            .fold(0.0, f64::max)
    }

    /// `text` cut with an ellipsis to fit `max_width` css px: its head, keeping the tail that
    /// tells it from its neighbours (a product code, "· new products"; see
    /// [`super::labels::kept_tail`]) when that leaves room for a few letters, else its end.
    pub fn fit(&self, text: &str, font: Font, max_width: f64) -> String {
        if self.measure(text, font) <= max_width {
            return text.to_string();
        }
        if let Some(kept) = self.fit_keeping_tail(text, font, max_width) {
            return kept;
        }
        let chars: Vec<char> = text.chars().collect();
        let with_ellipsis = |k: usize| {
            let mut s: String = chars[..k].iter().collect();
            s.truncate(s.trim_end().len());
            s.push('…');
            s
        };
        // Largest prefix that fits, by bisection (few measurements for long labels).
        let (mut lo, mut hi) = (0usize, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.measure(&with_ellipsis(mid), font) <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if lo == 0 {
            if self.measure("…", font) <= max_width {
                "…".to_string()
            } else {
                String::new()
            }
        } else {
            with_ellipsis(lo)
        }
    }

    /// "HEAD… (TAIL)" fitting `max_width`, with at least a few letters of the head;
    /// `None` when `text` has no tail to keep or too little room is left for its head.
    fn fit_keeping_tail(&self, text: &str, font: Font, max_width: f64) -> Option<String> {
        const MIN_HEAD: usize = 4;
        let start = super::labels::kept_tail(text)?;
        let (head, tail) = (text.get(..start)?, text.get(start..)?);
        let head: Vec<char> = head.chars().collect();
        let with = |k: usize| {
            let mut s: String = head.iter().take(k).collect();
            s.truncate(s.trim_end().len());
            s.push('…');
            s.push_str(tail);
            s
        };
        let (mut lo, mut hi) = (0usize, head.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.measure(&with(mid), font) <= max_width {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        (lo >= MIN_HEAD).then(|| with(lo))
    }
}
