import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  aptGetLine,
  cleanEnvironment,
  dependencyMismatch,
} from '../../scripts/setup/dependencies.mjs';

const made: string[] = [];
after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function project(locked: object, installed?: object): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-deps-'));
  made.push(root);
  fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ packages: locked }));
  if (installed) {
    fs.mkdirSync(path.join(root, 'node_modules'));
    fs.writeFileSync(
      path.join(root, 'node_modules', '.package-lock.json'),
      JSON.stringify({ packages: installed }),
    );
  }
  return root;
}

const LOCKED = {
  '': { name: 'rnn-explorer' },
  'node_modules/esbuild': { version: '0.28.2' },
  'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', optional: true },
};

describe('what npm start and npm test check first', () => {
  it('asks for npm ci on a fresh clone, with no node_modules', () => {
    assert.equal(dependencyMismatch(project(LOCKED)), 'node_modules is missing');
  });

  it('asks for npm ci when a package is missing or at another version', () => {
    assert.equal(dependencyMismatch(project(LOCKED, {})), 'node_modules/esbuild is not installed');
    assert.equal(
      dependencyMismatch(project(LOCKED, { 'node_modules/esbuild': { version: '0.27.0' } })),
      'node_modules/esbuild is 0.27.0, the lock file says 0.28.2',
    );
  });

  it("accepts a tree without other platforms' optional binaries", () => {
    const root = project(LOCKED, { 'node_modules/esbuild': { version: '0.28.2' } });
    assert.equal(dependencyMismatch(root), undefined);
  });

  it('matches this repository after its own install', () => {
    assert.equal(dependencyMismatch(path.resolve(import.meta.dirname, '..', '..')), undefined);
  });

  it("drops the parent npm's variables, the Node 20 user agent among them", () => {
    const saved = { ...process.env };
    try {
      process.env.npm_config_user_agent = 'npm/11.19.1 node/v20.20.2 linux x64';
      process.env.npm_lifecycle_event = 'start';
      process.env.NODE = '/usr/bin/node';
      const env: Record<string, string | undefined> = cleanEnvironment({ EXTRA: '1' });
      assert.equal(env.npm_config_user_agent, undefined);
      assert.equal(env.npm_lifecycle_event, undefined);
      assert.equal(env.NODE, undefined);
      assert.equal(env.PATH, process.env.PATH);
      assert.equal(env.EXTRA, '1');
    } finally {
      process.env = saved;
    }
  });

  it('names the exact apt-get line, with sudo only when not root', () => {
    assert.equal(
      aptGetLine(['chromium', 'clang'], true),
      'apt-get update && apt-get install -y --no-install-recommends chromium clang',
    );
    assert.equal(
      aptGetLine(['lld'], false),
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends lld',
    );
  });
});
