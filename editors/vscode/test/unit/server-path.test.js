'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveServerPath } = require('../../src/server-path');

function sandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunning-path-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const exe = path.join(bin, 'dunning');
  fs.writeFileSync(exe, '#!/bin/sh\n');
  fs.chmodSync(exe, 0o755);
  return { dir, bin, exe };
}

test('the default name is looked up on the PATH', () => {
  const { bin, exe } = sandbox();
  const env = { PATH: ['/nonexistent', bin].join(path.delimiter) };
  assert.deepEqual(resolveServerPath(undefined, { env }), { command: exe });
  assert.deepEqual(resolveServerPath('', { env }), { command: exe });
  assert.deepEqual(resolveServerPath('  dunning ', { env }), { command: exe });
});

test('a name missing from the PATH is reported by name', () => {
  const { bin } = sandbox();
  const found = resolveServerPath('dunning-nightly', { env: { PATH: bin } });
  assert.deepEqual(found, { error: '`dunning-nightly` was not found on the PATH' });
});

test('a file that is not executable is skipped on the PATH', { skip: process.platform === 'win32' }, () => {
  const { bin, exe } = sandbox();
  fs.chmodSync(exe, 0o644);
  assert.ok('error' in resolveServerPath('dunning', { env: { PATH: bin } }));
});

test('a path is taken as is, relative to the workspace folder', () => {
  const { dir, exe } = sandbox();
  assert.deepEqual(resolveServerPath(exe, { env: {} }), { command: exe });
  assert.deepEqual(resolveServerPath('./bin/dunning', { env: {}, base: dir }), { command: exe });
});

test('a missing or non-executable path says which and names the setting', () => {
  const { dir, bin } = sandbox();
  const missing = path.join(dir, 'target', 'debug', 'dunning');
  assert.deepEqual(resolveServerPath(missing, { env: {} }), {
    error: `\`${missing}\` (the \`dunning.path\` setting) does not exist`,
  });
  assert.deepEqual(resolveServerPath(bin, { env: {} }), {
    error: `\`${bin}\` (the \`dunning.path\` setting) is not an executable file`,
  });
});

test('~/ is the home folder', () => {
  const found = resolveServerPath('~/no-such-dir/dunning', { env: {} });
  assert.deepEqual(found, {
    error: `\`${path.join(os.homedir(), 'no-such-dir', 'dunning')}\` (the \`dunning.path\` setting) does not exist`,
  });
});
