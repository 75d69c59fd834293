#!/usr/bin/env node
// Entry point of the bundled CLI (dist/awsenv.js).
import { runCli } from './cli.js';

await runCli();
