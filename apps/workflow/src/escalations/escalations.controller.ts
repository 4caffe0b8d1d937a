import { Controller, ForbiddenException, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, assertResourceStoreAccess, CurrentUser, Roles, storeScope, type Principal } from '@app/auth';
import { createEvent } from '@app/contracts';
import { mayAcknowledgeEscalation, type EscalationTarget } from '@app/domain';
import { appendToOutbox, TOPIC_NAMES, type TopicNames } from '@app/messaging';
import { ApiQuerySchema, SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import { DataSource } from 'typeorm';

const ListEscalationsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

interface EscalationRow {
  id: string;
  complaint_id: string;
  reference: string;
  level: number;
  audience: string;
  store_id: string | null;
  reason: string;
  severity: string;
  owner_id: string | null;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

export interface EscalationView {
  readonly id: string;
  readonly complaintId: string;
  readonly reference: string;
  readonly level: number;
  readonly audience: string;
  readonly storeId: string | null;
  readonly reason: string;
  readonly severity: string;
  readonly ownerId: string | null;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
}

function toView(row: EscalationRow): EscalationView {
  return {
    id: row.id,
    complaintId: row.complaint_id,
    reference: row.reference,
    level: row.level,
    audience: row.audience,
    storeId: row.store_id,
    reason: row.reason,
    severity: row.severity,
    ownerId: row.owner_id,
    createdAt: row.created_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
  };
}

/** The audience an escalation was raised to, as libs/domain's rules take it. */
function targetOf(row: EscalationRow): EscalationTarget {
  if (row.level === 2) return { level: 2, audience: 'ops' };
  return row.audience === 'store_managers' && row.store_id !== null
    ? { level: 1, audience: 'store_managers', storeId: row.store_id }
    : { level: 1, audience: 'ops_duty' };
}

const SELECT = `SELECT e.id, e.complaint_id, c.reference, e.level, e.audience, e.store_id, e.reason, c.severity, c.owner_id,
  e.created_at, e.acknowledged_at, e.acknowledged_by FROM escalations e JOIN complaints c ON c.id = e.complaint_id`;

/** The store managers' escalation inbox (only their stores) and operations' view of all escalations. */
@ApiTags('escalations')
@ApiJwtAuth()
@Controller('escalations')
export class EscalationsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(TOPIC_NAMES) private readonly topics: TopicNames,
  ) {}

  @Get()
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: "Escalations: a store manager's stores' level-1 escalations, or every escalation for operations" })
  @ApiQuerySchema(ListEscalationsQuery)
  async list(
    @CurrentUser() user: Principal,
    @Query(new SchemaValidationPipe(ListEscalationsQuery, 'query')) query: Static<typeof ListEscalationsQuery>,
  ): Promise<{ items: EscalationView[] }> {
    const scope = storeScope(user);
    const conditions: string[] = [];
    const values: unknown[] = [query.limit];
    if (scope.kind === 'stores') {
      values.push(scope.storeIds);
      conditions.push(`e.store_id = ANY($${values.length}::text[]) AND e.audience = 'store_managers'`);
    }
    if (query.status === 'open') conditions.push('e.acknowledged_at IS NULL');
    if (query.status === 'acknowledged') conditions.push('e.acknowledged_at IS NOT NULL');
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(`${SELECT} ${where} ORDER BY e.created_at DESC LIMIT $1`, values)) as EscalationRow[];
    return { items: rows.map(toView) };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Acknowledge an escalation: the manager takes it on site (stops it climbing to operations)' })
  async acknowledge(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<EscalationView> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(`${SELECT} WHERE e.id = $1 FOR UPDATE OF e`, [id])) as EscalationRow[];
      if (row === undefined) throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'escalation_not_found', message: `no escalation ${id}` });
      if (user.role === 'store_manager') {
        assertResourceStoreAccess(user, row.store_id, 'escalation');
        if (!mayAcknowledgeEscalation(user, targetOf(row))) {
          throw new ForbiddenException({
            statusCode: 403,
            error: 'Forbidden',
            reason: 'not_escalation_audience',
            message: 'this escalation went to operations; only operations acknowledge it',
          });
        }
      }
      if (row.acknowledged_at !== null) return toView(row);
      const now = new Date();
      await manager.query('UPDATE escalations SET acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1', [id, now, user.subject]);
      const event = createEvent(
        'escalation.acknowledged',
        1,
        { complaintId: row.complaint_id, escalationId: id, level: row.level, acknowledgedBy: user.subject, at: now.toISOString() },
        { producer: 'workflow', complaintId: row.complaint_id },
      );
      await appendToOutbox(manager, [event], this.topics.events);
      await manager.query(
        `INSERT INTO complaint_history (complaint_id, at, kind, actor, detail) VALUES ($1, $2, 'escalation.acknowledged', $3, $4::jsonb)`,
        [row.complaint_id, now, user.subject, JSON.stringify({ escalationId: id, level: row.level })],
      );
      return toView({ ...row, acknowledged_at: now, acknowledged_by: user.subject });
    });
  }
}
