'use strict';
// Activates extension.js against a stand-in `vscode` module (VS Code itself cannot run here) to
// check what a user sees when the binary is missing: one error naming the setting, and no server;
// and what a `dunning-explain:` link opens.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

/** A `vscode` module with the calls the extension makes recorded, and inert stand-ins elsewhere. */
function fakeVscode(settings) {
  const seen = { errors: [], commands: [], lines: [], providers: {} };
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
      registerTextDocumentContentProvider: (scheme, provider) => {
        seen.providers[scheme] = provider;
        return { dispose() {} };
      },
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

/** A stand-in `dunning` binary: a shell script with this body. */
function fakeBinary(body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dunning-explain-'));
  const exe = path.join(dir, 'dunning');
  fs.writeFileSync(exe, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(exe, 0o755);
  return exe;
}

/** The text the extension shows for a link, with `dunning.path` set to `binary`. */
async function openLink(binary, uri) {
  // Activated without a binary (no language client, which needs VS Code), then given one.
  const settings = { 'dunning.path': '/nonexistent/dunning' };
  const { vscode, seen } = fakeVscode(settings);
  const extension = loadExtension(vscode);
  await extension.activate({ subscriptions: [] });
  settings['dunning.path'] = binary;
  const provider = seen.providers['dunning-explain'];
  assert.ok(provider, 'a content provider for dunning-explain: links');
  const text = await provider.provideTextDocumentContent(uri);
  await extension.deactivate();
  return text;
}

const SHADOWED = { scheme: 'dunning-explain', path: 'dunning::check::shadowed' };

test('a dunning-explain link shows what `dunning check --explain CODE` prints', { skip: process.platform === 'win32' }, async () => {
  const binary = fakeBinary('printf "%s|" "$@"');
  assert.equal(await openLink(binary, SHADOWED), 'check|--explain|dunning::check::shadowed|');
});

test('a failing or missing binary, or a link that names no code, is said in the document', { skip: process.platform === 'win32' }, async () => {
  const failing = fakeBinary('echo "error: no diagnostic code" >&2; exit 2');
  assert.match(
    await openLink(failing, SHADOWED),
    /check --explain dunning::check::shadowed` failed: error: no diagnostic code/,
  );
  assert.match(
    await openLink('/nonexistent/dunning', SHADOWED),
    /`\/nonexistent\/dunning` \(the `dunning.path` setting\) does not exist/,
  );
  const never = fakeBinary('echo ran; exit 1');
  assert.equal(
    await openLink(never, { scheme: 'dunning-explain', path: '--help' }),
    '`--help` is not a dunning diagnostic code.\n',
  );
});

test('the client asks the server for the links it opens', () => {
  const { vscode } = fakeVscode({});
  const extension = loadExtension(vscode);
  assert.deepEqual(extension.clientOptions(undefined).initializationOptions, { explainLinks: true });
});
