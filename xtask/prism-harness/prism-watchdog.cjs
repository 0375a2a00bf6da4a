// Preloaded into each Prism started by the conformance test and `cargo xtask verify` (`NODE_OPTIONS=--require ...`).
// The test holds this process's stdin open; when the test process goes away, even killed
// without running its destructors, stdin ends and Prism exits instead of lingering.
'use strict';
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
