//! Components shared by the flow steps.

mod banner;
mod progress;

pub use banner::ErrorBanner;
pub use progress::ReadProgress;
