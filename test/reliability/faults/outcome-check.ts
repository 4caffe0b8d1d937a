import { expectEventually } from '@app/testing/eventually';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';

export interface Schemas {
  readonly intake: string;
  readonly workflow: string;
  readonly analytics: string;
}

export interface Outcome {
  readonly stored: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Everything that did not hold, in words; empty when the scenario passed. */
  readonly problems: string[];
}

async function one(dataSource: DataSource, sql: string): Promise<number> {
  const [row] = (await dataSource.query(sql)) as Array<{ n: string | number }>;
  return Number(row?.n ?? 0);
}

/**
 * Waits until every expected complaint has gone through intake, workflow and analytics (or the time is
 * up), then counts: complaints stored once each, and every downstream effect applied once each.
 */
export async function settleAndCount(dataSource: DataSource, schemas: Schemas, expected: number, timeoutMs = 240_000): Promise<Outcome> {
  const i = `"${schemas.intake}"`;
  const w = `"${schemas.workflow}"`;
  const a = `"${schemas.analytics}_projection"`;
  const counts = async () => ({
    intake: await one(dataSource, `SELECT count(DISTINCT dedup_key) AS n FROM ${i}.complaints`),
    unpublished: await one(dataSource, `SELECT count(*) AS n FROM ${i}.outbox`),
    workflow: await one(dataSource, `SELECT count(*) AS n FROM ${w}.complaints`),
    deadlines: await one(dataSource, `SELECT count(*) AS n FROM ${w}.sla_deadlines`),
    analytics: await one(dataSource, `SELECT count(*) AS n FROM ${a}.complaints WHERE received_at IS NOT NULL`),
  });
  await expectEventually(
    async () => {
      const now = await counts();
      if (process.env['RELIABILITY_DEBUG'] !== undefined) process.stdout.write(`${new Date().toISOString()} ${JSON.stringify(now)}\n`);
      expect(now).toEqual({ intake: expected, unpublished: 0, workflow: expected, deadlines: 2 * expected, analytics: expected });
    },
    { timeoutMs, intervalMs: 500 },
  ).catch(() => undefined);

  const final = await counts();
  const rows = await one(dataSource, `SELECT count(*) AS n FROM ${i}.complaints`);
  const problems: string[] = [];
  const duplicated =
    rows -
    final.intake +
    (await one(dataSource, `SELECT count(*) - count(DISTINCT complaint_id) AS n FROM ${w}.complaint_history WHERE kind = 'ownership.assigned'`)) +
    (await one(dataSource, `SELECT count(*) - count(DISTINCT complaint_id) AS n FROM ${a}.complaints`));
  if (final.intake !== expected) problems.push(`intake stored ${final.intake} of ${expected}`);
  if (final.unpublished !== 0) problems.push(`${final.unpublished} intake events never published`);
  if (final.workflow !== final.intake) problems.push(`workflow opened ${final.workflow} of ${final.intake}`);
  if (final.deadlines !== 2 * final.workflow) problems.push(`${final.deadlines} deadlines for ${final.workflow} complaints`);
  if (final.analytics !== final.intake) problems.push(`analytics counted ${final.analytics} of ${final.intake}`);
  const orphans = await one(dataSource, `SELECT count(*) AS n FROM ${w}.complaints c LEFT JOIN ${i}.complaints x ON x.id = c.id WHERE x.id IS NULL`);
  if (orphans > 0) problems.push(`${orphans} workflow complaints unknown to intake`);
  const events = await one(dataSource, `SELECT count(*) AS n FROM ${a}.applied_events`);
  if (events < final.intake) problems.push(`analytics applied ${events} events for ${final.intake} complaints`);
  if (duplicated > 0) problems.push(`${duplicated} duplicated effects`);
  return { stored: final.intake, lost: Math.max(0, expected - final.intake), duplicated, problems };
}

/** Waits until the analytics projection consumer has read the events topic to its end, and the end stays put. */
export async function analyticsCaughtUp(admin: Admin, topic: string, groupId: string): Promise<void> {
  let previousEnd = -1;
  await expectEventually(
    async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const end = ends.reduce((sum, partition) => sum + Number(partition.high), 0);
      const read = (committed?.partitions ?? []).reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
      const stable = end === previousEnd;
      previousEnd = end;
      expect({ read, stable }).toEqual({ read: end, stable: true });
    },
    { timeoutMs: 120_000, intervalMs: 1500 },
  );
}
