// What `npm start` and `npm test` check before anything else, so that each works right after
// `git clone`: the npm dependencies match the lock file, and the Debian packages are there.
// Imports only Node's own modules: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment without what an npm script hands its children (npm_config_*, npm_package_*,
 * npm_lifecycle_*, the user agent naming this Node): a child npm or installer run under
 * another Node would otherwise read them as its own.
 */
export function cleanEnvironment(extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === 'INIT_CWD' || name === 'NODE') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Why node_modules does not match package-lock.json, or undefined when it does. npm keeps the
 * tree it installed in node_modules/.package-lock.json; every package of the lock file must be
 * there at its version, except optional ones (other platforms' binaries, tfjs-node).
 */
export function dependencyMismatch(root) {
  const installedFile = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installedFile)) return 'node_modules is missing';
  const locked = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const installed = JSON.parse(readFileSync(installedFile, 'utf8')).packages;
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.link) continue;
    const present = installed[path];
    if (!present) {
      if (!entry.optional) return `${path} is not installed`;
    } else if (present.version !== entry.version) {
      return `${path} is ${present.version}, the lock file says ${entry.version}`;
    }
  }
  return undefined;
}

/** Runs `npm ci` when node_modules is missing or does not match the lock file. */
export function ensureNpmDependencies(root) {
  const mismatch = dependencyMismatch(root);
  if (!mismatch) return;
  console.log(`Installing the npm dependencies (npm ci), because ${mismatch}. About a minute.`);
  const started = Date.now();
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: cleanEnvironment(),
  });
  if (result.status !== 0) {
    console.error('npm ci failed; see its output above.');
    process.exit(result.status ?? 1);
  }
  console.log(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** The Debian packages the project uses: what each is for and how to tell it is there. */
const DEBIAN_PACKAGES = {
  chromium: { why: 'the webview and end-to-end tests', has: () => onPath('chromium') },
  'libkrb5-dev': { why: "code-server's native modules", has: () => dpkgHas('libkrb5-dev') },
  'clang-19': { why: 'rebuilding the WebAssembly kernel', has: () => onPath('clang-19') },
  'lld-19': { why: 'linking the WebAssembly kernel', has: () => onPath('wasm-ld-19') },
  'python3-torch': {
    why: 'running an exported PyTorch script in the unit tests',
    has: () => dpkgHas('python3-torch'),
  },
};

/** What `npm test` needs; `npm start` needs only libkrb5-dev, for code-server. */
export const TEST_PACKAGES = ['chromium', 'libkrb5-dev', 'clang-19', 'lld-19', 'python3-torch'];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function dpkgHas(pkg) {
  return spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
}

/** The exact command that installs these Debian packages, for the one who runs npm. */
export function aptGetLine(packages, isRoot = process.getuid?.() === 0) {
  const sudo = isRoot ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** Stops at once, with the exact apt-get line, when one of these Debian packages is missing. */
export function requireDebianPackages(packages) {
  const missing = packages.filter((pkg) => !DEBIAN_PACKAGES[pkg].has());
  if (missing.length === 0) return;
  for (const pkg of missing)
    console.error(`Missing Debian package ${pkg}, for ${DEBIAN_PACKAGES[pkg].why}.`);
  console.error(
    `Install ${missing.length === 1 ? 'it' : 'them'} with:\n\n  ${aptGetLine(missing)}\n`,
  );
  process.exit(1);
}
