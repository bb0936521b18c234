// Before any module loads: if nothing starts, say why instead of leaving a blank page.
(function () {
  function fail(text) {
    var box = document.getElementById('fatal');
    if (!box || !box.hidden) return;
    box.hidden = false;
    box.querySelector('p').textContent = text;
    document.documentElement.dataset.status = 'error';
  }
  window.conparFail = fail;
  // The view the address asks for, before the first paint: the embed's compact layout, a forced
  // theme, a transparent background. The app sets the same from its parsed scenario when it
  // starts; set here, nothing is drawn once in the full page's layout and then moved.
  var query = new URLSearchParams(location.search);
  var on = function (name) { var v = query.get(name); return v === '1' || v === 'true'; };
  var root = document.documentElement;
  if (on('embed')) root.classList.add('embed');
  if (on('transparent')) root.classList.add('transparent');
  // The Claims view: every card (claims=1) or one (claim=<id>, shown by the stylesheet's rule
  // for that id); the cards are in the page already.
  if (on('claims')) root.classList.add('claims-view');
  // predict=1: the question's block (or, in the Claims view, each card's guess) takes its room
  // before the first paint.
  if (on('predict')) root.classList.add('asking');
  var claim = query.get('claim');
  if (claim) root.setAttribute('data-claim', claim);
  // A run recorded elsewhere and carried in the link: its words, and Run reads "Run on this
  // device".
  if (/^#rec=/.test(location.hash)) root.classList.add('recorded', 'run-here');
  // The Settings disclosure opens before the first paint when the address names one of the
  // settings a newcomer does not need (the page opens it too once it starts, when
  // `Scenario::sets_more` finds one away from its default); the parser has not reached it yet,
  // so it is opened as it arrives, before anything is drawn.
  if (['start', 'limit', 'chunksize', 'switch', 'repeat', 'sweep', 'seed'].some(function (k) { return query.has(k); })) {
    var opener = new MutationObserver(function () {
      var box = document.getElementById('settings');
      if (!box) return;
      box.open = true;
      opener.disconnect();
    });
    opener.observe(root, { childList: true, subtree: true });
  }
  var theme = query.get('theme');
  if (theme === 'dark' || theme === 'light') root.setAttribute('data-theme', theme);
  // Hosts that cannot send COOP/COEP (GitHub Pages): a service worker adds them, then one
  // reload makes the page cross-origin isolated. Never in a frame (isolation needs the top
  // page), never twice in a row (no reload loops), never where headers already work.
  if (!window.crossOriginIsolated && window.top === window && 'serviceWorker' in navigator
      && window.isSecureContext && !/[?&]coi=0(&|$)/.test(location.search)) {
    navigator.serviceWorker.register('./coi-sw.js').then(function (reg) {
      var reloaded = sessionStorage.getItem('conpar-coi-reload');
      if (reloaded) { sessionStorage.removeItem('conpar-coi-reload'); return; }
      function reload() { sessionStorage.setItem('conpar-coi-reload', '1'); location.reload(); }
      if (navigator.serviceWorker.controller) reload();
      else navigator.serviceWorker.addEventListener('controllerchange', reload);
    }).catch(function () {});
  }
  // Only until the app runs (it reports its own errors after that), and only scripts: a
  // failed preload hint is not a failed load (the module loader reports those itself).
  window.addEventListener('error', function (e) {
    if (window.conparStarted || !e.target || e.target.tagName !== 'SCRIPT') return;
    fail('conpar could not load its code (' + (e.target.src || 'the page module') + '). Reload the page; if it persists, the site is missing files.');
  }, true);
  // A site's Content-Security-Policy that forbids what conpar needs: say which rule, at once.
  document.addEventListener('securitypolicyviolation', function (e) {
    if (window.conparStarted) return;
    fail('conpar was blocked by this site\'s Content-Security-Policy (' + e.effectiveDirective + ' refused '
      + (e.blockedURI || 'a script') + '). It needs script-src \'self\' \'wasm-unsafe-eval\' and worker-src \'self\' blob:.');
  });
  // Nothing at all after a while (a very slow network, an old browser that ignores modules).
  // The 15 s count only while conpar is loading: an embed begins when the reader scrolls to it
  // (a lazy frame near the fold loads its document long before), and www/loader.js pauses the
  // count while the page waits for another demo's turn (`conparLoading(false)`) and starts it
  // again when it loads (`conparLoading(true)`).
  var deadline = null;
  var begun = false;
  function arm() {
    clearTimeout(deadline);
    deadline = setTimeout(function () {
      if (!window.conparStarted)
        fail('conpar has not started after 15 s. Reload the page; if it persists, try a current browser.');
    }, 15000);
  }
  window.conparLoading = function (on) {
    begun = true;
    if (on === false) clearTimeout(deadline);
    else arm();
  };
  if (!on('embed') || !('IntersectionObserver' in window)) {
    arm();
  } else {
    // An embed's count starts when it comes into view, if the loader has not started it.
    var seen = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      seen.disconnect();
      if (!begun) arm();
    });
    document.addEventListener('DOMContentLoaded', function () { seen.observe(document.body); });
  }
})();
