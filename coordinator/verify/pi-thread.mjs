// worker_threads cannot start a .ts entry under tsx on Node 20: register tsx in the thread,
// then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./pi-thread.ts');
