#!/usr/bin/env node
// `prime-counter` (npx prime-counter, npm start, npm run worker): runs the TypeScript sources
// through tsx inside this process, so a signal sent to it reaches the program itself.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
