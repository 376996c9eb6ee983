#!/usr/bin/env node
// Entry point of the `marquee` CLI. TypeScript sources run through tsx, so there is no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
