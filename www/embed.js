// Optional helper for pages that embed conpar: sizes each conpar iframe to the height its
// content reports, and defines <conpar-embed>. Include once with
// <script src=".../embed.js" defer></script>.
//
// The snippet's iframe already starts at the embed's height, so a report usually changes
// nothing. When it does (a reader's browser that runs fewer models, other fonts), a frame that
// must grow grows at once, so nothing inside it is cut off; a frame that may shrink waits until
// it is out of view, so the post does not jump under the reader's eyes.
(function () {
  // Included once per embed by most snippets and generators: it installs itself once.
  if (window.conparEmbedJs) return;
  window.conparEmbedJs = true;
  var wanted = new WeakMap();
  var visible = new WeakMap();
  var observer = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      visible.set(e.target, e.isIntersecting);
      if (!e.isIntersecting) apply(e.target);
    });
  }) : null;
  function apply(frame) {
    var height = wanted.get(frame);
    if (height === undefined) return;
    var now = frame.getBoundingClientRect().height ? frame.clientHeight : 0;
    if (height >= now || !observer || !visible.get(frame)) {
      frame.style.height = height + 'px';
      // A frame a <conpar-embed> made: the element keeps the frame's height.
      var host = frame.parentElement;
      if (host && host.localName === 'conpar-embed') host.style.height = height + 'px';
    }
  }
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || data.ns !== 'conpar' || data.kind !== 'height' || typeof data.height !== 'number') return;
    var frames = document.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      wanted.set(frame, Math.max(120, Math.min(5000, Math.ceil(data.height))));
      if (observer && !visible.has(frame)) {
        // Until the observer's first answer, treat the frame as in view.
        visible.set(frame, true);
        observer.observe(frame);
      }
      apply(frame);
    }
  });

  // <conpar-embed src="…" title="…" height="N" [poster="…"] [load="near"]>: a light stand-in
  // for the frame, as lite-youtube-embed is for a video's. At the frame's final height (its
  // style reserves it before this script runs) it shows the poster, the caption and one button;
  // the frame is created in its place when the reader presses the button (or, with load="near",
  // when the element comes within 300 px of the screen), at the same height, so nothing moves.
  // Without script the element's content, a link to the demo, is what readers get.
  if (!('customElements' in window) || customElements.get('conpar-embed')) return;
  var STYLE = ':host{display:block;position:relative;overflow:hidden;border-radius:8px;background:#f6f8fa;color:#1b1f24;font:14px/1.4 system-ui,sans-serif}' +
    '.facade{position:absolute;inset:0;display:flex;flex-direction:column}' +
    '.facade[hidden]{display:none}' +
    'img{flex:1 1 auto;min-height:0;width:100%;object-fit:contain;object-position:top;background:#fff}' +
    '.bar{display:flex;align-items:center;gap:10px;padding:8px 10px;border-top:1px solid #d8dee4}' +
    '.caption{flex:1 1 auto;min-width:0;margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}' +
    'button{flex:0 0 auto;min-height:44px;padding:8px 16px;border:0;border-radius:6px;background:#0a5fb4;color:#fff;font:inherit;font-weight:600;cursor:pointer}' +
    'button:focus-visible{outline:3px solid #e69f00;outline-offset:2px}' +
    '.empty{flex:1 1 auto;display:flex;align-items:center;justify-content:center;padding:16px;text-align:center;color:#57606a}' +
    '@media (prefers-color-scheme: dark){:host{background:#161b22;color:#e6edf3}.bar{border-top-color:#30363d}.empty{color:#9aa5b1}button{background:#4493f8;color:#0d1117}}';
  var sheet = null;
  function heightOf(el) {
    var n = parseInt(el.getAttribute('height'), 10);
    return isFinite(n) ? Math.max(120, Math.min(5000, n)) : 500;
  }
  class ConparEmbed extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var height = heightOf(this);
      this.style.display = 'block';
      this.style.height = height + 'px';
      var title = this.getAttribute('title') || 'conpar demo';
      var root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<div class="facade"></div><slot name="frame"></slot>';
      // A constructed stylesheet, which a page's Content-Security-Policy without
      // 'unsafe-inline' allows (a <style> element it would refuse); <style> where there is none.
      if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
        sheet = sheet || new CSSStyleSheet();
        if (!sheet.cssRules.length) sheet.replaceSync(STYLE);
        root.adoptedStyleSheets = [sheet];
      } else {
        var style = document.createElement('style');
        style.textContent = STYLE;
        root.insertBefore(style, root.firstChild);
      }
      var facade = root.querySelector('.facade');
      var poster = this.getAttribute('poster');
      if (poster) {
        var img = document.createElement('img');
        img.alt = '';
        img.decoding = 'async';
        // A poster far below the screen is drawn when the reader scrolls near it (an SVG of a
        // long run is thousands of shapes to rasterise).
        img.loading = 'lazy';
        img.src = poster;
        facade.appendChild(img);
      } else {
        var empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = 'Python\u2019s threads, asyncio and processes, run for real in your browser.';
        facade.appendChild(empty);
      }
      var bar = document.createElement('div');
      bar.className = 'bar';
      var caption = document.createElement('p');
      caption.className = 'caption';
      caption.textContent = title.replace(/^conpar: /, '');
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = '\u25B6 Load the demo';
      button.setAttribute('aria-label', 'Load the demo: ' + title);
      var self = this;
      button.addEventListener('click', function () { self.load(true); });
      bar.appendChild(caption);
      bar.appendChild(button);
      facade.appendChild(bar);
      this.facade = facade;
      if (this.getAttribute('load') === 'near' && 'IntersectionObserver' in window) {
        var near = new IntersectionObserver(function (entries) {
          if (entries.some(function (e) { return e.isIntersecting; })) { near.disconnect(); self.load(false); }
        }, { rootMargin: '300px 0px' });
        near.observe(this);
      }
    }
    // Creates the frame in the element's place, at its height; `focus`: the reader pressed the
    // button, so the keyboard's focus goes into the demo with it.
    load(focus) {
      if (this.frame || !this.getAttribute('src')) return;
      var frame = document.createElement('iframe');
      frame.src = this.getAttribute('src');
      frame.title = this.getAttribute('title') || 'conpar demo';
      frame.width = '100%';
      frame.height = String(heightOf(this));
      frame.setAttribute('slot', 'frame');
      frame.style.cssText = 'border:0;display:block;width:100%;max-width:100%;height:' + heightOf(this) + 'px';
      this.frame = frame;
      this.appendChild(frame);
      this.facade.hidden = true;
      this.setAttribute('data-loaded', '');
      if (focus) {
        // The reader asked for the demo: all of it comes into view (a live demo starts its
        // workers once its timeline is seen), and the keyboard's focus goes into it.
        this.scrollIntoView({ block: 'nearest' });
        frame.focus({ preventScroll: true });
      }
    }
  }
  customElements.define('conpar-embed', ConparEmbed);
})();
