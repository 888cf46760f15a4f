#!/usr/bin/env node
import { build, ensureInstalled, runCompiled } from './bootstrap.mjs';

ensureInstalled();
build();
await runCompiled('dist/tools/dev/start.js');
