// A minimal Eleventy site that uses the conpar shortcode, built by
// tests/page/generators.test.mjs (the test copies it, puts the conpar site's address in its
// post, and runs Eleventy).
import conpar from '../conpar.js';

export default function (config) {
  config.addPlugin(conpar);
}

// Markdown is read as Nunjucks, so the shortcode takes its options as an object.
export const config = { markdownTemplateEngine: 'njk' };
