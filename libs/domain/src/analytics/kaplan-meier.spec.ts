import { kaplanMeier, retentionObservation, survivalAt, type RetentionFacts, type SurvivalObservation } from './kaplan-meier';

const lost = (timeDays: number): SurvivalObservation => ({ timeDays, event: true });
const censored = (timeDays: number): SurvivalObservation => ({ timeDays, event: false });

/**
 * The 6-MP arm of Freireich et al. (1963), the textbook Kaplan–Meier example (Gehan 1965; Klein &
 * Moeschberger §4.2): 21 patients, times in weeks, 9 relapses and 12 censored.
 */
const SIX_MP: readonly SurvivalObservation[] = [
  lost(6), lost(6), lost(6), censored(6), lost(7), censored(9), lost(10), censored(10), censored(11), lost(13), lost(16),
  censored(17), censored(19), censored(20), lost(22), lost(23), censored(25), censored(32), censored(32), censored(34),
  censored(35),
];

/** By hand: at each relapse time, survival × (1 − d/n) and Greenwood's Σ d/(n(n − d)). */
const SIX_MP_BY_HAND = (() => {
  const steps = [
    { timeDays: 6, atRisk: 21, events: 3, censored: 1 },
    { timeDays: 7, atRisk: 17, events: 1, censored: 0 },
    { timeDays: 10, atRisk: 15, events: 1, censored: 1 },
    { timeDays: 13, atRisk: 12, events: 1, censored: 0 },
    { timeDays: 16, atRisk: 11, events: 1, censored: 0 },
    { timeDays: 22, atRisk: 7, events: 1, censored: 0 },
    { timeDays: 23, atRisk: 6, events: 1, censored: 0 },
  ];
  let survival = 1;
  let greenwood = 0;
  return steps.map((step) => {
    survival *= (step.atRisk - step.events) / step.atRisk;
    greenwood += step.events / (step.atRisk * (step.atRisk - step.events));
    return { ...step, survival, variance: survival ** 2 * greenwood };
  });
})();

/** As published for this data (R's survfit, conf.type = "log-log", 95%), to three decimals. */
const SIX_MP_PUBLISHED = [
  { timeDays: 6, survival: 0.857, stdErr: 0.0764, lower: 0.62, upper: 0.952 },
  { timeDays: 7, survival: 0.807, stdErr: 0.0869, lower: 0.563, upper: 0.923 },
  { timeDays: 10, survival: 0.753, stdErr: 0.0963, lower: 0.503, upper: 0.889 },
  { timeDays: 13, survival: 0.69, stdErr: 0.1068, lower: 0.432, upper: 0.849 },
  { timeDays: 16, survival: 0.627, stdErr: 0.1141, lower: 0.368, upper: 0.805 },
  { timeDays: 22, survival: 0.538, stdErr: 0.1282, lower: 0.268, upper: 0.747 },
  { timeDays: 23, survival: 0.448, stdErr: 0.1346, lower: 0.188, upper: 0.68 },
];

describe('kaplanMeier', () => {
  const curve = kaplanMeier(SIX_MP, 0.95);

  it('steps down at each relapse time only, with the survival and Greenwood variance worked by hand', () => {
    expect(curve.map(({ timeDays, atRisk, events, censored: c }) => ({ timeDays, atRisk, events, censored: c }))).toEqual(
      SIX_MP_BY_HAND.map(({ timeDays, atRisk, events, censored: c }) => ({ timeDays, atRisk, events, censored: c })),
    );
    curve.forEach((point, index) => {
      const expected = SIX_MP_BY_HAND[index];
      expect(point.survival).toBeCloseTo(expected?.survival ?? Number.NaN, 12);
      expect(point.variance).toBeCloseTo(expected?.variance ?? Number.NaN, 12);
    });
    expect(curve[0]?.survival).toBeCloseTo(18 / 21, 12);
    expect(curve[6]?.survival).toBeCloseTo((18 / 21) * (16 / 17) * (14 / 15) * (11 / 12) * (10 / 11) * (6 / 7) * (5 / 6), 12);
  });

  it('matches the published estimates, standard errors and log–log band', () => {
    curve.forEach((point, index) => {
      const published = SIX_MP_PUBLISHED[index];
      expect(point.timeDays).toBe(published?.timeDays);
      expect(point.survival).toBeCloseTo(published?.survival ?? Number.NaN, 3);
      expect(Math.sqrt(point.variance)).toBeCloseTo(published?.stdErr ?? Number.NaN, 4);
      expect(point.lower).toBeCloseTo(published?.lower ?? Number.NaN, 3);
      expect(point.upper).toBeCloseTo(published?.upper ?? Number.NaN, 3);
    });
  });

  it('gives a 90% band by default, narrower than the 95% one and around the estimate', () => {
    const ninety = kaplanMeier(SIX_MP);
    ninety.forEach((point, index) => {
      expect(point.lower).toBeLessThan(point.survival);
      expect(point.upper).toBeGreaterThan(point.survival);
      expect(point.lower).toBeGreaterThan(curve[index]?.lower ?? Number.NaN);
      expect(point.upper).toBeLessThan(curve[index]?.upper ?? Number.NaN);
    });
  });

  it('counts a customer censored at a loss time as still at risk then (2/3 rather than 1/2)', () => {
    expect(kaplanMeier([censored(1), lost(1), lost(2)])).toMatchObject([
      { timeDays: 1, atRisk: 3, events: 1, censored: 1, survival: expect.closeTo(2 / 3, 12) },
      { timeDays: 2, atRisk: 1, events: 1, censored: 0, survival: 0 },
    ]);
  });

  it('ends at 0 with a collapsed band and no variance when everyone still observed is lost', () => {
    const [point] = kaplanMeier([lost(3), lost(3)]);
    expect(point).toEqual({ timeDays: 3, survival: 0, lower: 0, upper: 0, variance: 0, atRisk: 2, events: 2, censored: 0 });
  });

  it('has no points without a loss, whatever the order of the observations', () => {
    expect(kaplanMeier([])).toEqual([]);
    expect(kaplanMeier([censored(5), censored(1)])).toEqual([]);
    expect(kaplanMeier([...SIX_MP].reverse(), 0.95)).toEqual(curve);
  });

  it.each([
    [[lost(-1)]],
    [[lost(Number.NaN)]],
    [[censored(Number.POSITIVE_INFINITY)]],
  ])('refuses an observation at an impossible time: %j', (observations) => {
    expect(() => kaplanMeier(observations)).toThrow(RangeError);
  });

  it('refuses a credibility outside (0, 1)', () => {
    expect(() => kaplanMeier(SIX_MP, 1)).toThrow(RangeError);
  });
});

describe('survivalAt', () => {
  const curve = kaplanMeier(SIX_MP, 0.95);

  it('is 1, with a band of [1, 1], before the first loss', () => {
    expect(survivalAt(curve, 5.99)).toEqual({ survival: 1, lower: 1, upper: 1, atRisk: 21 });
  });

  it('drops at a loss time itself and holds until the next', () => {
    const [first, second] = curve;
    expect(survivalAt(curve, 6)).toEqual({ survival: first?.survival, lower: first?.lower, upper: first?.upper, atRisk: 21 });
    expect(survivalAt(curve, 6.99)).toEqual(survivalAt(curve, 6));
    expect(survivalAt(curve, 7).survival).toBe(second?.survival);
  });

  it('holds the last value after the last loss', () => {
    expect(survivalAt(curve, 1000).survival).toBe(curve[curve.length - 1]?.survival);
  });

  it('is 1 on an empty curve', () => {
    expect(survivalAt([], 10)).toEqual({ survival: 1, lower: 1, upper: 1, atRisk: 0 });
  });
});

describe('retentionObservation', () => {
  const RECEIVED_AT = new Date('2026-01-10T09:00:00Z');
  const HORIZON_DAYS = 180;
  const HORIZON_END = new Date('2026-07-09T09:00:00Z');
  const daysAfter = (days: number): Date => new Date(RECEIVED_AT.getTime() + days * 86_400_000);

  function facts(overrides: Partial<RetentionFacts> = {}): RetentionFacts {
    return { receivedAt: RECEIVED_AT, purchases: [], churnedAt: null, horizonDays: HORIZON_DAYS, now: daysAfter(365), ...overrides };
  }

  it('puts the horizon end 180 days after the receipt', () => {
    expect(daysAfter(HORIZON_DAYS)).toEqual(HORIZON_END);
  });

  it('retains a customer who buys again within the horizon, censored at the horizon', () => {
    expect(retentionObservation(facts({ purchases: [daysAfter(40)] }))).toEqual({
      retained: true,
      observation: { timeDays: 180, event: false },
    });
    expect(retentionObservation(facts({ purchases: [HORIZON_END] })).retained).toBe(true);
  });

  it('retains on a purchase seen before the horizon ends, and before a later churn', () => {
    expect(retentionObservation(facts({ purchases: [daysAfter(10)], now: daysAfter(20) })).retained).toBe(true);
    expect(retentionObservation(facts({ purchases: [daysAfter(10)], churnedAt: daysAfter(30) })).retained).toBe(true);
  });

  it('loses a customer who churns before buying again, at the churn time', () => {
    expect(retentionObservation(facts({ purchases: [daysAfter(50)], churnedAt: daysAfter(30) }))).toEqual({
      retained: false,
      observation: { timeDays: 30, event: true },
    });
  });

  it('counts a churn recorded before the complaint as lost at once', () => {
    expect(retentionObservation(facts({ churnedAt: daysAfter(-3) }))).toEqual({ retained: false, observation: { timeDays: 0, event: true } });
  });

  it('loses a customer with no purchase and no churn once the horizon has elapsed, at the horizon', () => {
    const expected = { retained: false, observation: { timeDays: 180, event: true } };
    expect(retentionObservation(facts({ now: HORIZON_END }))).toEqual(expected);
    expect(retentionObservation(facts({ purchases: [new Date(HORIZON_END.getTime() + 1)] }))).toEqual(expected);
  });

  it('does not count a customer yet while the horizon runs, censored at the time observed', () => {
    expect(retentionObservation(facts({ now: new Date(HORIZON_END.getTime() - 1) }))).toEqual({
      retained: null,
      observation: { timeDays: 180 - 1 / 86_400_000, event: false },
    });
    expect(retentionObservation(facts({ now: daysAfter(12) })).observation).toEqual({ timeDays: 12, event: false });
  });

  it('ignores purchases before or at the complaint, and facts dated after now', () => {
    const now = daysAfter(20);
    expect(retentionObservation(facts({ purchases: [daysAfter(-5), RECEIVED_AT], now })).retained).toBeNull();
    expect(retentionObservation(facts({ purchases: [daysAfter(25)], churnedAt: daysAfter(22), now })).retained).toBeNull();
  });

  it('refuses a horizon that is not positive', () => {
    expect(() => retentionObservation(facts({ horizonDays: 0 }))).toThrow(RangeError);
  });
});
