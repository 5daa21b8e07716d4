#!/usr/bin/env node
// The `beian` command. Sources are TypeScript run through tsx's loader, so a fresh
// `npm install` is all `npx beian …` needs (see docs/decisions/0001-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
