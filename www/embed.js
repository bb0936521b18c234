// Optional helper for pages that embed conpar: sizes each conpar iframe to the height its
// content reports. Include once with <script src=".../embed.js" defer></script>.
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.ns !== 'conpar' || data.kind !== 'height' || typeof data.height !== 'number') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) {
      frame.style.height = `${Math.max(120, Math.min(5000, Math.ceil(data.height)))}px`;
    }
  }
});
