'use strict';
// The VS Code client of the dunning language server: it starts `dunning lsp` over stdio for
// `.dunning` files. Highlighting comes from the TextMate grammar alone and works without the
// server; everything else (diagnostics, completion, hover, formatting…) comes from the server.
// A diagnostic's code links to `dunning-explain:CODE`, which opens what `dunning check --explain
// CODE` prints, as a read-only document.

const { execFile } = require('child_process');
const vscode = require('vscode');
const { LanguageClient, TransportKind, CloseAction, ErrorAction } = require('vscode-languageclient/node');
const { SCHEME, codeFromUri, explainArgs } = require('./src/explain-link');
const { resolveServerPath } = require('./src/server-path');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel('Dunning');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('dunning.restartServer', restart),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: explain }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dunning.path')) {
        restart();
      }
    }),
  );
  await start();
}

async function deactivate() {
  await stop();
}

async function restart() {
  await stop();
  await start();
}

/** The `dunning` binary the `dunning.path` setting names, or why there is none. */
function findBinary() {
  const setting = vscode.workspace.getConfiguration('dunning').get('path');
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return resolveServerPath(setting, { base });
}

/**
 * The text of a `dunning-explain:CODE` document: what `dunning check --explain CODE` prints, or
 * why it could not be run (the document is where the user looks for it).
 *
 * @param {{ scheme: string, path: string }} uri
 * @returns {Promise<string>}
 */
function explain(uri) {
  const code = codeFromUri(uri);
  if (code === undefined) {
    return Promise.resolve(`\`${uri.path}\` is not a dunning diagnostic code.\n`);
  }
  const found = findBinary();
  if ('error' in found) {
    return Promise.resolve(
      `The explanation of ${code} comes from \`dunning check --explain ${code}\`, which could not run: ` +
        `${found.error}. Install dunning or set \`dunning.path\` to the binary.\n`,
    );
  }
  return new Promise((resolve) => {
    execFile(found.command, explainArgs(code), { timeout: 10000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const why = String(stderr).trim() || error.message;
        resolve(`\`${found.command} check --explain ${code}\` failed: ${why}\n`);
      } else {
        resolve(String(stdout));
      }
    });
  });
}

/**
 * The language client's options: `.dunning` files, and the links of codes to their explanation
 * (which only a client that opens `dunning-explain:` links asks for).
 */
function clientOptions(errorHandler) {
  return {
    documentSelector: [
      { scheme: 'file', language: 'dunning' },
      { scheme: 'untitled', language: 'dunning' },
    ],
    initializationOptions: { explainLinks: true },
    outputChannel: output,
    errorHandler,
  };
}

async function start() {
  const found = findBinary();
  if ('error' in found) {
    output?.appendLine(`not starting the language server: ${found.error}`);
    showError(
      `Dunning: the language server (\`dunning lsp\`) could not start: ${found.error}. ` +
        'Install dunning (`cargo install --path .` in its repository) or set `dunning.path` to the binary. ' +
        'Highlighting works without it.',
    );
    return;
  }

  let started = false;
  let fallback;
  const errorHandler = {
    error: (error, message, count) =>
      fallback ? fallback.error(error, message, count) : { action: ErrorAction.Shutdown },
    closed: () => {
      if (!started) {
        // The binary ran but stopped before answering `initialize`: most likely a `dunning` built
        // before the language server existed (it then prints its usage and exits).
        return {
          action: CloseAction.DoNotRestart,
          message:
            `Dunning: \`${found.command} lsp\` stopped before the language server started; ` +
            'this `dunning` may be too old to have `dunning lsp`. What it printed is in the Dunning output.',
        };
      }
      return fallback.closed();
    },
  };

  client = new LanguageClient(
    'dunning',
    'Dunning',
    { command: found.command, args: ['lsp'], transport: TransportKind.stdio },
    clientOptions(errorHandler),
  );
  fallback = client.createDefaultErrorHandler(4);
  try {
    await client.start();
    started = true;
    output?.appendLine(`language server started: ${found.command} lsp`);
  } catch (error) {
    output?.appendLine(`the language server failed to start: ${error instanceof Error ? error.message : error}`);
    const failed = client;
    client = undefined;
    failed?.dispose().catch(() => {});
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // Already stopped (it may have crashed): nothing left to do.
    }
  }
}

function showError(message) {
  vscode.window.showErrorMessage(message, 'Open Settings').then((choice) => {
    if (choice === 'Open Settings') {
      vscode.commands.executeCommand('workbench.action.openSettings', 'dunning.path');
    }
  });
}

module.exports = { activate, deactivate, clientOptions };
