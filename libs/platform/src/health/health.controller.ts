import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig, type ServiceName } from '@app/config';
import type { Response } from 'express';
import { Public } from '@app/auth';
import { ReadinessRegistry, type ReadinessReport } from './readiness.registry';

export interface HealthReport {
  readonly status: 'ok' | 'shutting_down';
  readonly service: ServiceName;
}

/** Liveness and readiness probes; public, so orchestrators and load balancers need no token. */
@Public()
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('health')
  @ApiOkResponse({ description: 'The process is running.' })
  @ApiServiceUnavailableResponse({ description: 'The process is shutting down.' })
  health(@Res({ passthrough: true }) response: Response): HealthReport {
    const service = this.config.service.name;
    if (this.readiness.shuttingDown) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down', service };
    }
    return { status: 'ok', service };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency answered in time.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency failed or timed out, or the service is shutting down.' })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.readiness.run();
    response.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
