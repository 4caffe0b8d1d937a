import { Injectable } from '@nestjs/common';
import { CoalescingWriter } from '@app/messaging';
import { DataSource } from 'typeorm';

/** An agent's Idempotency-Key with the request it came with and the complaint it would name. */
export interface IdempotencyClaim {
  readonly agentId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly complaintId: string;
  readonly reference: string;
}

/** What a key already names: the request it first came with and that request's complaint. */
export interface StoredIdempotencyKey {
  readonly requestHash: string;
  readonly complaintId: string;
  readonly reference: string;
}

/** Claims written in one statement at most: well within PostgreSQL's limits, and a short statement. */
const MAX_CLAIMS_PER_STATEMENT = 500;

/**
 * The API's Idempotency-Keys. Claims that arrive while one statement is on its way go together in the
 * next, one INSERT for all of them, so the API's one write per request costs the database a round
 * trip per busy moment rather than per request; a lone request still goes at once. Within a statement
 * the first claim of a key wins, as if they had come one after another. A statement that fails for a
 * claim's own sake is retried one claim at a time (CoalescingWriter), so only that request fails.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly claims = new CoalescingWriter<IdempotencyClaim, boolean>({
    write: async (claims) => {
      const stored = await this.insert(claims);
      return claims.map((claim) => stored.has(claim.complaintId));
    },
    takeFrom: (queue) => Math.min(queue.length, MAX_CLAIMS_PER_STATEMENT),
  });

  constructor(private readonly dataSource: DataSource) {}

  /** Stores the key for this claim's complaint; false when the key was already stored (by any request). */
  claim(claim: IdempotencyClaim): Promise<boolean> {
    return this.claims.submit(claim);
  }

  async find(agentId: string, idempotencyKey: string): Promise<StoredIdempotencyKey | null> {
    const [row] = (await this.dataSource.query(
      'SELECT request_hash, complaint_id, reference FROM api_idempotency_keys WHERE agent_id = $1 AND idempotency_key = $2',
      [agentId, idempotencyKey],
    )) as Array<{ request_hash: string; complaint_id: string; reference: string }>;
    return row === undefined ? null : { requestHash: row.request_hash, complaintId: row.complaint_id, reference: row.reference };
  }

  /** The complaint ids whose claims were stored. */
  private async insert(claims: readonly IdempotencyClaim[]): Promise<Set<string>> {
    const rows = (await this.dataSource.query(
      `INSERT INTO api_idempotency_keys (agent_id, idempotency_key, request_hash, complaint_id, reference)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[])
       ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING complaint_id`,
      [
        claims.map((claim) => claim.agentId),
        claims.map((claim) => claim.idempotencyKey),
        claims.map((claim) => claim.requestHash),
        claims.map((claim) => claim.complaintId),
        claims.map((claim) => claim.reference),
      ],
    )) as Array<{ complaint_id: string }>;
    return new Set(rows.map((row) => row.complaint_id));
  }
}
