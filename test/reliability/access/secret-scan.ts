import { DEVELOPMENT_JWT_SECRET } from '@app/config';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A scan of the files git tracks for what looks like a credential: private keys, cloud and service
 * tokens, signed JWTs, passwords and secrets written as literal values (in code, YAML, .env, shell and
 * connection URLs), and long random-looking strings. What may stay is said by `SecretAllowance`s, each
 * narrow and explained: the development defaults the configuration marks, and test fixtures that say
 * they are fake.
 */

export interface SecretCandidate {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly kind: string;
  /** The value that looks secret. */
  readonly value: string;
  readonly text: string;
}

interface Rule {
  readonly kind: string;
  readonly pattern: RegExp;
  /** The capture group holding the value; the whole match when absent. */
  readonly group?: number;
}

const NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)[A-Za-z0-9_]*`;

const RULES: readonly Rule[] = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g },
  { kind: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b/g },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'Stripe key', pattern: /\b[sr]k_live_[0-9A-Za-z]{16,}\b/g },
  { kind: 'signed JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
  { kind: 'credentials in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]+:([^\s/@'"`$]{3,})@/gi, group: 1 },
  // `password = '…'`, `secret: "…"`, `"apiKey": "…"`: a quoted literal, not a variable or a lookup.
  { kind: 'secret assigned a literal', pattern: new RegExp(String.raw`\b${NAME}['"]?\s*[:=]\s*['"\`]([^'"\`\s$]{8,})['"\`]`, 'gi'), group: 1 },
  // .env, YAML and shell: `DB_PASSWORD=…`, `AUTH_JWT_SECRET: …` unquoted.
  { kind: 'secret assigned a literal', pattern: new RegExp(String.raw`^\s*(?:export\s+|-\s+)?${NAME}\s*[:=]\s*([^\s'"\`$#{}(),;]{8,})\s*$`, 'gim'), group: 1 },
];

/** Long strings of base64 or hex characters. */
const TOKEN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;
const INTEGRITY_DIGEST = /^sha(?:1|256|384|512)-[A-Za-z0-9+/]+={0,2}$/;

function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A random-looking token: long, of mixed character classes, with the entropy of random bytes rather
 * than of words, paths or identifiers (which mostly fail the mixed-class test anyway).
 */
function looksRandom(token: string): boolean {
  if (/^[0-9a-f]+$/i.test(token)) return token.length >= 40 && entropy(token) > 3.6;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(token)).length;
  return classes === 3 && entropy(token) > 4.5;
}

/** Every candidate in one file's text. Pure, so the rules can be checked on planted samples. */
export function secretCandidates(file: string, text: string): SecretCandidate[] {
  const candidates: SecretCandidate[] = [];
  const lines = text.split('\n');
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length;
  const add = (kind: string, value: string, index: number) => {
    const line = lineOf(index);
    if (candidates.some((candidate) => candidate.line === line && candidate.value === value)) return;
    candidates.push({ file, line, kind, value, text: lines[line - 1] ?? '' });
  };
  for (const rule of RULES) {
    for (const match of text.matchAll(rule.pattern)) {
      const value = rule.group === undefined ? match[0] : (match[rule.group] ?? match[0]);
      add(rule.kind, value, (match.index ?? 0) + match[0].indexOf(value));
    }
  }
  for (const match of text.matchAll(TOKEN)) {
    // A lockfile's `integrity` is the digest of a published package: public, and random-looking by design.
    if (INTEGRITY_DIGEST.test(match[0])) continue;
    if (looksRandom(match[0])) add('high-entropy string', match[0], match.index ?? 0);
  }
  return candidates;
}

export interface SecretAllowance {
  readonly why: string;
  readonly allows: (candidate: SecretCandidate, lines: readonly string[]) => boolean;
}

/**
 * The files git tracks, and the new ones it would take in a commit (not ignored), relative to the
 * repository root: what the repository carries, or is about to.
 */
export function trackedFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(listed.split('\0').filter((file) => file !== ''))];
}

export interface SecretScan {
  readonly filesScanned: number;
  readonly allowed: ReadonlyArray<SecretCandidate & { readonly why: string }>;
  readonly found: readonly SecretCandidate[];
}

export function scanForSecrets(root: string, files: readonly string[], allowances: readonly SecretAllowance[]): SecretScan {
  const allowed: Array<SecretCandidate & { why: string }> = [];
  const found: SecretCandidate[] = [];
  let filesScanned = 0;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(root, file));
    } catch {
      continue; // tracked but deleted in the working tree
    }
    if (bytes.includes(0)) continue; // binary
    filesScanned += 1;
    const text = bytes.toString('utf8');
    const lines = text.split('\n');
    for (const candidate of secretCandidates(file, text)) {
      const allowance = allowances.find((rule) => rule.allows(candidate, lines));
      if (allowance === undefined) found.push(candidate);
      else allowed.push({ ...candidate, why: allowance.why });
    }
  }
  return { filesScanned, allowed, found };
}

const TEST_CODE = /(?:\.(?:spec|integration-spec|e2e-spec|reliability-spec)\.ts$|^test\/|\/testing\/|\/fixtures\/)/;

function isTestCode(file: string): boolean {
  return TEST_CODE.test(file);
}

function base64urlBytes(segment: string): number {
  return Buffer.from(segment, 'base64url').length;
}

/**
 * What may stay in the repository. Development defaults are marked where they are written: the words
 * DEVELOPMENT DEFAULT on the line or just above it, or a file whose opening comment says that every
 * credential in it is a development default (docker-compose.yml); the services refuse the JWT one in
 * production. Test fixtures are allowed only in test code, and only when they show they are not real.
 */
export const SECRET_ALLOWANCES: readonly SecretAllowance[] = [
  {
    why: 'the development JWT secret libs/config marks and refuses in production',
    allows: (candidate) => candidate.value === DEVELOPMENT_JWT_SECRET,
  },
  {
    why: 'marked DEVELOPMENT DEFAULT on the line or just above it',
    allows: (candidate, lines) => lines.slice(Math.max(0, candidate.line - 4), candidate.line).some((line) => line.includes('DEVELOPMENT DEFAULT')),
  },
  {
    why: "in a file whose opening comment declares every credential in it a development default",
    allows: (_candidate, lines) =>
      lines
        .slice(0, 20)
        .filter((line) => /^\s*(?:#|\/\/|\*|\/\*)/.test(line))
        .join(' ')
        .replace(/\s*(?:#|\/\/|\*)\s*/g, ' ')
        .toLowerCase()
        .includes('every credential here is a development default'),
  },
  {
    why: 'a placeholder for the operator to replace',
    allows: (candidate) => /^(?:REPLACE|CHANGE)[-_](?:ME|WITH[-_A-Z0-9]*)$/i.test(candidate.value) || /^<[^>]+>$/.test(candidate.value),
  },
  {
    why: 'a test fixture spelled out in words (no generator of real secrets makes one)',
    allows: (candidate) => isTestCode(candidate.file) && /^[a-z]+(?:-[a-z]+){2,}$/.test(candidate.value),
  },
  {
    why: 'a test JWT whose signature is too short to be a real HS256 one',
    allows: (candidate) => {
      if (!isTestCode(candidate.file)) return false;
      const parts = candidate.value.split('.');
      return parts.length === 3 && parts[0]?.startsWith('eyJ') === true && base64urlBytes(parts[2] ?? '') < 32;
    },
  },
  {
    why: 'the expected digest of test data, labelled as a digest',
    allows: (candidate) => isTestCode(candidate.file) && /^[0-9a-f]{40,}$/.test(candidate.value) && /sha(?:1|256|512)=|digest|hash/i.test(candidate.text),
  },
];
