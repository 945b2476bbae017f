'use strict';
// The VS Code client of the dunning language server: it starts `dunning lsp` over stdio for
// `.dunning` files. Highlighting comes from the TextMate grammar alone and works without the
// server; everything else (diagnostics, completion, hover, formatting…) comes from the server.

const vscode = require('vscode');
const { LanguageClient, TransportKind, CloseAction, ErrorAction } = require('vscode-languageclient/node');
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

async function start() {
  const setting = vscode.workspace.getConfiguration('dunning').get('path');
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const found = resolveServerPath(setting, { base });
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
    {
      documentSelector: [
        { scheme: 'file', language: 'dunning' },
        { scheme: 'untitled', language: 'dunning' },
      ],
      outputChannel: output,
      errorHandler,
    },
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

module.exports = { activate, deactivate };
