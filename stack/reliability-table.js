// Prints the reliability suite's table from the rows its scenarios recorded (one JSON object per line).
const fs = require('node:fs');

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.log('reliability table: no scenario recorded');
  process.exit(0);
}
const rows = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const columns = [
  ['scenario', 'scenario'],
  ['load', 'load'],
  ['faults', 'faults injected'],
  ['messagesIn', 'messages in'],
  ['complaintsStored', 'complaints stored'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['result', 'result'],
];
const text = (row, key) => (typeof row[key] === 'number' ? row[key].toLocaleString('en-GB') : String(row[key] ?? ''));
const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => text(row, key).length)));
const line = (cells) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
console.log('');
console.log(line(columns.map(([, title]) => title)));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of rows) console.log(line(columns.map(([key]) => text(row, key))));
console.log('');
