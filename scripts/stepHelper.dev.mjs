// The training helper thread from its TypeScript source, for the tests and the bench: Node 20
// does not apply `--import tsx` to a worker thread's .ts entry file, so this entry registers tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/core/training/stepHelperThread.ts');
