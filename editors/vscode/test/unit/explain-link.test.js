'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { SCHEME, codeFromUri, explainArgs } = require('../../src/explain-link');

test('a link as the server writes it names its code', () => {
  assert.equal(SCHEME, 'dunning-explain');
  assert.equal(codeFromUri('dunning-explain:dunning::check::shadowed'), 'dunning::check::shadowed');
  assert.equal(codeFromUri('dunning-explain:dunning::syntax::not-utf8'), 'dunning::syntax::not-utf8');
  assert.equal(codeFromUri('dunning-explain:dunning::template::unknown-variable'), 'dunning::template::unknown-variable');
  // The scheme is case-insensitive (RFC 3986); VS Code writes the path's colons encoded.
  assert.equal(codeFromUri('Dunning-Explain:dunning::check::shadowed'), 'dunning::check::shadowed');
  assert.equal(codeFromUri('dunning-explain:dunning%3A%3Acheck%3A%3Ashadowed'), 'dunning::check::shadowed');
});

test('a vscode.Uri gives its scheme and its decoded path', () => {
  assert.equal(
    codeFromUri({ scheme: 'dunning-explain', path: 'dunning::check::unknown-fact' }),
    'dunning::check::unknown-fact',
  );
  assert.equal(codeFromUri({ scheme: 'file', path: 'dunning::check::unknown-fact' }), undefined);
});

test('anything but a code of this scheme is refused', () => {
  for (const uri of [
    'https://example.org/dunning#dunning-check-shadowed',
    'file:dunning::check::shadowed',
    'dunning-explain:',
    'dunning-explain:check::shadowed',
    'dunning-explain:shadowed',
    'dunning-explain:--help',
    'dunning-explain:dunning::check::shadowed --format json',
    'dunning-explain:dunning::check::shadowed#x',
    'dunning-explain:dunning::check::shadowed?x=1',
    'dunning-explain:dunning::check::Shadowed',
    'dunning-explain:dunning::check::shadowed-',
    'dunning-explain:dunning::check::',
    'dunning-explain:dunning%ZZ',
    'dunning-explain',
    '',
    undefined,
    null,
    42,
    { scheme: 'dunning-explain' },
  ]) {
    assert.equal(codeFromUri(uri), undefined, String(uri));
  }
});

test('the command is `dunning check --explain CODE`', () => {
  assert.deepEqual(explainArgs('dunning::check::shadowed'), ['check', '--explain', 'dunning::check::shadowed']);
});
