import { Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJwtAuth, CurrentUser, Roles, type Principal } from '@app/auth';
import { RecomputeService } from './recompute.service';

@ApiTags('analytics')
@ApiJwtAuth()
@Controller('analytics/recompute')
export class RecomputeController {
  constructor(private readonly recompute: RecomputeService) {}

  @Post()
  @HttpCode(202)
  @Roles('ops')
  @ApiOperation({ summary: 'Replay the events topic into a shadow projection and swap it in; 409 while one runs' })
  async start(@CurrentUser() user: Principal) {
    const { id } = await this.recompute.start(user.subject);
    return { id, status: '/analytics/recompute' };
  }

  @Get()
  @Roles('ops')
  @ApiOperation({ summary: 'Progress of the latest recompute: events done of total, rate, time left' })
  async status() {
    const latest = await this.recompute.rebuilder.latest();
    if (latest === null) throw new NotFoundException({ statusCode: 404, error: 'Not Found', reason: 'no_recompute', message: 'no recompute has run yet' });
    return latest;
  }
}
