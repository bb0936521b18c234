// Optional helper for pages that embed conpar: sizes each conpar iframe to the height its
// content reports. Include once with <script src=".../embed.js" defer></script>.
//
// The snippet's iframe already starts at the embed's height, so a report usually changes
// nothing. When it does (a reader's browser that runs fewer models, other fonts), a frame that
// must grow grows at once, so nothing inside it is cut off; a frame that may shrink waits until
// it is out of view, so the post does not jump under the reader's eyes.
(function () {
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
})();
