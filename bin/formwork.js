#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `formwork` works without a build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../platform/cli.ts', import.meta.url).href);
