// Starts the Custos app. Trunk would otherwise inline this in index.html, which the
// Content-Security-Policy (script-src 'self') forbids. Trunk fills in the hashed file names
// as data attributes of the <script> tag that loads this file (Trunk.toml, pattern_script).
const tag = document.querySelector("script[data-js][data-wasm]");
if (tag) {
  const js = new URL(tag.dataset.js, document.baseURI).href;
  const wasm = new URL(tag.dataset.wasm, document.baseURI).href;
  const { default: init } = await import(js);
  await init({ module_or_path: wasm });
}
