'use strict';
// Activates extension.js against a stand-in `vscode` module (VS Code itself cannot run here) to
// check what a user sees when the binary is missing: one error naming the setting, and no server.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

/** A `vscode` module with the calls the extension makes recorded, and inert stand-ins elsewhere. */
function fakeVscode(settings) {
  const seen = { errors: [], commands: [], lines: [] };
  const inert = () =>
    new Proxy(function () {}, {
      get: (_target, key) => (key === 'then' ? undefined : inert()),
      apply: () => inert(),
      construct: () => inert(),
    });
  const api = {
    window: {
      createOutputChannel: () => ({ appendLine: (line) => seen.lines.push(line), dispose() {} }),
      showErrorMessage: (message) => {
        seen.errors.push(message);
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (name) => {
        seen.commands.push(name);
        return { dispose() {} };
      },
      executeCommand: () => Promise.resolve(),
    },
    workspace: {
      getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      workspaceFolders: undefined,
    },
  };
  const vscode = new Proxy(api, { get: (target, key) => (key in target ? target[key] : inert()) });
  return { vscode, seen };
}

function loadExtension(vscode) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
  try {
    const file = require.resolve('../../extension.js');
    delete require.cache[file];
    return require(file);
  } finally {
    Module._resolveFilename = resolve;
  }
}

test('a missing binary gives one error naming `dunning.path`, and no server', async () => {
  const { vscode, seen } = fakeVscode({ 'dunning.path': '/nonexistent/dunning' });
  const extension = loadExtension(vscode);
  const subscriptions = [];
  await extension.activate({ subscriptions });
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /language server \(`dunning lsp`\) could not start/);
  assert.match(seen.errors[0], /`\/nonexistent\/dunning` \(the `dunning.path` setting\) does not exist/);
  assert.match(seen.lines.join('\n'), /not starting the language server/);
  await extension.deactivate();
});

test('the commands the extension registers are the ones its manifest declares', async () => {
  const { vscode, seen } = fakeVscode({ 'dunning.path': '/nonexistent/dunning' });
  const extension = loadExtension(vscode);
  await extension.activate({ subscriptions: [] });
  assert.deepEqual(seen.commands, manifest.contributes.commands.map((c) => c.command));
  await extension.deactivate();
});
