import { DEFAULT_SCENARIO, retentionPriorsFromFigures, scenarioProblems, withScenario, type ScenarioParameters } from './parameters';

describe('DEFAULT_SCENARIO', () => {
  it('holds the source documents’ figures', () => {
    expect(DEFAULT_SCENARIO).toMatchObject({
      complaintRate: 0.02,
      complainantOutcomes: { retained: 0.38, atRisk: 0.34, lost: 0.28 },
      silentOutcomes: { atRisk: 0.55, lost: 0.45 },
      resolvedFastRetention: 0.95,
      wordOfMouth: { tellsIfSatisfied: 3, tellsIfDissatisfied: 11, tellsIfResolvedWell: 5 },
      priorWeight: 10,
      horizonDays: 180,
    });
  });

  it('derives the retention priors from them: fast 0.95, slow 0.38 + 0.34, unresolved 0.38, silent 1 − 0.45', () => {
    expect(DEFAULT_SCENARIO.classRetention.resolved_fast).toBe(0.95);
    expect(DEFAULT_SCENARIO.classRetention.resolved_slow).toBeCloseTo(0.72, 12);
    expect(DEFAULT_SCENARIO.classRetention.unresolved).toBe(0.38);
    expect(DEFAULT_SCENARIO.silentRetention).toBeCloseTo(0.55, 12);
  });

  it('has no problems', () => {
    expect(scenarioProblems(DEFAULT_SCENARIO)).toEqual([]);
  });
});

describe('scenarioProblems', () => {
  const scenario = (overrides: Partial<ScenarioParameters>): ScenarioParameters => ({ ...DEFAULT_SCENARIO, ...overrides });

  it.each<[string, Partial<ScenarioParameters>, string]>([
    ['a rate above 1', { complaintRate: 1.2 }, 'complaintRate must be a share in [0, 1], got 1.2'],
    ['a split that does not add up', { complainantOutcomes: { retained: 0.38, atRisk: 0.34, lost: 0.3 } }, 'complainantOutcomes shares must add up to 1'],
    ['a silent share off the scale', { silentOutcomes: { atRisk: 1.55, lost: 0.45 } }, 'silentOutcomes.atRisk must be a share in [0, 1]'],
    ['a negative teller count', { wordOfMouth: { tellsIfSatisfied: 3, tellsIfDissatisfied: -11, tellsIfResolvedWell: 5 } }, 'wordOfMouth.tellsIfDissatisfied must be a finite number ≥ 0'],
    ['a prior of 1', { classRetention: { resolved_fast: 1, resolved_slow: 0.72, unresolved: 0.38 } }, 'classRetention.resolved_fast must be a share strictly between 0 and 1'],
    ['a silent prior of 0', { silentRetention: 0 }, 'silentRetention must be a share strictly between 0 and 1'],
    ['no prior weight', { priorWeight: 0 }, 'priorWeight must be a finite number > 0'],
    ['a negative horizon', { horizonDays: -180 }, 'horizonDays must be a finite number > 0'],
  ])('flags %s', (_case, overrides, message) => {
    expect(scenarioProblems(scenario(overrides))).toEqual([expect.stringContaining(message)]);
  });
});

describe('withScenario', () => {
  it('lays a partial override over the base, at every depth, leaving the base as it was', () => {
    const merged = withScenario(DEFAULT_SCENARIO, { complaintRate: 0.04, classRetention: { unresolved: 0.3 }, wordOfMouth: { tellsIfDissatisfied: 9 } });
    expect(merged).toEqual({
      ...DEFAULT_SCENARIO,
      complaintRate: 0.04,
      classRetention: { ...DEFAULT_SCENARIO.classRetention, unresolved: 0.3 },
      wordOfMouth: { ...DEFAULT_SCENARIO.wordOfMouth, tellsIfDissatisfied: 9 },
    });
    expect(DEFAULT_SCENARIO.complaintRate).toBe(0.02);
    expect(DEFAULT_SCENARIO.classRetention.unresolved).toBe(0.38);
  });

  it('reads parsed configuration JSON', () => {
    expect(withScenario(DEFAULT_SCENARIO, JSON.parse('{"horizonDays": 90, "silentOutcomes": {"atRisk": 0.6, "lost": 0.4}}'))).toMatchObject({
      horizonDays: 90,
      silentOutcomes: { atRisk: 0.6, lost: 0.4 },
    });
  });

  it('gives the base back when there is nothing to override', () => {
    expect(withScenario(DEFAULT_SCENARIO, undefined)).toBe(DEFAULT_SCENARIO);
    expect(withScenario(DEFAULT_SCENARIO, {})).toEqual(DEFAULT_SCENARIO);
  });

  it('keeps the priors as given when figures change; re-deriving them is the caller’s choice', () => {
    const figures = { complainantOutcomes: { retained: 0.5, atRisk: 0.3, lost: 0.2 } };
    expect(withScenario(DEFAULT_SCENARIO, figures).classRetention).toEqual(DEFAULT_SCENARIO.classRetention);
    const followed = withScenario(DEFAULT_SCENARIO, {
      ...figures,
      ...retentionPriorsFromFigures({ ...DEFAULT_SCENARIO, ...figures }),
    });
    expect(followed.classRetention.unresolved).toBe(0.5);
    expect(followed.classRetention.resolved_slow).toBeCloseTo(0.8, 12);
  });

  it.each<[string, unknown, string]>([
    ['a misspelt parameter', { complaintRatio: 0.04 }, 'complaintRatio is not a scenario parameter'],
    ['an unknown handling class', { classRetention: { resolved_late: 0.5 } }, 'classRetention.resolved_late is not a scenario parameter'],
    ['a number given as text', { priorWeight: '10' }, 'priorWeight must be a number, got "10"'],
    ['a number where an object belongs', { complainantOutcomes: 0.38 }, 'complainantOutcomes must be an object, got 0.38'],
    ['something other than an object', [0.02], 'overrides must be an object'],
    ['null', null, 'overrides must be an object, got null'],
    ['a split that no longer adds up', { complainantOutcomes: { lost: 0.3 } }, 'complainantOutcomes shares must add up to 1'],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => withScenario(DEFAULT_SCENARIO, overrides)).toThrow(RangeError);
    expect(() => withScenario(DEFAULT_SCENARIO, overrides)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => withScenario(DEFAULT_SCENARIO, { complaintRate: 3, horizonDays: 0 })).toThrow(
      'invalid scenario parameters: complaintRate must be a share in [0, 1], got 3; horizonDays must be a finite number > 0, got 0',
    );
  });

  it('does not let a __proto__ key through', () => {
    expect(() => withScenario(DEFAULT_SCENARIO, JSON.parse('{"__proto__": {"priorWeight": 1}}'))).toThrow('__proto__ is not a scenario parameter');
  });
});
