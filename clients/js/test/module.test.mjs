// The module itself: browser-loadable (no static Node imports) and its .d.ts in step with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as kit from '../axpsim.mjs';

const source = readFileSync(new URL('../axpsim.mjs', import.meta.url), 'utf8');
const types = readFileSync(new URL('../axpsim.d.ts', import.meta.url), 'utf8');

test('no static import: a browser can load the module (startAxpsim imports Node modules when called)', () => {
  assert.doesNotMatch(source, /^\s*import\s[^(]/m);
  assert.doesNotMatch(source, /\brequire\(/);
});

test('axpsim.d.ts declares every export and every public method', () => {
  for (const name of Object.keys(kit)) assert.match(types, new RegExp(`export (const|function|class) ${name}\\b`), name);
  for (const cls of [kit.AxpsimClient, kit.ChatCustomer]) {
    const body = types.slice(types.indexOf(`export class ${cls.name} {`));
    const block = body.slice(0, body.indexOf('\n}\n'));
    for (const method of Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor')) {
      assert.match(block, new RegExp(`\\n  ${method}\\(`), `${cls.name}.${method}`);
    }
  }
});
