//! The preview grid of the loaded data.

use leptos::prelude::*;

use crate::ui::components::{GridColumn, PagedGrid};
use crate::ui::state::{AppState, PREVIEW_PAGE};

#[component]
pub fn PreviewGrid(state: AppState) -> impl IntoView {
    let columns = Signal::derive(move || {
        state.columns.with(|columns| {
            columns
                .iter()
                .map(|c| GridColumn {
                    name: c.name.clone(),
                    numeric: c.ctype.is_numeric(),
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <PagedGrid
            title="Preview"
            testid="preview-grid"
            columns=columns
            page=state.preview
            page_size=PREVIEW_PAGE
            on_page=Callback::new(move |offset| state.show_rows(offset))
        />
    }
}
