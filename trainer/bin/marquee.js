#!/usr/bin/env node
// Entry point of the `marquee` CLI. TypeScript sources run through tsx, so there is no build step to remember.
import { register } from 'tsx/esm/api';

// A reader that stops reading (`marquee ... | head -1`) leaves writes failing with EPIPE. As for any Unix
// filter, that ends the command quietly rather than with a stack trace; other stream errors still throw.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
