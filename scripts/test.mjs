// npm test: every test, in the order that fails fastest, on a fresh clone as on a worked-in one.
// It installs the npm dependencies and code-server where missing, and stops at once, with the
// apt-get line, when a Debian package is missing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './e2e/paths.mjs';
import {
  cleanEnvironment,
  ensureNpmDependencies,
  requireDebianPackages,
  TEST_PACKAGES,
} from './setup/dependencies.mjs';

const STEPS = [
  ['npm', ['run', 'typecheck']],
  ['npm', ['run', 'lint']],
  ['npm', ['run', 'test:kernel']],
  ['npm', ['run', 'test:unit']],
  ['npm', ['run', 'package']],
  ['bash', [join(ROOT, 'scripts', 'e2e', 'setup-code-server.sh')]],
  ['npm', ['run', 'test:webview']],
  ['npm', ['run', 'test:e2e']],
];

requireDebianPackages(TEST_PACKAGES);
ensureNpmDependencies(ROOT);
for (const [command, args] of STEPS) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: cleanEnvironment() });
  if (result.status !== 0) {
    console.error(`\nnpm test stopped: \`${[command, ...args].join(' ')}\` failed.`);
    process.exit(result.status ?? 1);
  }
}
