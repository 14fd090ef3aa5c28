/**
 * The browser entry point (bundled by scripts/build-ui.mjs into dist/ui/app.js): defines every custom element;
 * index.html holds the one <fw-app> element.
 */
import './app-shell.js';
