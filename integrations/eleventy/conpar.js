// conpar demos in an Eleventy site: a `conpar` shortcode. In eleventy.config.js:
//   import conpar from './conpar.js';  export default (config) => { config.addPlugin(conpar); };
// then in a post (Markdown or Nunjucks):
//   {% conpar "<the Embed dialog's address>", 718 %}
//   {% conpar "<address>", 718, { poster: "/img/cpu.png", title: "conpar: eight computations" } %}
//   {% conpar "<address>", 500, { as: "frame" } %}
// `height` is the one the Embed dialog's code gives (px): the demo stands at it, so the post does
// not move when it loads. By default it renders <conpar-embed>, a still poster (optional) and one
// button, the frame created when the reader presses it (`load: "near"`: as it nears the screen);
// `as: "frame"` renders the frame itself. embed.js, from the demo's own site, sizes the frame
// and defines the element (it installs itself once however often it is included).

const attribute = (text) => String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/// The Eleventy plugin: registers the `conpar` shortcode.
export default function conpar(config) {
  config.addShortcode('conpar', (src, height, options = {}) => {
    const h = Math.max(120, Math.min(5000, Math.round(Number(height) || 600)));
    const title = options.title || 'conpar demo';
    const base = String(src).split(/[?#]/)[0].replace(/index\.html$/, '');
    const script = `<script src="${attribute(`${base}embed.js`)}" defer></script>`;
    if (options.as === 'frame') {
      return `<iframe src="${attribute(src)}" title="${attribute(title)}" width="100%" height="${h}" loading="lazy" style="border:0;max-width:100%"></iframe>\n${script}`;
    }
    const poster = options.poster ? ` poster="${attribute(options.poster)}"` : '';
    const load = options.load ? ` load="${attribute(options.load)}"` : '';
    const link = String(src).replace('&embed=1', '');
    return `<conpar-embed src="${attribute(src)}" title="${attribute(title)}" height="${h}"${poster}${load} style="display:block;height:${h}px"><a href="${attribute(link)}">${attribute(title)} (opens the demo)</a></conpar-embed>\n${script}`;
  });
}
