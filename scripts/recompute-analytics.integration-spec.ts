import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dropSchema } from '@app/persistence';
import { REPO_ROOT, testConfig, uniqueName } from '@app/testing/infrastructure';

const run = promisify(execFile);

describe('make recompute (scripts/recompute-analytics.ts)', () => {
  const schema = uniqueName('recompute_cli').toLowerCase();

  afterAll(async () => {
    const dataSource = new DataSource({ type: 'postgres', url: testConfig.database.url });
    await dataSource.initialize();
    for (const name of [`${schema}_projection`, `${schema}_projection_shadow`]) await dataSource.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await dropSchema(dataSource, schema);
    await dataSource.destroy();
  });

  it('rebuilds the projection from the events topic, showing a progress bar, and swaps it in', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(REPO_ROOT, 'scripts/recompute-analytics.ts')],
      { cwd: REPO_ROOT, env: { ...process.env, DB_SCHEMA: schema, KAFKA_GROUP_PREFIX: uniqueName('cli') }, timeout: 120_000 },
    );
    // The bar goes to stderr, the result to stdout.
    expect(stderr).toMatch(/\d+% \| \d+\/\d+ events/);
    expect(stdout).toMatch(/recomputed \d+ events .* the new projection is live/);
    const dataSource = new DataSource({ type: 'postgres', url: testConfig.database.url });
    await dataSource.initialize();
    try {
      const [run] = (await dataSource.query(`SELECT state, events_done FROM "${schema}".recompute_runs`)) as Array<{ state: string; events_done: string }>;
      expect(run?.state).toBe('done');
      const [meta] = (await dataSource.query(`SELECT version FROM "${schema}_projection".projection_meta`)) as Array<{ version: number }>;
      expect(meta?.version).toBeGreaterThanOrEqual(1);
    } finally {
      await dataSource.destroy();
    }
  }, 150_000);
});
