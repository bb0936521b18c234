//! What is drawn: time → pixels and ticks, the timeline's scene (painted by the canvas and the
//! SVG writer through one `Painter`), and the file exports.

pub mod embed;
pub mod export;
pub mod layout;
pub mod scene;
