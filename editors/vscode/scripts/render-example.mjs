// Renders a policy to a standalone HTML page with shiki and THIS extension's TextMate grammar, in
// VS Code's Light+ colours: the picture in the README shows what the extension highlights.
//
//   node scripts/render-example.mjs [POLICY] [OUT.html]
//
// Prints the window size (`WIDTH,HEIGHT`) that fits the page, for the screenshot step
// (scripts/render-example.sh).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHighlighter } from 'shiki';

const here = path.dirname(fileURLToPath(import.meta.url));
const extension = path.join(here, '..');
const policy = process.argv[2] ?? path.join(extension, '..', '..', 'policies', 'french_b2b.dunning');
const out = process.argv[3] ?? path.join(extension, 'out', 'policy-highlighted.html');

const THEME = 'light-plus';
const FONT_PX = 13;
const LINE_PX = 18;
const CHAR_PX = 7.9; // DejaVu Sans Mono at 13px, with a little slack
const PADDING_PX = 16;
const TITLE_PX = 30;

const grammar = JSON.parse(fs.readFileSync(path.join(extension, 'syntaxes', 'dunning.tmLanguage.json'), 'utf8'));
const highlighter = await createHighlighter({ themes: [THEME], langs: [{ ...grammar, name: 'dunning' }] });

const source = fs.readFileSync(policy, 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, '');
const code = highlighter.codeToHtml(source, { lang: 'dunning', theme: THEME });
const name = path.basename(policy);
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(name)}</title>
<style>
  html, body { margin: 0; background: #ffffff; }
  .title { height: ${TITLE_PX}px; padding: 0 ${PADDING_PX}px; background: #f3f3f3; border-bottom: 1px solid #e5e5e5;
           color: #333333; font: 12px/${TITLE_PX}px "DejaVu Sans", sans-serif; }
  pre.shiki { margin: 0; padding: ${PADDING_PX / 2}px ${PADDING_PX}px; }
  pre.shiki, pre.shiki code { font: ${FONT_PX}px/${LINE_PX}px "DejaVu Sans Mono", monospace; }
</style>
</head>
<body>
<div class="title">${escape(name)}</div>
${code}
</body>
</html>
`;

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, page);

const lines = source.split('\n');
const widest = Math.max(...lines.map((line) => [...line].length));
const width = Math.ceil(widest * CHAR_PX + 2 * PADDING_PX);
const height = TITLE_PX + 1 + lines.length * LINE_PX + 2 * PADDING_PX;
console.log(`${width},${height}`);
