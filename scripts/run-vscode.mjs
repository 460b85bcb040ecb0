// npm start: builds the extension and opens it in a real VS Code on the bundled examples.
// With a desktop `code` on PATH it runs an Extension Development Host; otherwise it serves
// code-server on 127.0.0.1 (the only VS Code these machines can install) and prints the URL.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CODE_SERVER_ENTRY, NODE24, ROOT, serveArgs } from './e2e/paths.mjs';
import {
  cleanEnvironment,
  ensureNpmDependencies,
  requireDebianPackages,
} from './setup/dependencies.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const examples = join(ROOT, 'media', 'examples');

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, env: cleanEnvironment() });
  if (result.status !== 0) {
    console.error(`npm start stopped: \`${[command, ...args].join(' ')}\` failed.`);
    process.exit(result.status ?? 1);
  }
}

function step(message) {
  console.log(`\n== ${message}`);
}

ensureNpmDependencies(ROOT);

const hasDesktopCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDesktopCode) {
  step('Building the extension');
  run('npm', ['run', 'build']);
  run('code', [`--extensionDevelopmentPath=${ROOT}`, examples]);
  process.exit(0);
}

requireDebianPackages(['libkrb5-dev']);
step('Building and packaging the extension (dist/rnn-explorer.vsix)');
run('npm', ['run', 'package']);
step('Installing code-server, VS Code served to a browser (about 2 minutes the first time)');
run('bash', [join(ROOT, 'scripts', 'e2e', 'setup-code-server.sh')]);
const dev = join(ROOT, '.e2e', 'dev');
const common = ['--user-data-dir', join(dev, 'data'), '--extensions-dir', join(dev, 'extensions')];
mkdirSync(join(dev, 'data', 'User'), { recursive: true });
writeFileSync(
  join(dev, 'data', 'User', 'settings.json'),
  JSON.stringify(
    {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      // The examples sit inside this repository; no need to offer it as a git repository.
      'git.openRepositoryInParentFolders': 'never',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    null,
    2,
  ),
);
step('Installing the extension into code-server');
run(NODE24, [
  CODE_SERVER_ENTRY,
  ...common,
  '--install-extension',
  join(ROOT, 'dist', 'rnn-explorer.vsix'),
  '--force',
]);
const url = `http://127.0.0.1:${values.port}/?folder=${encodeURIComponent(examples)}`;
console.log(
  `\nRNN Explorer is running in VS Code (code-server). Open ${url}\nPress Ctrl+C to stop.\n`,
);
const server = spawn(NODE24, serveArgs(values.port, common, examples), {
  stdio: 'inherit',
  env: cleanEnvironment(),
});
process.on('SIGINT', () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));
