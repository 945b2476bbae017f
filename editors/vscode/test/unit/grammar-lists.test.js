'use strict';
// The names the TextMate grammar knows must be the language's: the keywords of
// grammar/dunning.pest, and the facts, actions, settings and types of the README's language
// reference. A fact added to the language without its line in the grammar fails here.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..', '..');
const grammar = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'syntaxes', 'dunning.tmLanguage.json'), 'utf8'),
);
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pest = fs.readFileSync(path.join(root, 'grammar', 'dunning.pest'), 'utf8');

/** The words of a one-line list entry: `\b(a|b|c)\b`. */
function grammarList(entry) {
  const rule = grammar.repository[entry];
  assert.ok(rule, `the grammar has a \`${entry}\` entry`);
  const match = /^\\b\(([a-z_|]+)\)\\b$/.exec(rule.match);
  assert.ok(match, `\`${entry}\` is a one-line list \\b(a|b|…)\\b, found ${rule.match}`);
  return match[1].split('|').sort();
}

/** The backquoted words in the first column of the first table under a README heading. */
function readmeTable(heading) {
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `the README has a "${heading}" section`);
  const lines = readme.slice(start).split('\n').slice(2);
  const firstRow = lines.findIndex((line) => line.startsWith('|'));
  const names = [];
  for (const line of lines.slice(firstRow + 2)) {
    if (!line.startsWith('|')) {
      break;
    }
    const cell = /^\|\s*`([a-z_]+)`\s*\|/.exec(line);
    if (cell) {
      names.push(cell[1]);
    }
  }
  assert.ok(names.length > 0, `the table under "${heading}" has names`);
  return names.sort();
}

test('facts are the README facts', () => {
  assert.deepEqual(grammarList('facts'), readmeTable('### Facts'));
});

test('actions are the README actions', () => {
  assert.deepEqual(grammarList('actions'), readmeTable('### Actions'));
});

test('settings are the README settings', () => {
  assert.deepEqual(grammarList('settings'), readmeTable('### Settings reference'));
});

test('attribute types are the README types', () => {
  assert.deepEqual(grammarList('types'), readmeTable('#### Attributes'));
});

test('keywords are the reserved words of grammar/dunning.pest', () => {
  const block = /^keyword = @\{([\s\S]*?)\n\}/m.exec(pest);
  assert.ok(block, 'grammar/dunning.pest has a `keyword` rule');
  // The rule branches on the first letter (`"w" ~ ("hen" | "ith")`): each line gives its
  // initial followed by each of its endings.
  const reserved = [...block[1].matchAll(/"([a-z])" ~ ([^\n]*)/g)]
    .flatMap((m) => [...m[2].matchAll(/"([a-z_]+)"/g)].map((e) => m[1] + e[1]))
    .sort();
  assert.equal(reserved.length, 21, `21 reserved words in the keyword rule, found ${reserved}`);
  const lists = ['statement-keywords', 'control-keywords', 'other-keywords', 'operator-keywords', 'today', 'true', 'false'];
  assert.deepEqual(lists.flatMap(grammarList).sort(), reserved);
});

test('every include points at a repository entry', () => {
  const missing = [];
  const visit = (node) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      if (typeof node.include === 'string' && node.include.startsWith('#')) {
        if (!(node.include.slice(1) in grammar.repository)) {
          missing.push(node.include);
        }
      }
      Object.values(node).forEach(visit);
    }
  };
  visit(grammar);
  assert.deepEqual(missing, []);
});
