import { BadRequestException, Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, CurrentUser, Roles, storeScope, type Principal } from '@app/auth';
import { timestampInstant } from '@app/contracts';
import { ApiQuerySchema, SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import { FiguresService, type FigureQuery } from './figures.service';
import { PERIOD_KINDS, periodWindow, SEGMENT_KINDS, type SegmentKind } from './period';

const FiguresQuery = Type.Object(
  {
    period: Type.Union(
      PERIOD_KINDS.map((kind) => Type.Literal(kind)),
      { default: 'month', description: 'day, ISO week or calendar month, in UTC' },
    ),
    date: Type.Optional(Type.String({ format: 'date', description: 'a day within the period (YYYY-MM-DD); today when omitted' })),
    segment: Type.Optional(Type.Union(SEGMENT_KINDS.map((kind) => Type.Literal(kind)))),
    asOf: Type.Optional(Type.String({ format: 'date-time', description: 'the instant the figures are computed as of; now when omitted' })),
  },
  { additionalProperties: false },
);
type FiguresQueryInput = Static<typeof FiguresQuery>;

/**
 * The figures, per period and segment. Operations see every segment; a store manager sees the store
 * segment of their own stores only. Every figure carries its basis (`estimate` or `assumption`), n, and
 * its interval where it has one.
 */
@ApiTags('analytics')
@ApiJwtAuth()
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly figures: FiguresService) {}

  private query(user: Principal, input: FiguresQueryInput): FigureQuery {
    const scope = storeScope(user);
    const segment: SegmentKind = input.segment ?? (scope.kind === 'stores' ? 'store' : 'all');
    if (scope.kind === 'stores' && segment !== 'store') {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        reason: 'store_forbidden',
        message: "a store manager sees the store segment of their own stores only: use segment=store",
      });
    }
    const date = input.date ?? new Date().toISOString().slice(0, 10);
    // RFC 3339 allows a leap second (23:59:60), which Date cannot read: timestampInstant reads it, and
    // refuses instants the database cannot hold.
    const now = input.asOf === undefined ? new Date() : timestampInstant(input.asOf);
    if (now === null) {
      const message = 'must be an instant between the years 0001 and 9999 (UTC)';
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', reason: 'validation_failed', message: `/asOf ${message}`, errors: [{ path: '/asOf', message }] });
    }
    return { window: periodWindow(input.period, date), segment, storeIds: scope.kind === 'stores' ? scope.storeIds : null, now };
  }

  private envelope<T>(query: FigureQuery, items: T) {
    return {
      period: { kind: query.window.kind, from: query.window.from.toISOString(), to: query.window.to.toISOString() },
      segment: query.segment,
      asOf: query.now.toISOString(),
      items,
    };
  }

  private unsupported(segment: SegmentKind): BadRequestException {
    return new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      reason: 'segment_not_supported',
      message: `survey figures are segmented by all or store (the customer's home store), not by ${segment}`,
    });
  }

  @Get('sla')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'SLA compliance, breaches, escalations, median and p90 response and resolution times (wall and business), handling classes' })
  @ApiQuerySchema(FiguresQuery)
  async sla(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    return this.envelope(query, await this.figures.sla(query));
  }

  @Get('retention')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Retention by handling class: Beta–Binomial posterior over the scenario prior, Kaplan–Meier read at 30/90/180 days' })
  @ApiQuerySchema(FiguresQuery)
  async retention(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    return this.envelope(query, await this.figures.retention(query));
  }

  @Get('silent-churn')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Silent dissatisfied and silent lost customers from random surveys (Monte Carlo, fixed seed), with the Chapman cross-check' })
  @ApiQuerySchema(FiguresQuery)
  async silentChurn(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    const items = await this.figures.silentChurn(query);
    if (items === null) throw this.unsupported(query.segment);
    return this.envelope(query, items);
  }

  @Get('revenue')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Revenue lost and at risk (complainants and silent), and the revenue kept by fast handling' })
  @ApiQuerySchema(FiguresQuery)
  async revenue(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    return this.envelope(query, await this.figures.revenue(query));
  }

  @Get('experience-gaps')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Experience − expectation per dimension, weighted by importance, and the key experience to fix first' })
  @ApiQuerySchema(FiguresQuery)
  async experienceGaps(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    const items = await this.figures.experienceGaps(query);
    if (items === null) throw this.unsupported(query.segment);
    return this.envelope(query, items);
  }

  @Get('peak-end')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: 'Peak–end score per complaint (0–10, 10 best), averaged per segment' })
  @ApiQuerySchema(FiguresQuery)
  async peakEnd(@CurrentUser() user: Principal, @Query(new SchemaValidationPipe(FiguresQuery, 'query')) input: FiguresQueryInput) {
    const query = this.query(user, input);
    return this.envelope(query, await this.figures.peakEnd(query));
  }
}
