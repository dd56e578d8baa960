// Lets a view ask for other parts of the page to reload without importing them
// (app.js decides how: it batches requests and reloads each area once).

let handler = () => {};

/** Registers the function that reloads areas ('board', 'context', …). */
export function onRefresh(fn) {
  handler = fn;
}

/** Asks for the named areas to be reloaded soon. */
export function refresh(...areas) {
  handler(areas);
}
