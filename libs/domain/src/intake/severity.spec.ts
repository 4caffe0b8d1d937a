import { SEVERITIES } from '@app/contracts';
import {
  CRITICAL_TEXT_RULES,
  HIGH_TEXT_RULES,
  SEVERITY_LEVELS,
  deriveSeverity,
  type SeverityDecision,
  type SeverityLevel,
  type SeverityReason,
} from './severity';

function decide(text: string, category = 'product_quality', given: SeverityLevel | null = null): SeverityDecision {
  return deriveSeverity({ given, category, text });
}

describe('deriveSeverity', () => {
  it('has the same levels as the event contracts', () => {
    expect([...SEVERITY_LEVELS]).toEqual([...SEVERITIES]);
  });

  it('keeps a given severity, whatever the text says', () => {
    expect(decide('My child was injured by the kettle', 'product_quality', 'low')).toEqual({
      severity: 'low',
      reason: 'given',
      matched: null,
    });
  });

  it.each<[string, SeverityLevel, SeverityReason, string | null]>([
    ['My son was injured by the broken shelf', 'critical', 'injury', 'injur*'],
    ['She had to go to hospital', 'critical', 'injury', 'hospital*'],
    ['We all got food poisoning from the chicken', 'critical', 'food_safety', 'food poisoning'],
    ['There was glass in the jar', 'critical', 'food_safety', 'glass in'],
    ['The charger caught FIRE overnight', 'critical', 'fire_or_electrical', 'fire'],
    ['I got an electric shock from the toaster', 'critical', 'fire_or_electrical', 'electric shock'],
    ['The heater is dangerous', 'critical', 'safety_hazard', 'dangerous'],
    ['I will contact my solicitor', 'high', 'legal_threat', 'solicitor*'],
    ['See you in court', 'high', 'legal_threat', 'in court'],
    ['I am going to the newspapers with this', 'high', 'media', 'newspaper*'],
    ['I will post it on social media', 'high', 'media', 'social media'],
    ['This is the third time I write to you', 'high', 'repeated_complaint', 'third time'],
    ['I already complained last month', 'high', 'repeated_complaint', 'already complained'],
    ['The kettle stopped heating after two days', 'normal', 'default', null],
  ])('%j is %s (%s)', (text, severity, reason, matched) => {
    expect(decide(text)).toEqual({ severity, reason, matched });
  });

  it.each<[string, SeverityLevel, string]>([
    ['孩子喝了牛奶以后中毒了', 'critical', '中毒'],
    ['我的手被割伤了', 'critical', '割伤'],
    ['插座突然起火', 'critical', '起火'],
    ['电水壶漏电', 'critical', '漏电'],
    ['吃了以后一直呕吐', 'critical', '呕吐'],
    ['我要找律师起诉你们', 'high', '律师'],
    ['我会向媒体曝光', 'high', '媒体'],
    ['这是我第三次投诉', 'high', '第三次'],
    ['水壶用了两天就坏了', 'normal', ''],
  ])('reads Chinese: %j', (text, severity, matched) => {
    const decision = decide(text);
    expect(decision.severity).toBe(severity);
    expect(decision.matched ?? '').toBe(matched);
  });

  it('matches whole English words only', () => {
    expect(decide('The manager fired the rude cashier').severity).toBe('normal');
    expect(decide('A courteous reply would have been nice').severity).toBe('normal');
    expect(decide('Sue at the till was very rude').severity).toBe('normal');
    expect(decide('The review section of your website is broken').severity).toBe('normal');
  });

  it('matches across line breaks and in any case', () => {
    expect(decide('we got food\r\n  POISONING').reason).toBe('food_safety');
  });

  it('gives praise and suggestions low severity', () => {
    expect(decide('The cashier was wonderful', 'praise')).toEqual({
      severity: 'low',
      reason: 'low_category',
      matched: 'praise',
    });
    expect(decide('Open earlier on Sundays', ' Suggestion ').severity).toBe('low');
    // A threat to go public is not a grievance in a compliment.
    expect(decide('I will tell the newspapers how good you are', 'praise').severity).toBe('low');
  });

  it('never lowers a hazard because of the category', () => {
    expect(decide('Thank you for putting out the fire so quickly', 'praise')).toMatchObject({
      severity: 'critical',
      reason: 'fire_or_electrical',
    });
  });

  it('prefers critical over high when both are mentioned', () => {
    expect(decide('My lawyer says the burns from the kettle explosion are serious').severity).toBe('critical');
  });

  it('keeps every rule at the severity its table says', () => {
    expect(CRITICAL_TEXT_RULES.every((rule) => rule.severity === 'critical')).toBe(true);
    expect(HIGH_TEXT_RULES.every((rule) => rule.severity === 'high')).toBe(true);
  });

  it('finds every term of every rule in a sentence that uses it', () => {
    for (const rule of [...CRITICAL_TEXT_RULES, ...HIGH_TEXT_RULES]) {
      for (const term of rule.terms) {
        const word = term.endsWith('*') ? `${term.slice(0, -1)}ed` : term;
        expect({ term, decision: decide(`Note: ${word}.`).severity }).toEqual({ term, decision: rule.severity });
      }
    }
  });
});
