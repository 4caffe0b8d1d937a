import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AnalyticsConfig, type AppConfig } from '@app/config';
import {
  betaBinomialPosterior,
  betaQuantile,
  chapmanEstimate,
  DEFAULT_SCENARIO,
  estimateSilentChurn,
  experienceGaps,
  EXPERIENCE_DIMENSIONS,
  fastHandlingDividend,
  HANDLING_CLASSES,
  handlingClass,
  kaplanMeier,
  median,
  peakEndScore,
  percentile,
  retentionObservation,
  survivalAt,
  withScenario,
  type BetaPosterior,
  type DimensionScore,
  type ExperienceDimension,
  type HandlingClass,
  type ScenarioParameters,
  type SurvivalObservation,
} from '@app/domain';
import { FigureDataRepository, type ComplaintFacts, type SurveyFacts } from './figure-data.repository';
import { groupBy, segmentValue, type PeriodWindow, type SegmentKind } from './period';

/**
 * A figure and what it rests on: `estimate` when computed from events (with n, the data behind it),
 * `assumption` when it rests on the scenario parameters alone.
 */
export interface Figure {
  readonly value: number | null;
  readonly basis: 'estimate' | 'assumption';
  readonly n: number;
  readonly interval?: readonly [number, number];
}

export interface FigureQuery {
  readonly window: PeriodWindow;
  readonly segment: SegmentKind;
  /** Null for every store; a store manager's stores otherwise. */
  readonly storeIds: readonly string[] | null;
  readonly now: Date;
}

const CREDIBILITY = 0.9;
const DAY_MS = 86_400_000;
const SURVIVAL_READINGS_DAYS = [30, 90, 180] as const;
const SMALL_SURVEY = 100;
const FEW_MATCHED = 0.5;

function measured(value: number | null, n: number, interval?: readonly [number, number]): Figure {
  return interval === undefined ? { value, basis: 'estimate', n } : { value, basis: 'estimate', n, interval };
}

/** A share k/n with the equal-tailed 90% interval of its uniform-prior Beta(1 + k, 1 + n − k) posterior. */
function share(k: number, n: number): Figure {
  if (n === 0) return measured(null, 0);
  const [low, high] = [(1 - CREDIBILITY) / 2, 1 - (1 - CREDIBILITY) / 2];
  return measured(k / n, n, [betaQuantile(low, 1 + k, 1 + n - k), betaQuantile(high, 1 + k, 1 + n - k)]);
}

function distribution(values: readonly number[]) {
  return { median: measured(median(values), values.length), p90: measured(percentile(values, 0.9), values.length) };
}

function posteriorFigure(posterior: BetaPosterior): Figure & { dataWeight: number; prior: number } {
  const prior = (posterior.alpha - posterior.successes) / (posterior.alpha + posterior.beta - posterior.n);
  return { value: posterior.mean, basis: posterior.basis, n: posterior.n, interval: posterior.interval, dataWeight: posterior.dataWeight, prior };
}

interface CustomerOutcomes {
  readonly purchases: Map<string, Date[]>;
  readonly churns: Map<string, Date>;
}

const ms = (from: Date, to: Date) => to.getTime() - from.getTime();

/**
 * The figures of the analytics API, computed on read from the live projection: SLA, handling classes,
 * retention, silent churn, revenue, peak–end and experience gaps, per period and segment. The same
 * projection and `now` always give the same figures (the Monte Carlo has a fixed seed).
 */
@Injectable()
export class FiguresService {
  readonly scenario: ScenarioParameters;
  readonly settings: AnalyticsConfig;

  constructor(
    private readonly data: FigureDataRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settings = config.analytics;
    this.scenario = config.analytics.scenarioOverrides === null ? DEFAULT_SCENARIO : withScenario(DEFAULT_SCENARIO, config.analytics.scenarioOverrides);
  }

  private async complaints(query: FigureQuery): Promise<Array<[string, ComplaintFacts[]]>> {
    const rows = await this.data.complaints(query.window.from, query.window.to, query.storeIds);
    return groupBy(rows, (row) => segmentValue(query.segment, row));
  }

  private classOf(row: ComplaintFacts, now: Date): HandlingClass | null {
    return handlingClass(
      {
        resolvedAt: row.state === 'reopened' || row.state === 'in_progress' || row.state === 'waiting_customer' ? null : row.resolved_at,
        closedAt: row.closed_at,
        resolutionDueAt: row.resolution_due_at,
        breaches: row.breaches,
        reopenCount: row.reopen_count,
        closedUnresolved: row.closed_at !== null && row.resolved_at === null,
      },
      now,
    );
  }

  async sla(query: FigureQuery) {
    const groups = await this.complaints(query);
    return groups.map(([segment, rows]) => {
      const firstDecided = rows.filter((row) => row.fr_met_at !== null || row.fr_breached_at !== null);
      const firstInTime = firstDecided.filter((row) => row.fr_breached_at === null).length;
      const firstWall = rows.filter((row) => row.first_response_at !== null).map((row) => ms(row.received_at, row.first_response_at as Date));
      const firstBusiness = rows.filter((row) => row.fr_business_ms !== null).map((row) => Number(row.fr_business_ms));
      const resolved = rows.filter((row) => row.resolved_at !== null && (row.state === 'resolved' || row.state === 'closed'));
      const resolutionDecided = rows.filter((row) => resolved.includes(row) || row.resolution_breaches > 0);
      const resolutionInTime = resolutionDecided.filter((row) => resolved.includes(row) && row.resolution_breaches === 0).length;
      return {
        segment: { kind: query.segment, value: segment },
        complaints: measured(rows.length, rows.length),
        firstResponse: {
          compliance: share(firstInTime, firstDecided.length),
          breaches: measured(firstDecided.length - firstInTime, rows.length),
          wallTimeMs: distribution(firstWall),
          businessTimeMs: distribution(firstBusiness),
        },
        resolution: {
          compliance: share(resolutionInTime, resolutionDecided.length),
          breaches: measured(rows.reduce((sum, row) => sum + row.resolution_breaches, 0), rows.length),
          wallTimeMs: distribution(resolved.map((row) => ms(row.received_at, row.resolved_at as Date))),
          businessTimeMs: distribution(resolved.filter((row) => row.resolution_business_ms !== null).map((row) => Number(row.resolution_business_ms))),
        },
        breaches: measured(rows.reduce((sum, row) => sum + row.breaches, 0), rows.length),
        escalations: {
          escalated: measured(rows.filter((row) => row.highest_escalation >= 1).length, rows.length),
          toOperations: measured(rows.filter((row) => row.highest_escalation >= 2).length, rows.length),
        },
        handlingClasses: this.classCounts(rows, query.now),
      };
    });
  }

  private classCounts(rows: readonly ComplaintFacts[], now: Date) {
    const counts: Record<HandlingClass | 'open', number> = { resolved_fast: 0, resolved_slow: 0, unresolved: 0, open: 0 };
    for (const row of rows) counts[this.classOf(row, now) ?? 'open'] += 1;
    return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, measured(count, rows.length)]));
  }

  /** The purchases and losses of every complainant among these complaints, read once for all segments. */
  private async customerOutcomes(groups: ReadonlyArray<[string, ComplaintFacts[]]>, now: Date): Promise<CustomerOutcomes> {
    const rows = groups.flatMap(([, group]) => group);
    const customers = [...new Set(rows.map((row) => row.customer_id).filter((id): id is string => id !== null))];
    const earliest = rows.reduce((min, row) => (row.received_at < min ? row.received_at : min), now);
    const [purchases, churns] = await Promise.all([this.data.purchasesOf(customers, earliest), this.data.churnsOf(customers)]);
    return { purchases, churns };
  }

  /** Retention per handling class of the segment's complainants, with what revenue needs of it. */
  private retentionOf(rows: readonly ComplaintFacts[], now: Date, { purchases, churns }: CustomerOutcomes) {
    const classes = new Map<HandlingClass, { complaints: number; trials: number; retained: number; open: number; observations: SurvivalObservation[] }>(
      HANDLING_CLASSES.map((name) => [name, { complaints: 0, trials: 0, retained: 0, open: 0, observations: [] }]),
    );
    for (const row of rows) {
      const name = this.classOf(row, now);
      if (name === null || row.customer_id === null) continue;
      const entry = classes.get(name)!;
      const observed = retentionObservation({
        receivedAt: row.received_at,
        purchases: purchases.get(row.customer_id) ?? [],
        churnedAt: churns.get(row.customer_id) ?? null,
        horizonDays: this.scenario.horizonDays,
        now,
      });
      entry.complaints += 1;
      entry.observations.push(observed.observation);
      if (observed.retained === null) entry.open += 1;
      else {
        entry.trials += 1;
        if (observed.retained) entry.retained += 1;
      }
    }
    return HANDLING_CLASSES.map((name) => {
      const entry = classes.get(name)!;
      const posterior = betaBinomialPosterior({
        successes: entry.retained,
        trials: entry.trials,
        priorMean: this.scenario.classRetention[name],
        priorWeight: this.scenario.priorWeight,
        credibility: CREDIBILITY,
      });
      const curve = kaplanMeier(entry.observations, CREDIBILITY);
      return { name, ...entry, posterior, curve };
    });
  }

  async retention(query: FigureQuery) {
    const groups = await this.complaints(query);
    const outcomes = await this.customerOutcomes(groups, query.now);
    return groups.map(([segment, rows]) => {
        const classes = this.retentionOf(rows, query.now, outcomes);
        return {
          segment: { kind: query.segment, value: segment },
          horizonDays: this.scenario.horizonDays,
          classes: Object.fromEntries(
            classes.map((entry) => [
              entry.name,
              {
                complaints: measured(entry.complaints, entry.complaints),
                outcomeOpen: measured(entry.open, entry.complaints),
                retention: posteriorFigure(entry.posterior),
                survival: SURVIVAL_READINGS_DAYS.map((days) => {
                  const reading = survivalAt(entry.curve, days);
                  return {
                    days,
                    retained: entry.observations.length === 0 ? { value: null, basis: 'estimate', n: 0 } : measured(reading.survival, reading.atRisk, [reading.lower, reading.upper]),
                  };
                }),
              },
            ]),
          ),
        };
      });
  }

  /** The surveys of the period by segment: the store segment is each customer's home store. */
  private async surveyGroups(query: FigureQuery): Promise<{ groups: Array<[string, SurveyFacts[]]>; supported: boolean }> {
    if (query.segment !== 'all' && query.segment !== 'store') return { groups: [], supported: false };
    const surveys = await this.data.surveys(query.window.from, query.window.to);
    if (query.segment === 'all' && query.storeIds === null) return { groups: surveys.length === 0 ? [['all', []]] : [['all', surveys]], supported: true };
    const homes = await this.data.homeStores([...new Set(surveys.map((survey) => survey.customer_id))]);
    const scoped = surveys.filter((survey) => query.storeIds === null || query.storeIds.includes(homes.get(survey.customer_id) ?? ''));
    const groups = groupBy(scoped, (survey) => (query.segment === 'all' ? 'all' : (homes.get(survey.customer_id) ?? '(none)')));
    return { groups, supported: true };
  }

  async silentChurn(query: FigureQuery) {
    const { groups, supported } = await this.surveyGroups(query);
    if (!supported) return null;
    const complaintRows = await this.data.complaints(query.window.from, query.window.to, query.storeIds);
    return Promise.all(groups.map(([segment, surveys]) => this.silentChurnOf(query, segment, surveys, complaintRows)));
  }

  private async silentChurnOf(query: FigureQuery, segment: string, surveys: readonly SurveyFacts[], complaintRows: readonly ComplaintFacts[]) {
    const { scenario, settings } = this;
    const customers = [...new Set(surveys.map((survey) => survey.customer_id))];
    const [firstComplaints, known, purchases, churns] = await Promise.all([
      this.data.firstComplaintOf(customers, query.now),
      this.data.knownCustomers(customers),
      this.data.purchasesOf(customers, query.window.from),
      this.data.churnsOf(customers),
    ]);
    const complained = (survey: SurveyFacts) => {
      const first = firstComplaints.get(survey.customer_id);
      return first !== undefined && first <= survey.sampled_at;
    };
    const dissatisfied = surveys.filter((survey) => survey.dissatisfied);
    const withComplaint = dissatisfied.filter(complained);
    const silentRetention = { retained: 0, observed: 0 };
    for (const survey of dissatisfied.filter((candidate) => !complained(candidate))) {
      const observed = retentionObservation({
        receivedAt: survey.sampled_at,
        purchases: purchases.get(survey.customer_id) ?? [],
        churnedAt: churns.get(survey.customer_id) ?? null,
        horizonDays: scenario.horizonDays,
        now: query.now,
      });
      if (observed.retained === null) continue;
      silentRetention.observed += 1;
      if (observed.retained) silentRetention.retained += 1;
    }
    const segmentStores = query.segment === 'store' ? [segment] : query.storeIds;
    const complainants = new Set(
      complaintRows.filter((row) => segmentStores === null || segmentStores.includes(row.store_id ?? '')).map((row) => row.customer_id),
    ).size;
    const activeFrom = new Date(query.window.to.getTime() - settings.activeWindowDays * DAY_MS);
    const active =
      settings.activeCustomers !== null && query.segment === 'all' && query.storeIds === null
        ? { value: settings.activeCustomers, source: 'configured' as const }
        : { value: await this.data.activeCustomers(activeFrom, query.window.to, segmentStores), source: 'purchases' as const };
    const flags: string[] = [];
    if (surveys.length === 0) flags.push('no_surveys');
    else if (surveys.length < SMALL_SURVEY) flags.push('small_survey');
    const matchedShare = surveys.length === 0 ? null : surveys.filter((survey) => known.has(survey.customer_id)).length / surveys.length;
    if (matchedShare !== null && matchedShare < FEW_MATCHED) flags.push('few_matched_customers');
    if (active.value === 0) flags.push('no_active_customers');
    const base = {
      segment: { kind: query.segment, value: segment },
      respondents: measured(surveys.length, surveys.length),
      dissatisfied: measured(dissatisfied.length, surveys.length),
      dissatisfiedWithComplaint: measured(withComplaint.length, dissatisfied.length),
      complainants: measured(complainants, complainants),
      activeCustomers: { ...measured(active.value, active.value), source: active.source },
      dataQuality: { flags, matchedShare },
    };

    if (surveys.length === 0) {
      // Scenario mode: the complaints are the visible share r of the dissatisfied (the iceberg).
      const rate = scenario.complaintRate;
      const silent = rate > 0 ? (complainants * (1 - rate)) / rate : null;
      const assumption = (value: number | null): Figure => ({ value, basis: 'assumption', n: 0 });
      return {
        ...base,
        dissatisfiedShare: assumption(null),
        complainShare: assumption(rate),
        silentDissatisfied: assumption(silent),
        silentRetention: assumption(scenario.silentRetention),
        silentLost: assumption(silent === null ? null : silent * scenario.silentOutcomes.lost),
        silentAtRisk: assumption(silent === null ? null : silent * scenario.silentOutcomes.atRisk),
        capture: null,
        monteCarlo: null,
      };
    }
    const estimate = estimateSilentChurn({
      respondents: surveys.length,
      dissatisfied: dissatisfied.length,
      dissatisfiedWithComplaint: withComplaint.length,
      activeCustomers: active.value,
      silentRetention,
      priorSilentRetention: scenario.silentRetention,
      priorWeight: scenario.priorWeight,
      draws: settings.monteCarloDraws,
      seed: settings.monteCarloSeed,
      credibility: CREDIBILITY,
    });
    const summary = (value: { median: number; interval: readonly [number, number] }, n: number, basis: 'estimate' | 'assumption' = 'estimate'): Figure => ({
      value: value.median,
      basis,
      n,
      interval: value.interval,
    });
    const chapman = dissatisfied.length > 0 && withComplaint.length <= Math.min(complainants, dissatisfied.length)
      ? chapmanEstimate(complainants, dissatisfied.length, withComplaint.length)
      : null;
    // Capture–recapture needs the survey's complainants among the period's complainants.
    if (chapman === null && dissatisfied.length > 0) flags.push('capture_not_comparable');
    // The normal quantile of the 90% interval, for the Chapman estimate's normal approximation.
    const z = 1.6448536269514722;
    const retentionBasis = silentRetention.observed === 0 ? 'assumption' : 'estimate';
    return {
      ...base,
      dissatisfiedShare: summary(estimate.dissatisfiedShare, surveys.length),
      complainShare: summary(estimate.complainShare, dissatisfied.length),
      silentDissatisfied: summary(estimate.silentDissatisfied, surveys.length),
      silentRetention: summary(estimate.silentRetention, silentRetention.observed, retentionBasis),
      silentLost: summary(estimate.silentLost, surveys.length),
      silentAtRisk: measured(Math.max(0, estimate.silentDissatisfied.median - estimate.silentLost.median), surveys.length),
      capture:
        chapman === null
          ? null
          : {
              method: 'chapman',
              dissatisfiedEstimate: measured(chapman.estimate, dissatisfied.length, [
                Math.max(0, chapman.estimate - z * Math.sqrt(chapman.variance)),
                chapman.estimate + z * Math.sqrt(chapman.variance),
              ]),
            },
      monteCarlo: { draws: estimate.draws, seed: estimate.seed },
    };
  }

  private annualValue(segmentKind: SegmentKind, segment: string): number {
    if (segmentKind === 'store') return this.settings.storeAnnualValues[segment] ?? this.settings.annualValuePerCustomer;
    return this.settings.annualValuePerCustomer;
  }

  async revenue(query: FigureQuery) {
    const groups = await this.complaints(query);
    const silent = await this.silentChurn({ ...query, segment: query.segment === 'store' ? 'store' : 'all' });
    const outcomes = await this.customerOutcomes(groups, query.now);
    return groups.map(([segment, rows]) => {
        const classes = this.retentionOf(rows, query.now, outcomes);
        const value = this.annualValue(query.segment, segment);
        const byName = new Map(classes.map((entry) => [entry.name, entry]));
        const lost = classes.reduce((sum, entry) => sum + entry.complaints * (1 - entry.posterior.mean), 0);
        const lostInterval: [number, number] = [
          classes.reduce((sum, entry) => sum + entry.complaints * (1 - entry.posterior.interval[1]), 0),
          classes.reduce((sum, entry) => sum + entry.complaints * (1 - entry.posterior.interval[0]), 0),
        ];
        const trials = classes.reduce((sum, entry) => sum + entry.trials, 0);
        const complainantsBasis = trials === 0 ? 'assumption' : 'estimate';
        const atRisk = classes.reduce((sum, entry) => sum + entry.open, 0);
        const silentGroup = query.segment === 'all' || query.segment === 'store' ? silent?.find((entry) => entry.segment.value === segment) : undefined;
        const fast = byName.get('resolved_fast')!;
        const slowCount = (byName.get('resolved_slow')?.complaints ?? 0) + (byName.get('unresolved')?.complaints ?? 0);
        const slowRetention =
          slowCount === 0
            ? byName.get('resolved_slow')!.posterior.mean
            : ((byName.get('resolved_slow')?.complaints ?? 0) * byName.get('resolved_slow')!.posterior.mean +
                (byName.get('unresolved')?.complaints ?? 0) * byName.get('unresolved')!.posterior.mean) /
              slowCount;
        const money = (figure: Figure): Figure => ({
          ...figure,
          value: figure.value === null ? null : figure.value * value,
          ...(figure.interval === undefined ? {} : { interval: [figure.interval[0] * value, figure.interval[1] * value] as const }),
        });
        const complainantsLost: Figure = { value: lost, basis: complainantsBasis, n: trials, interval: lostInterval };
        const complainantsAtRisk = measured(atRisk, rows.length);
        const silentLost = silentGroup?.silentLost ?? null;
        const silentAtRisk = silentGroup?.silentAtRisk ?? null;
        const total = (figures: Array<Figure | null>): Figure => {
          const present = figures.filter((figure): figure is Figure => figure !== null && figure.value !== null);
          return {
            value: present.reduce((sum, figure) => sum + (figure.value ?? 0), 0) * value,
            basis: present.some((figure) => figure.basis === 'assumption') ? 'assumption' : 'estimate',
            n: present.reduce((sum, figure) => sum + figure.n, 0),
          };
        };
        return {
          segment: { kind: query.segment, value: segment },
          annualValuePerCustomer: value,
          dataQuality: { flags: value === 0 ? ['annual_value_not_configured'] : [] },
          complainants: {
            lostCustomers: complainantsLost,
            atRiskCustomers: complainantsAtRisk,
            lostRevenue: money(complainantsLost),
            atRiskRevenue: money(complainantsAtRisk),
          },
          silent:
            silentGroup === undefined
              ? null
              : { lostCustomers: silentLost, atRiskCustomers: silentAtRisk, lostRevenue: silentLost && money(silentLost), atRiskRevenue: silentAtRisk && money(silentAtRisk) },
          lostRevenue: total([complainantsLost, silentLost]),
          atRiskRevenue: total([complainantsAtRisk, silentAtRisk]),
          fastHandling: {
            slowOrUnresolvedComplaints: measured(slowCount, rows.length),
            keptRevenue: {
              value: fastHandlingDividend({ complainants: slowCount, fastRetention: fast.posterior.mean, slowRetention, annualValuePerCustomer: value }).keptRevenue,
              basis: fast.trials === 0 || slowCount === 0 ? 'assumption' : complainantsBasis,
              n: trials,
            } satisfies Figure,
          },
        };
      });
  }

  async peakEnd(query: FigureQuery) {
    const groups = await this.complaints(query);
    const customers = [...new Set(groups.flatMap(([, rows]) => rows.map((row) => row.customer_id)).filter((id): id is string => id !== null))];
    const surveys = await this.data.surveysOf(customers, query.window.from);
    const horizonMs = this.scenario.horizonDays * DAY_MS;
    return groups.map(([segment, rows]) => {
      const scores = rows.flatMap((row) => {
        const answer = (surveys.get(row.customer_id ?? '') ?? []).find(
          (survey) => survey.sampled_at >= row.received_at && survey.sampled_at.getTime() <= row.received_at.getTime() + horizonMs,
        );
        const score = peakEndScore({
          breaches: row.breaches,
          highestEscalationLevel: row.highest_escalation,
          reopenCount: row.reopen_count,
          longestWaitHours: Number(row.longest_wait_ms) / 3_600_000,
          handlingClass: this.classOf(row, query.now),
          satisfaction: answer === undefined ? null : { dissatisfied: answer.dissatisfied, score: answer.satisfaction, scale: answer.satisfaction === null ? null : 1 },
        });
        return score === null ? [] : [score];
      });
      const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);
      return {
        segment: { kind: query.segment, value: segment },
        scale: { min: 0, max: 10, best: 10 },
        complaints: measured(rows.length, rows.length),
        peak: measured(mean(scores.map((score) => score.peak)), scores.length),
        end: measured(mean(scores.map((score) => score.end)), scores.length),
        score: measured(mean(scores.map((score) => score.score)), scores.length),
      };
    });
  }

  async experienceGaps(query: FigureQuery) {
    const { groups, supported } = await this.surveyGroups(query);
    if (!supported) return null;
    return groups.map(([segment, surveys]) => {
      const scores: DimensionScore[] = surveys.flatMap((survey) =>
        Object.entries(survey.dimensions ?? {})
          .filter(([dimension]) => (EXPERIENCE_DIMENSIONS as readonly string[]).includes(dimension))
          .map(([dimension, score]) => ({ dimension: dimension as ExperienceDimension, ...score })),
      );
      const result = experienceGaps(scores);
      return {
        segment: { kind: query.segment, value: segment },
        surveys: measured(surveys.filter((survey) => survey.dimensions !== null).length, surveys.length),
        gaps: result.gaps.map((gap) => ({ ...gap, basis: 'estimate' as const })),
        keyExperience: result.keyExperience,
      };
    });
  }
}
