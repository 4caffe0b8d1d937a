import { BadRequestException, Body, Controller, Get, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, assertStoreAccess, CurrentUser, Roles, type Principal } from '@app/auth';
import { businessCalendarProblems, type StoreCalendar } from '@app/domain';
import { SchemaValidationPipe } from '@app/platform';
import { Type, type Static } from '@sinclair/typebox';
import { DataSource } from 'typeorm';

const Opening = Type.Object(
  { open: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), close: Type.String({ pattern: '^\\d{2}:\\d{2}$' }) },
  { additionalProperties: false },
);
const CalendarBody = Type.Object(
  {
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone, e.g. 'Europe/London'" }),
    openingHours: Type.Object(
      Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((day) => [day, Type.Optional(Type.Array(Opening, { maxItems: 8 }))])),
      { additionalProperties: false, description: 'Openings per ISO weekday (1 = Monday), local time; a missing day is closed' },
    ),
    holidays: Type.Array(Type.String({ format: 'date' }), { maxItems: 366, uniqueItems: true, default: [] }),
  },
  { additionalProperties: false, title: 'StoreCalendar' },
);
const StoreId = /^[A-Za-z0-9_-]{1,64}$/;

interface CalendarRow {
  store_id: string;
  time_zone: string;
  opening_hours: StoreCalendar['openingHours'];
  holidays: string[];
  updated_at: Date;
}

function toView(row: CalendarRow) {
  return { storeId: row.store_id, timeZone: row.time_zone, openingHours: row.opening_hours, holidays: row.holidays, updatedAt: row.updated_at.toISOString() };
}

function checkedStoreId(storeId: string): string {
  if (!StoreId.test(storeId)) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', reason: 'invalid_store_id', message: 'a store id is 1–64 letters, digits, _ or -' });
  return storeId;
}

/**
 * Store calendars: the opening hours, holidays and time zone against which a store's SLA deadlines run.
 * A calendar applies to the deadlines of complaints raised in the store after it is set; a store without
 * one runs 24×7 like the hotline.
 */
@ApiTags('stores')
@ApiJwtAuth()
@Controller('stores')
export class StoreCalendarsController {
  constructor(private readonly dataSource: DataSource) {}

  @Put(':storeId/calendar')
  @Roles('ops')
  @ApiOperation({ summary: "Set a store's business calendar (400 listing every problem: unknown zone, overlapping hours, never open…)" })
  @ApiBody({ schema: CalendarBody as object })
  async put(@Param('storeId') storeId: string, @Body(new SchemaValidationPipe(CalendarBody)) body: Static<typeof CalendarBody>) {
    const calendar = { kind: 'store', timeZone: body.timeZone, openingHours: body.openingHours, holidays: body.holidays } as StoreCalendar;
    const problems = businessCalendarProblems(calendar);
    if (problems.length > 0) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', reason: 'invalid_calendar', message: problems.join('; '), problems });
    }
    const [row] = (await this.dataSource.query(
      `INSERT INTO store_calendars (store_id, time_zone, opening_hours, holidays, updated_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, now())
       ON CONFLICT (store_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, opening_hours = EXCLUDED.opening_hours,
         holidays = EXCLUDED.holidays, updated_at = now()
       RETURNING store_id, time_zone, opening_hours, holidays, updated_at`,
      [checkedStoreId(storeId), body.timeZone, JSON.stringify(body.openingHours), JSON.stringify(body.holidays)],
    )) as CalendarRow[];
    return toView(row as CalendarRow);
  }

  @Get(':storeId/calendar')
  @Roles('store_manager', 'ops')
  @ApiOperation({ summary: "A store's business calendar (404 when the store runs 24×7)" })
  async get(@CurrentUser() user: Principal, @Param('storeId') storeId: string) {
    assertStoreAccess(user, checkedStoreId(storeId));
    const [row] = (await this.dataSource.query(
      'SELECT store_id, time_zone, opening_hours, holidays, updated_at FROM store_calendars WHERE store_id = $1',
      [storeId],
    )) as CalendarRow[];
    if (row === undefined) throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'calendar_not_found', message: `store ${storeId} has no calendar; it runs 24×7` });
    return toView(row);
  }
}
