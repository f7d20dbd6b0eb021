#!/usr/bin/env node
// Entry point of the `ayrshare-tracker` command: loads the TypeScript sources through tsx, runs the CLI, and stops
// the embedded database on Ctrl-C or SIGTERM before exiting.
'use strict';
require('tsx/cjs/api').register();
const { runCli, shutdown } = require('./cli.ts');

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    process.stderr.write(`\nInterrupted (${signal}): stopping cleanly...\n`);
    shutdown().finally(() => process.exit(code));
  });
}

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`Unexpected failure: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
