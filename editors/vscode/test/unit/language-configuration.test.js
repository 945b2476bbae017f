'use strict';
// The editing rules of language-configuration.json, checked on lines of real policies: Enter after
// an unfinished rule indents (a continuation line), Enter after the line that finishes it goes back
// to the first column.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const extension = path.join(__dirname, '..', '..');
const config = JSON.parse(fs.readFileSync(path.join(extension, 'language-configuration.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));

/** What VS Code does on Enter at the end of `line`: the action of the first rule that matches. */
function onEnter(line) {
  const rule = config.onEnterRules.find((r) => new RegExp(r.beforeText).test(line));
  return rule ? rule.action.indent : 'keep';
}

test('Enter after an unfinished rule starts a continuation line', () => {
  assert.equal(onEnter('rule penalties_letter: when overdue >= 20d'), 'indent');
  assert.equal(onEnter('when overdue >= 30d'), 'indent');
  assert.equal(new RegExp(config.indentationRules.increaseIndentPattern).test('rule agency: when overdue >= 60d'), true);
});

test('Enter after a finished statement stays in the first column', () => {
  assert.equal(onEnter('rule first_reminder: when overdue >= 2d then email template "relance-1"'), 'keep');
  assert.equal(onEnter('set cooldown = 7d'), 'keep');
  assert.equal(onEnter('pause insolvency when insolvent'), 'keep');
  assert.equal(onEnter('rule late: when overdue >= 10d  # then a call'), 'keep');
  assert.equal(onEnter('# when overdue >= 10d'), 'keep');
});

test('Enter after the continuation line that ends a statement goes back to the first column', () => {
  assert.equal(onEnter('    then registered_letter template "relance-penalites"'), 'outdent');
  assert.equal(onEnter('\tthen call'), 'outdent');
  assert.equal(onEnter('    and segment in [strategic, key]  # the big ones'), 'outdent');
});

test('Enter inside a long condition keeps the continuation indent', () => {
  assert.equal(onEnter('    and segment in [strategic, key]'), 'keep');
});

test('a statement keyword typed on a continuation line goes back to the first column', () => {
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.equal(decrease.test('    rule'), true);
  assert.equal(decrease.test('    set'), true);
  assert.equal(decrease.test('    and rules_count > 2'), false);
  assert.equal(decrease.test('    when overdue > 1d'), false);
});

test('comments, brackets and quotes', () => {
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [['[', ']'], ['(', ')']]);
  assert.ok(config.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
});

test('the manifest points at files that exist, with the grammar scope it declares', () => {
  const [language] = manifest.contributes.languages;
  const [grammar] = manifest.contributes.grammars;
  assert.equal(language.id, 'dunning');
  assert.deepEqual(language.extensions, ['.dunning']);
  assert.equal(grammar.language, 'dunning');
  assert.ok(fs.existsSync(path.join(extension, language.configuration)));
  assert.ok(fs.existsSync(path.join(extension, manifest.main)));
  const tm = JSON.parse(fs.readFileSync(path.join(extension, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName);
  assert.equal(manifest.contributes.configuration.properties['dunning.path'].default, 'dunning');
});
