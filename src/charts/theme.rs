//! Colours and fonts of the charts, matching `style/app.css` (light and dark).
//!
//! Categorical colours are Okabe–Ito (colour-blind safe, the app's accents come from it);
//! correlations use a diverging blue–red scale (ColorBrewer RdBu, also colour-blind safe), other
//! matrices a sequential blue scale, and matrices that ask for a sequential scale (probabilities)
//! viridis (perceptually uniform, colour-blind safe, readable on light and dark).

/// The app's system font stack (`--font-sans` in style/app.css). No web fonts: the CSP forbids
/// external resources, and canvas text must match the HTML around it.
pub const FONT_STACK: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", \
     \"Noto Sans\", \"Liberation Sans\", Arial, sans-serif";

/// An sRGB colour with alpha in 0…1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: f64,
}

impl Rgba {
    pub const fn hex(rgb: u32) -> Self {
        Self {
            r: (rgb >> 16) as u8,
            g: (rgb >> 8) as u8,
            b: rgb as u8,
            a: 1.0,
        }
    }

    pub fn alpha(self, a: f64) -> Self {
        Self { a, ..self }
    }

    /// CSS colour text, e.g. for a tooltip swatch.
    pub fn css(self) -> String {
        if self.a >= 1.0 {
            format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
        } else {
            format!("rgba({},{},{},{:.3})", self.r, self.g, self.b, self.a)
        }
    }

    /// Linear blend towards `other` (t = 0 → self, t = 1 → other).
    pub fn mix(self, other: Rgba, t: f64) -> Rgba {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let channel = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
        Rgba {
            r: channel(self.r, other.r),
            g: channel(self.g, other.g),
            b: channel(self.b, other.b),
            a: self.a + (other.a - self.a) * t,
        }
    }

    /// Relative luminance (WCAG, with gamma 2.2 approximated by squaring: close enough to pick
    /// a readable text colour, and no `pow` in the wasm).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            c * c
        };
        0.2126 * lin(self.r) + 0.7152 * lin(self.g) + 0.0722 * lin(self.b)
    }
}

/// Light or dark, following `prefers-color-scheme` like the rest of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeMode {
    #[default]
    Light,
    Dark,
}

/// Every colour a chart uses.
#[derive(Debug, Clone)]
pub struct Theme {
    pub mode: ThemeMode,
    /// Canvas background (the card surface).
    pub background: Rgba,
    pub text: Rgba,
    pub text_2: Rgba,
    pub muted: Rgba,
    pub grid: Rgba,
    pub axis: Rgba,
    /// Empty heatmap cells.
    pub empty: Rgba,
    /// Categorical colours, in order of use.
    pub palette: [Rgba; 8],
    /// Box-plot mean marker.
    pub highlight: Rgba,
    /// Diverging scale stops from −1 to +1 (odd count, middle = 0).
    pub diverging: [Rgba; 9],
    /// Sequential scale from low to high.
    pub sequential: [Rgba; 2],
    /// Many-stop sequential ramp from low to high (viridis).
    pub ramp: [Rgba; 9],
}

/// Viridis at nine evenly spaced stops (matplotlib's `viridis`).
const VIRIDIS: [Rgba; 9] = [
    Rgba::hex(0x440154),
    Rgba::hex(0x472d7b),
    Rgba::hex(0x3b528b),
    Rgba::hex(0x2c728e),
    Rgba::hex(0x21918c),
    Rgba::hex(0x28ae80),
    Rgba::hex(0x5ec962),
    Rgba::hex(0xaddc30),
    Rgba::hex(0xfde725),
];

impl Theme {
    pub fn light() -> Self {
        Self {
            mode: ThemeMode::Light,
            background: Rgba::hex(0xffffff),
            text: Rgba::hex(0x17212b),
            text_2: Rgba::hex(0x3d4a57),
            muted: Rgba::hex(0x5c6978),
            grid: Rgba::hex(0xe9edf2),
            axis: Rgba::hex(0xa9b4c0),
            empty: Rgba::hex(0xe3e8ee),
            palette: [
                Rgba::hex(0x0072b2), // blue
                Rgba::hex(0xe69f00), // orange
                Rgba::hex(0x009e73), // bluish green
                Rgba::hex(0xcc79a7), // reddish purple
                Rgba::hex(0xd55e00), // vermillion
                Rgba::hex(0x56b4e9), // sky blue
                Rgba::hex(0x8a7a00), // dark yellow (Okabe–Ito yellow is unreadable on white)
                Rgba::hex(0x6b7785), // grey
            ],
            highlight: Rgba::hex(0xd55e00),
            diverging: [
                Rgba::hex(0xb2182b),
                Rgba::hex(0xd6604d),
                Rgba::hex(0xf4a582),
                Rgba::hex(0xfddbc7),
                Rgba::hex(0xf7f7f7),
                Rgba::hex(0xd1e5f0),
                Rgba::hex(0x92c5de),
                Rgba::hex(0x4393c3),
                Rgba::hex(0x2166ac),
            ],
            sequential: [Rgba::hex(0xeef4fa), Rgba::hex(0x08519c)],
            ramp: VIRIDIS,
        }
    }

    pub fn dark() -> Self {
        Self {
            mode: ThemeMode::Dark,
            background: Rgba::hex(0x161d24),
            text: Rgba::hex(0xe7ecf1),
            text_2: Rgba::hex(0xc4ced8),
            muted: Rgba::hex(0x98a6b4),
            grid: Rgba::hex(0x27313c),
            axis: Rgba::hex(0x4a5866),
            empty: Rgba::hex(0x2b3541),
            palette: [
                Rgba::hex(0x56b4e9),
                Rgba::hex(0xe69f00),
                Rgba::hex(0x2fbf8f),
                Rgba::hex(0xdc8fbb),
                Rgba::hex(0xf07b3f),
                Rgba::hex(0x7f9fd6),
                Rgba::hex(0xf0e442),
                Rgba::hex(0xa3afbc),
            ],
            highlight: Rgba::hex(0xf0b54a),
            diverging: [
                Rgba::hex(0xe8745f),
                Rgba::hex(0xc25a4a),
                Rgba::hex(0x8f4338),
                Rgba::hex(0x56332f),
                Rgba::hex(0x252e38),
                Rgba::hex(0x26445e),
                Rgba::hex(0x2f6690),
                Rgba::hex(0x3f8ac2),
                Rgba::hex(0x6cb4ea),
            ],
            sequential: [Rgba::hex(0x1e2a36), Rgba::hex(0x56b4e9)],
            ramp: VIRIDIS,
        }
    }

    /// The theme the page currently shows (`prefers-color-scheme`).
    pub fn current() -> Self {
        let dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches());
        if dark {
            Self::dark()
        } else {
            Self::light()
        }
    }

    /// The main colour of single-series charts.
    pub fn accent(&self) -> Rgba {
        self.palette[0]
    }

    /// The i-th categorical colour (cycling).
    pub fn series(&self, i: usize) -> Rgba {
        self.palette[i % self.palette.len()]
    }

    /// Diverging colour for `t` in −1…1 (clamped; NaN → middle).
    pub fn diverging_at(&self, t: f64) -> Rgba {
        let t = if t.is_finite() {
            t.clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let stops = &self.diverging;
        let pos = (t + 1.0) / 2.0 * (stops.len() - 1) as f64;
        let i = (pos.floor() as usize).min(stops.len() - 2);
        stops[i].mix(stops[i + 1], pos - i as f64)
    }

    /// Sequential colour for `t` in 0…1.
    pub fn sequential_at(&self, t: f64) -> Rgba {
        self.sequential[0].mix(self.sequential[1], t)
    }

    /// Colour of the many-stop ramp for `t` in 0…1 (clamped; NaN → low end).
    pub fn ramp_at(&self, t: f64) -> Rgba {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let stops = &self.ramp;
        let pos = t * (stops.len() - 1) as f64;
        let i = (pos.floor() as usize).min(stops.len() - 2);
        stops[i].mix(stops[i + 1], pos - i as f64)
    }

    /// Text colour readable on `fill`.
    pub fn text_on(&self, fill: Rgba) -> Rgba {
        if fill.luminance() > 0.36 {
            Rgba::hex(0x17212b)
        } else {
            Rgba::hex(0xffffff)
        }
    }
}
