import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './infrastructure';

/** One line of the table `make test` prints at the end of the reliability suite. */
export interface ScenarioRow {
  readonly scenario: string;
  /** What was sent, e.g. "5,000 complaints (3 channels + API)". */
  readonly load: string;
  readonly faults: string;
  readonly messagesIn: number;
  readonly complaintsStored: number;
  readonly lost: number;
  readonly duplicated: number;
  /** "pass" only when nothing was lost or duplicated and every check held. */
  readonly result: 'pass' | 'fail';
}

const TABLE = process.env['RELIABILITY_TABLE'] ?? path.join(REPO_ROOT, '.stack/test-results/reliability-rows.jsonl');

/** Records a scenario's outcome for the closing table (the test itself still asserts). */
export function recordScenario(row: ScenarioRow): void {
  mkdirSync(path.dirname(TABLE), { recursive: true });
  appendFileSync(TABLE, `${JSON.stringify(row)}\n`);
}
