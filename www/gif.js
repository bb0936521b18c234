// The animated GIF of a run (the Embed dialog's and the Export menu's "Animated GIF",
// `window.conpar.gif()`), for sites that take a GIF but no iframe or SVG (Medium, Substack,
// dev.to). Loaded only when asked, with its encoder (gifenc, from npm), so the page's module
// carries neither. The frames are the core's stills of the animated SVG (src/core/drawing/
// export.rs, timeline_frames), drawn on a canvas here and encoded with one palette: taken from
// the last frame, which has every colour of the run, 255 colours at most, plus one index that
// means "as in the frame before", so each frame stores only what changed.
import { GIFEncoder, quantize, applyPalette } from './gifenc.esm.js';

/// An SVG's text as an image, decoded.
async function image(svg) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/// `frames`: [{svg, delay}] (ms), each `width` × `height` px. Returns the GIF's bytes.
export async function encode({ frames, width, height }) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const pixels = async (svg) => {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(await image(svg), 0, 0, width, height);
    return context.getImageData(0, 0, width, height).data;
  };
  const palette = quantize(await pixels(frames[frames.length - 1].svg), 255);
  const unchanged = palette.length;
  palette.push([255, 0, 255]);
  const gif = GIFEncoder();
  let before = null;
  for (const [i, frame] of frames.entries()) {
    const index = applyPalette(await pixels(frame.svg), palette);
    const kept = index.slice();
    if (before) {
      for (let p = 0; p < index.length; p += 1) if (index[p] === before[p]) index[p] = unchanged;
    }
    gif.writeFrame(index, width, height, {
      palette: i === 0 ? palette : undefined,
      delay: frame.delay,
      transparent: before !== null,
      transparentIndex: unchanged,
      dispose: 1,
      repeat: 0,
    });
    before = kept;
  }
  gif.finish();
  return gif.bytes();
}
