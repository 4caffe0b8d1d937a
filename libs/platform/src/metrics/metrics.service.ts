import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

type MetricClass = typeof Counter | typeof Gauge | typeof Histogram;

/**
 * Creates metrics in the service's own registry. Asking twice for the same name returns the metric
 * already registered, so modules (and tests that build several apps) can ask without coordinating.
 */
@Injectable()
export class MetricsService {
  constructor(readonly registry: Registry) {}

  counter<Label extends string = string>(name: string, help: string, labelNames: readonly Label[] = []): Counter<Label> {
    return (
      this.existing(name, Counter) ?? new Counter<Label>({ name, help, labelNames, registers: [this.registry] })
    );
  }

  gauge<Label extends string = string>(name: string, help: string, labelNames: readonly Label[] = []): Gauge<Label> {
    return this.existing(name, Gauge) ?? new Gauge<Label>({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<Label extends string = string>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
    buckets?: readonly number[],
  ): Histogram<Label> {
    return (
      this.existing(name, Histogram) ??
      new Histogram<Label>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        ...(buckets === undefined ? {} : { buckets: [...buckets] }),
      })
    );
  }

  /** The registry in the Prometheus text exposition format. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private existing<Kind extends MetricClass>(name: string, kind: Kind): InstanceType<Kind> | undefined {
    const metric = this.registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof kind)) {
      throw new Error(`metric ${name} is already registered as a ${metric.constructor.name}, not a ${kind.name}`);
    }
    return metric as InstanceType<Kind>;
  }
}
