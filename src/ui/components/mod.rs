//! Components shared by the flow steps.

mod banner;
pub mod chart;
mod progress;

pub use banner::ErrorBanner;
pub use progress::ReadProgress;
