import { createTestDatabase } from '@app/testing/infrastructure';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { INTAKE_MIGRATIONS } from '../migrations';
import { IdempotencyKeys, type IdempotencyClaim } from './idempotency-keys';

describe('Idempotency-Keys on the real database', () => {
  let database: { dataSource: DataSource; drop: () => Promise<void> };
  let inserts: number;

  beforeEach(async () => {
    database = await createTestDatabase(INTAKE_MIGRATIONS);
    // Counts the statements that reach PostgreSQL (the real DataSource, only watched).
    inserts = 0;
    const query = database.dataSource.query.bind(database.dataSource);
    database.dataSource.query = ((sql: string, parameters?: unknown[]) => {
      if (sql.includes('INSERT INTO api_idempotency_keys')) inserts += 1;
      return query(sql, parameters);
    }) as DataSource['query'];
  });

  afterEach(async () => {
    await database.drop();
  });

  const claimFor = (agentId: string, idempotencyKey: string, requestHash = 'hash'): IdempotencyClaim => ({
    agentId,
    idempotencyKey,
    requestHash,
    complaintId: randomUUID(),
    reference: `C-${randomUUID().slice(0, 4).toUpperCase()}`,
  });

  it('writes claims that arrive together in a few statements, the first claim of each key winning', async () => {
    const keys = new IdempotencyKeys(database.dataSource);
    const claims = [
      ...Array.from({ length: 40 }, (_, index) => claimFor('agent-1', `key-${index}`)),
      claimFor('agent-1', 'key-0', 'another request'),
      claimFor('agent-2', 'key-0'),
    ];
    const claimed = await Promise.all(claims.map((claim) => keys.claim(claim)));

    expect(claimed).toEqual([...Array.from({ length: 40 }, () => true), false, true]);
    expect(inserts).toBeLessThanOrEqual(2);
    expect(await keys.find('agent-1', 'key-0')).toEqual({ requestHash: 'hash', complaintId: claims[0]!.complaintId, reference: claims[0]!.reference });
    expect(await keys.find('agent-3', 'key-0')).toBeNull();
    // Stored once: a later claim of a stored key is refused too.
    expect(await keys.claim(claimFor('agent-2', 'key-0'))).toBe(false);
  });

  it('fails only the claim at fault when claims written together fail', async () => {
    const keys = new IdempotencyKeys(database.dataSource);
    const good = claimFor('agent-1', 'fine');
    // PostgreSQL refuses NUL in text: this claim alone cannot be stored.
    const bad = claimFor('agent-1', 'nul\u0000key');
    const outcomes = await Promise.allSettled([keys.claim(claimFor('agent-1', 'first')), keys.claim(good), keys.claim(bad)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await keys.find('agent-1', 'fine')).toMatchObject({ complaintId: good.complaintId });
  });
});
