#!/usr/bin/env node
// The bcs command line (npx bcs <command>), honouring DATABASE_URL.
import { runTs } from './run-ts.js';

const { main } = await runTs('server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
