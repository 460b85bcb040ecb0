import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const nls: Record<string, string> = JSON.parse(read('package.nls.json'));

describe('package.json', () => {
  it('takes every user-facing string from package.nls.json, and nls has no stale keys', () => {
    const used = [...read('package.json').matchAll(/"%([^"%]+)%"/g)].map((m) => m[1] as string);
    for (const key of used) assert.ok(key in nls, `package.nls.json lacks ${key}`);
    for (const key of Object.keys(nls)) assert.ok(used.includes(key), `unused nls key ${key}`);
  });

  it('gives every command the RNN category and an icon, and registers it in the code', () => {
    const code = fs
      .readdirSync(path.join(ROOT, 'src', 'extension'), { recursive: true })
      .filter((f) => String(f).endsWith('.ts'))
      .map((f) => read(path.join('src', 'extension', String(f))))
      .join('\n');
    for (const command of pkg.contributes.commands) {
      assert.equal(nls[command.category.slice(1, -1)], 'RNN', command.command);
      assert.match(command.icon, /^\$\([a-z-]+\)$/, command.command);
      assert.ok(code.includes(`'${command.command}'`), `${command.command} is never registered`);
    }
  });

  it('points the walkthrough at files that ship', () => {
    for (const step of pkg.contributes.walkthroughs[0].steps) {
      assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown);
    }
  });
});
