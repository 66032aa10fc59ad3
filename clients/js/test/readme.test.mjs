// The README examples are the files the tests run: each ```js / ```python block that follows a
// `<!-- example: PATH -->` marker in README.md must equal that file, verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every `<!-- example: path -->` + fenced block of a Markdown file. */
export function examples(markdown) {
  const found = [];
  const pattern = /<!-- example: (\S+) -->\s*\n```[a-z]*\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern)) found.push({ path: match[1], code: match[2] });
  return found;
}

for (const readme of ['README.md', 'clients/js/README.md']) {
  test(`${readme}: its examples are the tests' files`, () => {
    const found = examples(readFileSync(root + readme, 'utf8'));
    assert.ok(found.length > 0, `${readme} has examples marked <!-- example: PATH -->`);
    for (const { path, code } of found) assert.equal(code, readFileSync(root + path, 'utf8'), `${readme}: ${path}`);
  });
}
