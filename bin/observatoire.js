#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so that `npx observatoire` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
