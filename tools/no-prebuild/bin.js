#!/usr/bin/env node
// citebot never downloads at install time: exit non-zero so the addon's "|| node-gyp rebuild" runs.
console.error('citebot: building from source (no prebuilt binary is downloaded)');
process.exit(1);
