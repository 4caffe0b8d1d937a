import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, assertResourceStoreAccess, assertStoreAccess, CurrentUser, Roles, storeScope, type Principal } from '@app/auth';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { normaliseEmail, normalisePhone, type PhoneRegion } from '@app/domain';
import { ApiQuerySchema, SchemaValidationPipe } from '@app/platform';
import { Inject } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ComplaintRepository } from '../complaints/complaint.repository';
import { AgentRegistrationService } from './agent-registration.service';
import {
  IDEMPOTENCY_KEY_PATTERN,
  ListComplaintsQuerySchema,
  RegisterComplaintRequestSchema,
  type ComplaintPage,
  type ComplaintView,
  type ListComplaintsQuery,
  type RegisterComplaintRequest,
  type RegisterComplaintResponse,
} from './complaint-api.schema';
import { decodeCursor, encodeCursor, toComplaintView } from './complaint-view.mapper';

const IDEMPOTENCY_KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);
const ID_OR_REFERENCE = /^[A-Za-z0-9-]{1,64}$/;

@ApiTags('complaints')
@ApiJwtAuth()
@Controller('complaints')
export class ComplaintsController {
  private readonly region: PhoneRegion;

  constructor(
    private readonly registration: AgentRegistrationService,
    private readonly complaints: ComplaintRepository,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.region = config.intake.defaultPhoneRegion as PhoneRegion;
  }

  @Post()
  @HttpCode(202)
  @Roles('agent')
  @ApiOperation({ summary: 'Register a hotline complaint taken by the calling agent; answers with its id and reference at once' })
  @ApiBody({ schema: RegisterComplaintRequestSchema as object })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retries with the same key and body answer with the same complaint' })
  async register(
    @CurrentUser() user: Principal,
    @Body(new SchemaValidationPipe(RegisterComplaintRequestSchema)) body: RegisterComplaintRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegisterComplaintResponse> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        reason: 'validation_failed',
        message: `Idempotency-Key must match ${IDEMPOTENCY_KEY_PATTERN}`,
        errors: [{ path: 'header:Idempotency-Key', message: `must match ${IDEMPOTENCY_KEY_PATTERN}` }],
      });
    }
    const result = await this.registration.register(user.subject, body, idempotencyKey ?? null, new Date());
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.setHeader('Location', `/complaints/${result.complaintId}`);
    return { complaintId: result.complaintId, reference: result.reference, status: result.status };
  }

  @Get(':idOrReference')
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'One complaint, by id or by reference (e.g. C-7K4Q-2M9D)' })
  async get(@CurrentUser() user: Principal, @Param('idOrReference') idOrReference: string): Promise<ComplaintView> {
    // Ids and references are letters, digits and dashes; anything else names no complaint, and must not
    // reach the database (a NUL, say, which PostgreSQL refuses in text).
    if (!ID_OR_REFERENCE.test(idOrReference)) throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'complaint_not_found', message: 'no such complaint' });
    const row = await this.complaints.findByIdOrReference(this.dataSource.manager, idOrReference);
    if (row === null) {
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'complaint_not_found', message: `no complaint ${idOrReference}` });
    }
    assertResourceStoreAccess(user, row.store_id, 'complaint');
    return toComplaintView(row, await this.complaints.countForCustomer(this.dataSource.manager, row.customer_id));
  }

  @Get()
  @Roles('agent', 'store_manager', 'ops')
  @ApiOperation({ summary: 'Complaints, newest first, filtered by customer phone or email, status, store or owner=me; paged by cursor' })
  @ApiQuerySchema(ListComplaintsQuerySchema)
  async list(
    @CurrentUser() user: Principal,
    @Query(new SchemaValidationPipe(ListComplaintsQuerySchema, 'query')) query: ListComplaintsQuery,
  ): Promise<ComplaintPage> {
    const invalid = (path: string, message: string) =>
      new BadRequestException({ statusCode: 400, error: 'Bad Request', reason: 'validation_failed', message: `${path} ${message}`, errors: [{ path, message }] });
    const phone = query.phone === undefined ? undefined : normalisePhone(query.phone, this.region);
    if (phone === null) throw invalid('/phone', 'is not a valid phone number');
    const email = query.email === undefined ? undefined : normaliseEmail(query.email);
    if (email === null) throw invalid('/email', 'is not a valid email address');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) throw invalid('/cursor', 'is not a cursor of this API');

    const scope = storeScope(user);
    let storeIds: readonly string[] | undefined = query.store === undefined ? undefined : [query.store];
    if (scope.kind === 'stores') {
      if (query.store !== undefined) assertStoreAccess(user, query.store);
      storeIds = storeIds ?? scope.storeIds;
    }
    const rows = await this.complaints.list(this.dataSource.manager, {
      phone,
      email,
      status: query.status,
      storeIds,
      ownerId: query.owner === 'me' ? user.subject : undefined,
      after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toComplaintView(row)),
      nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor(last) : null,
    };
  }
}
