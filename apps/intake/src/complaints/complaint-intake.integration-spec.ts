import { declaredTopicNames } from '@app/messaging';
import { hotlineCall, ukMobile } from '@app/testing/channel-factories';
import { expectEventually } from '@app/testing/eventually';
import { createTestDatabase } from '@app/testing/infrastructure';
import type { DataSource } from 'typeorm';
import { hotlineCallToCommand } from '../channels/channel-command.mapper';
import { INTAKE_MIGRATIONS } from '../migrations';
import { ComplaintIntakeService, type Registration } from './complaint-intake.service';
import { ComplaintRepository } from './complaint.repository';
import type { RegisterOutcome } from './register-complaint.command';

type Database = Awaited<ReturnType<typeof createTestDatabase>>;

function registration(overrides: Parameters<typeof hotlineCall>[0] = {}): Registration {
  return hotlineCallToCommand(hotlineCall(overrides), 'GB');
}

/** Which registrations share a customer, as sets of indexes: comparable across databases. */
function customerPartition(outcomes: readonly RegisterOutcome[]): string[] {
  const byCustomer = new Map<string, number[]>();
  outcomes.forEach((outcome, index) => byCustomer.set(outcome.customerId, [...(byCustomer.get(outcome.customerId) ?? []), index]));
  return [...byCustomer.values()].map((indexes) => indexes.join(',')).sort();
}

describe('ComplaintIntakeService.registerMany on PostgreSQL', () => {
  const databases: Database[] = [];

  async function service(): Promise<{ intake: ComplaintIntakeService; dataSource: DataSource }> {
    const database = await createTestDatabase(INTAKE_MIGRATIONS);
    databases.push(database);
    return { intake: new ComplaintIntakeService(database.dataSource, new ComplaintRepository(), declaredTopicNames('test.')), dataSource: database.dataSource };
  }

  const count = async (dataSource: DataSource, sql: string) => Number(((await dataSource.query(sql)) as Array<{ n: string }>)[0]?.n);

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('gives a run the outcomes registering it in order would give', async () => {
    const { intake, dataSource } = await service();
    const phone = ukMobile();
    const stored = registration({ callerNumber: ukMobile() });
    const storedOutcome = await intake.register(stored.command, stored.identities);

    const first = registration({ callerNumber: phone });
    const sameCustomer = registration({ callerNumber: phone, callerEmail: 'run@example.com' });
    const outcomes = await intake.registerMany([first, sameCustomer, first, stored]);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['created', 'created', 'duplicate', 'duplicate']);
    expect(outcomes[1]?.customerId).toBe(outcomes[0]?.customerId);
    expect(outcomes[2]).toEqual({ ...outcomes[0], outcome: 'duplicate' });
    expect(outcomes[3]).toEqual({ ...storedOutcome, outcome: 'duplicate' });
    expect(await count(dataSource, 'SELECT count(*) AS n FROM complaints')).toBe(3);
    expect(await count(dataSource, `SELECT count(*) AS n FROM outbox WHERE headers->>'event-type' = 'complaint.received'`)).toBe(3);
    const owners = (await dataSource.query(
      `SELECT DISTINCT customer_id FROM customer_identities WHERE identity IN ($1, 'email:run@example.com')`,
      [first.identities[0]],
    )) as Array<{ customer_id: string }>;
    expect(owners).toEqual([{ customer_id: outcomes[0]?.customerId }]);
  });

  it('recognises customers exactly as one-by-one registration does, over overlapping identities', async () => {
    const phones = Array.from({ length: 5 }, () => ukMobile());
    const emails = ['a@example.com', 'b@example.com', 'c@example.com'];
    let seed = 7;
    const pick = <T>(values: readonly T[]): T | undefined => {
      seed = (seed * 48271) % 2147483647;
      return seed % 4 === 0 ? undefined : values[seed % values.length];
    };
    const distinct = Array.from({ length: 30 }, () => registration({ callerNumber: pick(phones) ?? ukMobile(), callerEmail: pick(emails) }));
    const runs = [...distinct, distinct[3]!, distinct[17]!];

    const [oneByOne, together] = [await service(), await service()];
    const sequential: RegisterOutcome[] = [];
    for (const { command, identities } of runs) sequential.push(await oneByOne.intake.register(command, identities));
    const batched = [...(await together.intake.registerMany(runs.slice(0, 12))), ...(await together.intake.registerMany(runs.slice(12)))];

    expect(batched.map((outcome) => outcome.outcome)).toEqual(sequential.map((outcome) => outcome.outcome));
    expect(customerPartition(batched)).toEqual(customerPartition(sequential));
    expect(customerPartition(sequential).some((group) => group.includes(','))).toBe(true);
    for (const database of [oneByOne, together]) {
      expect(await count(database.dataSource, 'SELECT count(*) AS n FROM complaints')).toBe(30);
    }
  });

  it('registers a run again as a whole when another transaction claims one of its new identities meanwhile', async () => {
    const { intake, dataSource } = await service();
    const contested = registration({ callerNumber: ukMobile() });
    const other = registration({ callerNumber: ukMobile() });
    const rival = dataSource.createQueryRunner();
    await rival.connect();
    await rival.startTransaction();
    let outcomes: Awaited<ReturnType<ComplaintIntakeService['registerMany']>>;
    try {
      await rival.query(`INSERT INTO customers (id) VALUES ('00000000-0000-4000-8000-000000000001')`);
      await rival.query(`INSERT INTO customer_identities (identity, customer_id) VALUES ($1, '00000000-0000-4000-8000-000000000001')`, [
        contested.identities[0],
      ]);
      const run = intake.registerMany([other, contested]);
      // The run waits on the rival's uncommitted identity, finds it taken, and is tried again.
      await expectEventually(async () => {
        const waiting = (await dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO customer_identities%'`,
        )) as Array<{ n: number }>;
        expect(waiting[0]?.n).toBeGreaterThan(0);
      });
      await rival.commitTransaction();
      outcomes = await run;
    } finally {
      await rival.release();
    }
    // The contested complaint joins the rival's customer; nothing of the refused try remains.
    expect(outcomes[1]?.customerId).toBe('00000000-0000-4000-8000-000000000001');
    expect(outcomes[0]?.customerId).not.toBe('00000000-0000-4000-8000-000000000001');
    expect(await count(dataSource, 'SELECT count(*) AS n FROM complaints')).toBe(2);
    expect(await count(dataSource, 'SELECT count(*) AS n FROM customers')).toBe(2);
    expect(await count(dataSource, `SELECT count(*) AS n FROM outbox WHERE headers->>'event-type' = 'complaint.received'`)).toBe(2);
  });
});
