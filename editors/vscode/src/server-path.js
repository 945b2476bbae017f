'use strict';
// Finds the `dunning` binary before the client starts it, so that a missing binary gets one clear
// message naming the setting to change, instead of the language client's generic spawn error and
// restart loop. No `vscode` import here: the unit tests run it under plain Node.

const fs = require('fs');
const os = require('os');
const path = require('path');

const DEFAULT_COMMAND = 'dunning';

/**
 * Resolves the `dunning.path` setting to an executable file.
 *
 * A bare name (the default, `dunning`) is looked up on the PATH, as a shell would; a path with a
 * slash is taken as is, `~/` meaning the home folder and a relative path being relative to `base`
 * (the first workspace folder), so `./target/debug/dunning` works inside a clone of dunning.
 *
 * @param {string | undefined} setting the value of `dunning.path`
 * @param {{ env?: NodeJS.ProcessEnv, base?: string, platform?: NodeJS.Platform }} [options]
 * @returns {{ command: string } | { error: string }}
 */
function resolveServerPath(setting, options = {}) {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const wanted = typeof setting === 'string' && setting.trim() !== '' ? setting.trim() : DEFAULT_COMMAND;

  if (isPath(wanted, platform)) {
    const expanded = wanted === '~' || wanted.startsWith('~/') ? path.join(os.homedir(), wanted.slice(1)) : wanted;
    const full = path.resolve(options.base ?? process.cwd(), expanded);
    if (!fs.existsSync(full)) {
      return { error: `\`${full}\` (the \`dunning.path\` setting) does not exist` };
    }
    if (!isExecutableFile(full, platform)) {
      return { error: `\`${full}\` (the \`dunning.path\` setting) is not an executable file` };
    }
    return { command: full };
  }

  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((dir) => dir !== '');
  const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, wanted + extension);
      if (isExecutableFile(candidate, platform)) {
        return { command: candidate };
      }
    }
  }
  return { error: `\`${wanted}\` was not found on the PATH` };
}

function isPath(command, platform) {
  return command.includes('/') || command === '~' || (platform === 'win32' && command.includes('\\'));
}

function isExecutableFile(file, platform) {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

module.exports = { resolveServerPath, DEFAULT_COMMAND };
