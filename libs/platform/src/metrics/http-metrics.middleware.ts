import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';

/** Label of requests that matched no route, so scanners cannot explode the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every HTTP request, labelled by method, route template (`/complaints/:id`, never the raw
 * URL) and status code. A middleware rather than an interceptor, so requests refused by a guard
 * or matching no route are counted too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(metrics: MetricsService) {
    this.duration = metrics.histogram(HTTP_REQUEST_DURATION, 'Duration of HTTP requests in seconds', [
      'method',
      'route',
      'status_code',
    ]);
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const stopTimer = this.duration.startTimer();
    response.once('finish', () => {
      stopTimer({ method: request.method, route: routeTemplate(request), status_code: String(response.statusCode) });
    });
    next();
  }
}

/**
 * Express sets `route` on the request when a route handles it, and its path is the declared template.
 * Nest mounts middleware (this one, the request logger) as wildcard routes (`/*path`), so a request
 * whose route is still a wildcard matched no handler. (A handler declared with a wildcard path is
 * counted as unmatched too: the label must never carry the raw URL.)
 */
function routeTemplate(request: Request): string {
  const route: unknown = request.route;
  if (typeof route !== 'object' || route === null || !('path' in route) || typeof route.path !== 'string') {
    return UNMATCHED_ROUTE;
  }
  if (route.path.includes('*')) return UNMATCHED_ROUTE;
  return `${request.baseUrl}${route.path}`;
}
