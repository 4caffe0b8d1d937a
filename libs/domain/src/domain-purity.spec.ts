import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** Holds libs/domain to its README: no framework or I/O imports, no clock, randomness or environment. */
const SOURCE_ROOT = __dirname;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

const ALLOWED_PACKAGES = [/^libphonenumber-js(?:\/.*)?$/, /^luxon$/, /^@stdlib\/(?:stats-base-dists|random-base)-[a-z0-9-]+$/];
const FORBIDDEN_CALLS = [
  { pattern: /\bDate\.now\s*\(/, what: 'Date.now()' },
  { pattern: /\bnew Date\s*\(\s*\)/, what: 'new Date()' },
  { pattern: /\bMath\.random\s*\(/, what: 'Math.random()' },
  { pattern: /\bprocess\.env\b/, what: 'process.env' },
];

function importedModules(source: string): string[] {
  return [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map(
    (match) => match[1] ?? '',
  );
}

describe('libs/domain purity', () => {
  const files = sourceFiles(SOURCE_ROOT);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((file) => [path.relative(SOURCE_ROOT, file), file]))(
    '%s imports only its own files and pure libraries, and reads no clock',
    (_name, file) => {
      const source = readFileSync(file, 'utf8');
      const foreign = importedModules(source).filter(
        (module) => !module.startsWith('.') && !ALLOWED_PACKAGES.some((allowed) => allowed.test(module)),
      );
      expect(foreign).toEqual([]);
      expect(FORBIDDEN_CALLS.filter(({ pattern }) => pattern.test(source)).map(({ what }) => what)).toEqual([]);
    },
  );
});
