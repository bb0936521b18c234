//! What a writer pastes: the iframe at the embed's height with `embed.js` beside it, the
//! iframe alone, and the light element `<conpar-embed>` (defined by `embed.js`), which shows a
//! still poster of the run and one button at the frame's final size and creates the frame only
//! when the reader presses it, so a post with many demos stays light on a slow phone. Without
//! script the element is a plain link to the run.

/// Text for an HTML attribute value in double quotes.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// `embed.js` beside the page the embed's address names.
fn script_of(src: &str) -> String {
    let base = src
        .split(['?', '#'])
        .next()
        .unwrap_or(src)
        .trim_end_matches("index.html");
    format!("{base}embed.js").replace('"', "%22")
}

/// The iframe alone: the embed's own height (so nothing moves when it loads), a title, lazy
/// loading.
pub fn iframe(src: &str, title: &str, height: u32) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>",
        attribute(src),
        attribute(title)
    )
}

/// The iframe and the script that sizes it to its content.
pub fn snippet(src: &str, title: &str, height: u32) -> String {
    format!(
        "{}\n<script src=\"{}\" defer></script>",
        iframe(src, title, height),
        script_of(src)
    )
}

/// An SVG image as a `data:` address, escaped for a double-quoted attribute.
pub fn svg_data_uri(svg: &str) -> String {
    let mut out = String::from("data:image/svg+xml,");
    for c in svg.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\n' => out.push_str("%0A"),
            '&' => out.push_str("%26"),
            c => out.push(c),
        }
    }
    out
}

/// The light element: `<conpar-embed>` at the embed's `height` (its style reserves it before
/// `embed.js` runs, so nothing moves), with `poster` (an image's address, e.g.
/// [`svg_data_uri`] of the run's timeline) when there is one, and `link` (the full playground)
/// inside it for readers without script; then `embed.js`, which defines it.
pub fn element(src: &str, title: &str, height: u32, poster: Option<&str>, link: &str) -> String {
    let poster = poster.map_or(String::new(), |p| format!(" poster=\"{}\"", attribute(p)));
    format!(
        "<conpar-embed src=\"{}\" title=\"{}\" height=\"{height}\"{poster} style=\"display:block;height:{height}px\"><a href=\"{}\">{} (opens the demo)</a></conpar-embed>\n<script src=\"{}\" defer></script>",
        attribute(src),
        attribute(title),
        attribute(link),
        title.replace('&', "&amp;").replace('<', "&lt;"),
        script_of(src)
    )
}
