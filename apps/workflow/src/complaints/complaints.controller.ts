import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, CurrentUser, Roles, storeScope, type Principal } from '@app/auth';
import { Compensation, LifecycleState } from '@app/contracts';
import type { LifecycleAction } from '@app/domain';
import { ApiQuerySchema, SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import { DataSource } from 'typeorm';
import { ComplaintActionsService } from './complaint-actions.service';
import type { DeadlineRow, WorkflowComplaintRow } from './workflow-complaint.repository';

const ActionBody = Type.Union(
  [
    Type.Object({ action: Type.Literal('acknowledge') }, { additionalProperties: false }),
    Type.Object({ action: Type.Literal('start') }, { additionalProperties: false }),
    Type.Object({ action: Type.Literal('wait_for_customer') }, { additionalProperties: false }),
    Type.Object({ action: Type.Literal('resume') }, { additionalProperties: false }),
    Type.Object(
      {
        action: Type.Literal('resolve'),
        resolution: Type.Object(
          { summary: Type.String({ minLength: 1, maxLength: 5000 }), compensation: Type.Optional(Type.Union([Compensation, Type.Null()])) },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
    Type.Object({ action: Type.Literal('reopen') }, { additionalProperties: false }),
    Type.Object({ action: Type.Literal('close') }, { additionalProperties: false }),
  ],
  { title: 'LifecycleAction' },
);
const NoteBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 10_000 }) }, { additionalProperties: false });
const OwnerChangeBody = Type.Object(
  { to: Type.String({ minLength: 1, maxLength: 200 }), reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    owner: Type.Optional(Type.Literal('me')),
    queue: Type.Optional(Type.Literal('unowned')),
    state: Type.Optional(LifecycleState),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export interface WorkflowComplaintView {
  readonly id: string;
  readonly reference: string;
  readonly channel: string;
  readonly storeId: string | null;
  readonly severity: string;
  readonly state: string;
  readonly ownerId: string | null;
  readonly escalationLevel: number;
  readonly receivedAt: string;
  readonly firstRespondedAt: string | null;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly reopenCount: number;
  readonly resolution: Record<string, unknown> | null;
}

export interface DeadlineView {
  readonly kind: string;
  readonly cycle: number;
  readonly targetMs: number;
  readonly calendar: string;
  readonly startedAt: string;
  readonly dueAt: string | null;
  readonly warnAt: string | null;
  readonly pausedAt: string | null;
  readonly pauses: ReadonlyArray<{ from: string; to: string }>;
  readonly metAt: string | null;
  readonly warnedAt: string | null;
  readonly breachedAt: string | null;
}

function toDeadlineView(row: DeadlineRow): DeadlineView {
  const calendar = row.calendar as { kind: string; timeZone?: string };
  return {
    kind: row.kind,
    cycle: row.cycle,
    targetMs: Number(row.target_ms),
    calendar: calendar.kind === 'store' ? `store (${calendar.timeZone ?? ''})` : '24x7',
    startedAt: row.started_at.toISOString(),
    dueAt: row.due_at?.toISOString() ?? null,
    warnAt: row.warn_at?.toISOString() ?? null,
    pausedAt: row.paused_at?.toISOString() ?? null,
    pauses: row.pauses,
    metAt: row.met_at?.toISOString() ?? null,
    warnedAt: row.warned_at?.toISOString() ?? null,
    breachedAt: row.breached_at?.toISOString() ?? null,
  };
}

function toView(row: WorkflowComplaintRow): WorkflowComplaintView {
  return {
    id: row.id,
    reference: row.reference,
    channel: row.channel,
    storeId: row.store_id,
    severity: row.severity,
    state: row.state,
    ownerId: row.owner_id,
    escalationLevel: row.escalation_level,
    receivedAt: row.received_at.toISOString(),
    firstRespondedAt: row.first_responded_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    reopenCount: row.reopen_count,
    resolution: row.resolution,
  };
}

@ApiTags('complaints')
@ApiJwtAuth()
@Controller('complaints')
export class WorkflowComplaintsController {
  constructor(
    private readonly actions: ComplaintActionsService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'Queues: my complaints (owner=me), the unowned email queue (queue=unowned), newest first' })
  @ApiQuerySchema(ListQuery)
  async list(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(ListQuery, 'query')) query: Static<typeof ListQuery>): Promise<{ items: WorkflowComplaintView[] }> {
    const conditions: string[] = [];
    const values: unknown[] = [query.limit];
    const add = (sql: (p: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (query.owner === 'me') add((p) => `owner_id = ${p}`, user.subject);
    if (query.queue === 'unowned') conditions.push('owner_id IS NULL');
    if (query.state !== undefined) add((p) => `state = ${p}`, query.state);
    const scope = storeScope(user);
    if (scope.kind === 'stores') add((p) => `store_id = ANY(${p}::text[])`, scope.storeIds);
    const rows = (await this.dataSource.query(
      `SELECT id, reference, channel, store_id, category, severity, customer_id, state, owner_id, received_at, first_responded_at, resolved_at,
              closed_at, reopen_count, escalation_level, resolution, version
       FROM complaints ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY received_at DESC LIMIT $1`,
      values,
    )) as WorkflowComplaintRow[];
    return { items: rows.map(toView) };
  }

  @Get(':id')
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'A complaint with its SLA deadlines (due, paused, met, warned, breached)' })
  async get(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WorkflowComplaintView & { deadlines: DeadlineView[] }> {
    const { row, deadlines } = await this.actions.view(user, id);
    return { ...toView(row), deadlines: deadlines.map(toDeadlineView) };
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles('agent', 'ops')
  @ApiOperation({ summary: 'Claim an unowned complaint; of concurrent claims one wins, the others get 409 naming the owner' })
  async claim(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WorkflowComplaintView> {
    return toView(await this.actions.claim(user, id));
  }

  @Post(':id/actions')
  @HttpCode(200)
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'A lifecycle action: acknowledge, start, wait_for_customer, resume, resolve, reopen, close (409 with the current state when illegal)' })
  @ApiBody({ schema: ActionBody as object })
  async act(
    @CurrentUser() user: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(ActionBody)) body: Static<typeof ActionBody>,
  ): Promise<WorkflowComplaintView> {
    const action: LifecycleAction = body.action === 'resolve' ? { type: 'resolve', resolution: body.resolution } : { type: body.action };
    return toView(await this.actions.act(user, id, action));
  }

  @Post(':id/notes')
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'Add an internal note (anyone who may see the complaint)' })
  @ApiBody({ schema: NoteBody as object })
  note(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body(new SchemaValidationPipe(NoteBody)) body: Static<typeof NoteBody>) {
    return this.actions.addNote(user, id, body.body);
  }

  @Post(':id/handovers')
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'The owner proposes a hand-over; the owner stays owner until the receiver accepts' })
  @ApiBody({ schema: OwnerChangeBody as object })
  handover(
    @CurrentUser() user: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(OwnerChangeBody)) body: Static<typeof OwnerChangeBody>,
  ) {
    return this.actions.proposeHandover(user, id, body.to, body.reason);
  }

  @Post(':id/handovers/accept')
  @HttpCode(200)
  @Roles('agent', 'store_manager', 'ops')
  async accept(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WorkflowComplaintView> {
    return toView(await this.actions.answerHandover(user, id, true));
  }

  @Post(':id/handovers/decline')
  @HttpCode(200)
  @Roles('agent', 'store_manager', 'ops')
  async decline(@CurrentUser() user: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<WorkflowComplaintView> {
    return toView(await this.actions.answerHandover(user, id, false));
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Operations reassign a complaint, with a mandatory reason (off shift, left)' })
  @ApiBody({ schema: OwnerChangeBody as object })
  async reassign(
    @CurrentUser() user: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new SchemaValidationPipe(OwnerChangeBody)) body: Static<typeof OwnerChangeBody>,
  ): Promise<WorkflowComplaintView> {
    return toView(await this.actions.reassign(user, id, body.to, body.reason));
  }
}
