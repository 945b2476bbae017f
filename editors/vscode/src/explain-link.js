'use strict';
// The links from a diagnostic's code to its `--explain` text. The extension asks the server for
// them (the initialization option `explainLinks`); the server then gives each code the link
// `dunning-explain:CODE`, and the extension shows what `dunning check --explain CODE` prints. No
// `vscode` import here: the unit tests run it under plain Node.

/** The URI scheme of the links. */
const SCHEME = 'dunning-explain';

/** A code in full, as the server writes it: `dunning::check::unknown-fact`. */
const CODE = /^dunning(?:::[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

/**
 * The code a link names, or `undefined` when it is not a link of this scheme naming a code (so
 * that nothing else reaches the command line).
 *
 * @param {string | { scheme: string, path: string }} uri a `vscode.Uri` (its path already
 *   decoded) or the link as text
 * @returns {string | undefined}
 */
function codeFromUri(uri) {
  let scheme;
  let path;
  if (typeof uri === 'string') {
    const colon = uri.indexOf(':');
    if (colon < 0) {
      return undefined;
    }
    scheme = uri.slice(0, colon);
    try {
      path = decodeURIComponent(uri.slice(colon + 1));
    } catch {
      return undefined;
    }
  } else if (uri && typeof uri.scheme === 'string' && typeof uri.path === 'string') {
    ({ scheme, path } = uri);
  } else {
    return undefined;
  }
  if (scheme.toLowerCase() !== SCHEME || !CODE.test(path)) {
    return undefined;
  }
  return path;
}

/**
 * The arguments that print a code's explanation: `dunning check --explain CODE`.
 *
 * @param {string} code
 * @returns {string[]}
 */
function explainArgs(code) {
  return ['check', '--explain', code];
}

module.exports = { SCHEME, codeFromUri, explainArgs };
