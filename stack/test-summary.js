// Reads jest's JSON results and prints the closing line CI reads: "N passed, N failed".
// A suite that could not run at all (compile error, crash) counts as one failure.
const fs = require('node:fs');

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let found = 0;
for (const file of files) {
  if (!fs.existsSync(file)) continue;
  found += 1;
  const result = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  skipped += result.numPendingTests + result.numTodoTests;
}
if (found === 0) {
  console.error('no test results found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
