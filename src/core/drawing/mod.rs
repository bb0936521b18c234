//! What is drawn: time → pixels and ticks, the timeline's scene (painted by the canvas and the
//! SVG writer through one `Painter`), the file exports, the claims' cards as the page's HTML
//! holds them, and the snippets a writer pastes.

pub mod cards;
pub mod embed;
pub mod export;
pub mod layout;
pub mod scene;
pub mod snippet;
