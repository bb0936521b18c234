// Layout shift as the browser scores it (the Layout Instability API): every document of a page,
// frames included, records its `layout-shift` entries from the first byte, and `shifts` reads
// the total of one document (shifts right after input excluded, as Lighthouse does) with what
// moved, so a failing test says which element jumped and by how much.
import { frames } from './browser.mjs';

/// Before anything loads: every document of `page` (and of its frames) starts recording.
export async function recordShifts(context) {
  await context.addInitScript(() => {
    window.__shifts = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.hadRecentInput) continue;
          window.__shifts.push({
            value: e.value,
            at: Math.round(e.startTime),
            moved: (e.sources || []).map((s) => {
              const n = s.node;
              const name = !n ? '?' : n.nodeType === 1
                ? `${n.localName}${n.id ? '#' + n.id : ''}${n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\s+/).join('.') : ''}`
                : `${n.nodeName}(${(n.textContent || '').slice(0, 30)})`;
              const a = s.previousRect; const b = s.currentRect;
              return `${name} ${Math.round(a.y)}→${Math.round(b.y)} h${Math.round(a.height)}→${Math.round(b.height)}`;
            }),
          });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    } catch (_) { /* no Layout Instability API: nothing recorded */ }
  });
}

/// The shifts one document has recorded so far, after two more frames have painted.
export async function shifts(target, page = target) {
  await frames(page, 2);
  const list = await target.evaluate(() => window.__shifts || []);
  return { score: list.reduce((s, e) => s + e.value, 0), list };
}

/// Slows the page's CPU `rate` times through the DevTools protocol, as Lighthouse's mobile
/// preset does (its frames run in the same renderer here, so they are slowed too).
export async function throttle(page, rate = 4) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}
