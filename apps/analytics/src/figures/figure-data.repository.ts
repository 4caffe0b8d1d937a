import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionStore } from '../projection/projection-store';

/** One complaint of the projection with what the figures need of its deadlines. */
export interface ComplaintFacts {
  complaint_id: string;
  customer_id: string | null;
  channel: string | null;
  store_id: string | null;
  category: string | null;
  severity: string | null;
  received_at: Date;
  first_response_at: Date | null;
  state: string | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reopen_count: number;
  highest_escalation: number;
  escalations: number;
  pauses: number;
  longest_wait_ms: string;
  compensation_amount: string | null;
  fr_met_at: Date | null;
  fr_business_ms: string | null;
  fr_breached_at: Date | null;
  breaches: number;
  resolution_breaches: number;
  resolution_business_ms: string | null;
  resolution_due_at: Date | null;
}

export interface SurveyFacts {
  survey_id: string;
  customer_id: string;
  sampled_at: Date;
  dissatisfied: boolean;
  satisfaction: number | null;
  dimensions: Record<string, { experience: number; expectation: number; importance: number }> | null;
}

/** Reads the live projection for the figures; every query is one statement over the current schema. */
@Injectable()
export class FigureDataRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ProjectionStore,
  ) {}

  private get s(): string {
    return `"${this.store.schemas.live}"`;
  }

  /** Complaints received in [from, to), optionally of some stores only. */
  async complaints(from: Date, to: Date, storeIds: readonly string[] | null): Promise<ComplaintFacts[]> {
    const s = this.s;
    return (await this.dataSource.query(
      `SELECT c.complaint_id, c.customer_id, c.channel, c.store_id, c.category, c.severity, c.received_at, c.first_response_at, c.state,
              c.resolved_at, c.closed_at, c.reopen_count, c.highest_escalation, c.escalations, c.pauses, c.longest_wait_ms, c.compensation_amount,
              fr.met_at AS fr_met_at, fr.business_ms AS fr_business_ms, fr.breached_at AS fr_breached_at,
              coalesce(d.breaches, 0)::int AS breaches, coalesce(d.resolution_breaches, 0)::int AS resolution_breaches,
              d.resolution_business_ms, d.resolution_due_at
       FROM ${s}.complaints c
       LEFT JOIN ${s}.deadlines fr ON fr.complaint_id = c.complaint_id AND fr.kind = 'first_response' AND fr.cycle = 1
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE breached_at IS NOT NULL) AS breaches,
                count(*) FILTER (WHERE breached_at IS NOT NULL AND kind = 'resolution') AS resolution_breaches,
                sum(business_ms) FILTER (WHERE kind = 'resolution') AS resolution_business_ms,
                max(due_at) FILTER (WHERE kind = 'resolution' AND breached_at IS NOT NULL AND met_at IS NULL) AS resolution_due_at
         FROM ${s}.deadlines WHERE complaint_id = c.complaint_id) d ON true
       WHERE c.received_at >= $1 AND c.received_at < $2 AND ($3::text[] IS NULL OR c.store_id = ANY($3::text[]))
       ORDER BY c.received_at, c.complaint_id`,
      [from, to, storeIds],
    )) as ComplaintFacts[];
  }

  /** Purchases of these customers after `since`, by customer, oldest first. */
  async purchasesOf(customerIds: readonly string[], since: Date): Promise<Map<string, Date[]>> {
    const rows = (await this.dataSource.query(
      `SELECT customer_id, at FROM ${this.s}.purchases WHERE customer_id = ANY($1::uuid[]) AND at >= $2 ORDER BY customer_id, at`,
      [customerIds, since],
    )) as Array<{ customer_id: string; at: Date }>;
    const byCustomer = new Map<string, Date[]>();
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id);
      if (list === undefined) byCustomer.set(row.customer_id, [row.at]);
      else list.push(row.at);
    }
    return byCustomer;
  }

  async churnsOf(customerIds: readonly string[]): Promise<Map<string, Date>> {
    const rows = (await this.dataSource.query(`SELECT customer_id, at FROM ${this.s}.churns WHERE customer_id = ANY($1::uuid[])`, [customerIds])) as Array<{
      customer_id: string;
      at: Date;
    }>;
    return new Map(rows.map((row) => [row.customer_id, row.at]));
  }

  /** Survey answers sampled in [from, to). */
  async surveys(from: Date, to: Date): Promise<SurveyFacts[]> {
    return (await this.dataSource.query(
      `SELECT survey_id, customer_id, sampled_at, dissatisfied, satisfaction, dimensions FROM ${this.s}.surveys
       WHERE sampled_at >= $1 AND sampled_at < $2 ORDER BY sampled_at, survey_id`,
      [from, to],
    )) as SurveyFacts[];
  }

  /** Survey answers of these customers sampled after `since`, by customer, oldest first. */
  async surveysOf(customerIds: readonly string[], since: Date): Promise<Map<string, SurveyFacts[]>> {
    const rows = (await this.dataSource.query(
      `SELECT survey_id, customer_id, sampled_at, dissatisfied, satisfaction, dimensions FROM ${this.s}.surveys
       WHERE customer_id = ANY($1::uuid[]) AND sampled_at >= $2 ORDER BY customer_id, sampled_at`,
      [customerIds, since],
    )) as SurveyFacts[];
    const byCustomer = new Map<string, SurveyFacts[]>();
    for (const row of rows) byCustomer.set(row.customer_id, [...(byCustomer.get(row.customer_id) ?? []), row]);
    return byCustomer;
  }

  /** The earliest complaint of each of these customers received at or before `until`. */
  async firstComplaintOf(customerIds: readonly string[], until: Date): Promise<Map<string, Date>> {
    const rows = (await this.dataSource.query(
      `SELECT customer_id, min(received_at) AS first FROM ${this.s}.complaints
       WHERE customer_id = ANY($1::uuid[]) AND received_at <= $2 GROUP BY customer_id`,
      [customerIds, until],
    )) as Array<{ customer_id: string; first: Date }>;
    return new Map(rows.map((row) => [row.customer_id, row.first]));
  }

  /** Which of these customers the projection knows (a complaint or a purchase on record). */
  async knownCustomers(customerIds: readonly string[]): Promise<Set<string>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT customer_id FROM ${this.s}.complaints WHERE customer_id = ANY($1::uuid[])
       UNION SELECT DISTINCT customer_id FROM ${this.s}.purchases WHERE customer_id = ANY($1::uuid[])`,
      [customerIds],
    )) as Array<{ customer_id: string }>;
    return new Set(rows.map((row) => row.customer_id));
  }

  /** Each customer's home store: where they bought most often (the latest purchase breaks ties). */
  async homeStores(customerIds: readonly string[]): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (customer_id) customer_id, store_id FROM (
         SELECT customer_id, store_id, count(*) AS n, max(at) AS last FROM ${this.s}.purchases
         WHERE customer_id = ANY($1::uuid[]) AND store_id IS NOT NULL GROUP BY customer_id, store_id) p
       ORDER BY customer_id, n DESC, last DESC, store_id`,
      [customerIds],
    )) as Array<{ customer_id: string; store_id: string }>;
    return new Map(rows.map((row) => [row.customer_id, row.store_id]));
  }

  /** Distinct customers with a purchase in [from, to), optionally of some stores only. */
  async activeCustomers(from: Date, to: Date, storeIds: readonly string[] | null): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(DISTINCT customer_id)::int AS n FROM ${this.s}.purchases
       WHERE at >= $1 AND at < $2 AND ($3::text[] IS NULL OR store_id = ANY($3::text[]))`,
      [from, to, storeIds],
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }
}
