import { Controller, Get, Headers, HttpCode, NotFoundException, Param, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, CurrentUser, Roles, type Principal } from '@app/auth';
import { ApiQuerySchema, SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import type { Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AlertStreamService } from './alert-stream.service';
import { toAlertView, type AlertView } from './alert-view.mapper';
import { AlertsRepository } from './alerts.repository';

const ListAlertsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

const StreamQuery = Type.Object(
  { lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) },
  { additionalProperties: false },
);

const AlertId = /^[0-9]{1,18}$/;

@ApiTags('alerts')
@ApiJwtAuth()
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly stream: AlertStreamService,
  ) {}

  @Get()
  @Roles('ops')
  @ApiOperation({ summary: 'SLA warnings, breaches and escalations, newest first' })
  @ApiQuerySchema(ListAlertsQuery)
  async list(@Query(new SchemaValidationPipe(ListAlertsQuery, 'query')) query: Static<typeof ListAlertsQuery>): Promise<{ items: AlertView[] }> {
    const rows = await this.alerts.list(this.dataSource.manager, query.status, query.limit);
    return { items: rows.map(toAlertView) };
  }

  /**
   * Live alerts as Server-Sent Events; each event's id is the alert id. A client that reconnects with
   * the Last-Event-ID header (or ?lastEventId=) receives every alert after it, then the live ones.
   */
  @Sse('stream')
  @Roles('ops')
  @ApiOperation({ summary: 'Live alerts (Server-Sent Events), resumable with Last-Event-ID' })
  @ApiQuerySchema(StreamQuery)
  live(
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query(new SchemaValidationPipe(StreamQuery, 'query')) query: Static<typeof StreamQuery>,
  ): Observable<MessageEvent> {
    const fromHeader = lastEventIdHeader !== undefined && AlertId.test(lastEventIdHeader) ? lastEventIdHeader : undefined;
    return this.stream.stream(fromHeader ?? query.lastEventId ?? '0', undefined);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Acknowledge an alert' })
  async acknowledge(@CurrentUser() user: Principal, @Param('id') id: string): Promise<AlertView> {
    const notFound = () => new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'alert_not_found', message: `no alert ${id}` });
    if (!AlertId.test(id)) throw notFound();
    const row = await this.alerts.acknowledge(this.dataSource.manager, id, user.subject, new Date());
    if (row === null) throw notFound();
    return toAlertView(row);
  }
}
