/**
 * The severity of a new complaint, which sets its SLA deadlines and whether it escalates at once.
 * A severity the channel gives wins. Otherwise the rules below decide, in this order:
 *
 * 1. the text mentions harm to a person or a hazard (injury, food poisoning, fire, electric shock)
 *    → critical. This comes first and is never lowered by the category: a missed hazard costs more
 *    than a store manager's look at a false alarm, so "no one was hurt" still counts as a mention;
 * 2. the category is praise or a suggestion → low;
 * 3. the text threatens legal action or the media, or says the customer has complained before → high;
 * 4. otherwise → normal.
 *
 * Terms are matched case-insensitively. A Latin term matches whole words only ("fire" does not match
 * "fired"); a trailing `*` matches any ending ("injur*": injury, injured); a space matches any run of
 * whitespace. A Chinese term matches anywhere, as Chinese text does not separate words with spaces.
 */

export const SEVERITY_LEVELS = ['critical', 'high', 'normal', 'low'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export type SeverityReason =
  | 'given'
  | 'injury'
  | 'food_safety'
  | 'fire_or_electrical'
  | 'safety_hazard'
  | 'low_category'
  | 'legal_threat'
  | 'media'
  | 'repeated_complaint'
  | 'default';

export interface SeverityTextRule {
  readonly reason: SeverityReason;
  readonly severity: SeverityLevel;
  readonly terms: readonly string[];
}

/** Rules that make a complaint critical; checked before anything else. */
export const CRITICAL_TEXT_RULES: readonly SeverityTextRule[] = [
  {
    reason: 'injury',
    severity: 'critical',
    terms: [
      'injur*',
      'hurt',
      'bleeding',
      'bled',
      'scald*',
      'cut myself',
      'cut my',
      'fractur*',
      'concussion',
      'stitches',
      'hospital*',
      'ambulance',
      '受伤',
      '流血',
      '烫伤',
      '割伤',
      '摔伤',
      '骨折',
      '医院',
      '住院',
      '救护车',
    ],
  },
  {
    reason: 'food_safety',
    severity: 'critical',
    terms: [
      'food poisoning',
      'poison*',
      'vomit*',
      'diarrh*',
      'allergic reaction',
      'anaphyla*',
      'salmonella',
      'listeria',
      'foreign object',
      'glass in',
      'metal in',
      'maggot*',
      '中毒',
      '呕吐',
      '腹泻',
      '拉肚子',
      '过敏',
      '异物',
    ],
  },
  {
    reason: 'fire_or_electrical',
    severity: 'critical',
    terms: [
      'fire',
      'caught fire',
      'flames',
      'smoke',
      'spark*',
      'electric shock',
      'electrocut*',
      'explod*',
      'explosion',
      'overheat*',
      '起火',
      '着火',
      '失火',
      '自燃',
      '冒烟',
      '火花',
      '漏电',
      '触电',
      '爆炸',
    ],
  },
  {
    reason: 'safety_hazard',
    severity: 'critical',
    terms: [
      'unsafe',
      'dangerous',
      'hazard*',
      'choking',
      'gas leak',
      'carbon monoxide',
      '危险',
      '安全隐患',
      '窒息',
      '煤气泄漏',
    ],
  },
];

/** Rules that make a complaint high; checked after the low categories. */
export const HIGH_TEXT_RULES: readonly SeverityTextRule[] = [
  {
    reason: 'legal_threat',
    severity: 'high',
    terms: [
      'lawyer*',
      'solicitor*',
      'attorney',
      'legal action',
      'lawsuit',
      'sue you',
      'sue the',
      'suing',
      'to court',
      'in court',
      'small claims',
      'trading standards',
      'ombudsman',
      '律师',
      '起诉',
      '法院',
      '诉讼',
      '消协',
      '消费者协会',
      '12315',
      '市场监管',
    ],
  },
  {
    reason: 'media',
    severity: 'high',
    terms: [
      'newspaper*',
      'journalist*',
      'reporter*',
      'the press',
      'the media',
      'social media',
      'go public',
      'going public',
      'viral',
      'trustpilot',
      'watchdog',
      '媒体',
      '记者',
      '曝光',
      '微博',
      '抖音',
      '小红书',
    ],
  },
  {
    reason: 'repeated_complaint',
    severity: 'high',
    terms: [
      'complained before',
      'already complained',
      'complained twice',
      'previous complaint',
      'last complaint',
      'second time',
      'third time',
      'again and again',
      'still not resolved',
      'still waiting',
      'still no reply',
      'nobody has replied',
      'no one has replied',
      '再次投诉',
      '多次投诉',
      '又一次',
      '第二次',
      '第三次',
      '仍未解决',
      '还没有解决',
      '没人回复',
    ],
  },
];

/** Categories that are not a grievance: praise and ideas are low unless the text mentions a hazard. */
export const LOW_SEVERITY_CATEGORIES: readonly string[] = [
  'praise',
  'compliment',
  'compliments',
  'suggestion',
  'suggestions',
];

export interface SeverityInput {
  readonly given?: SeverityLevel | null;
  readonly category: string;
  /** Everything the customer wrote or said: subject and description together. */
  readonly text: string;
}

export interface SeverityDecision {
  readonly severity: SeverityLevel;
  readonly reason: SeverityReason;
  /** The term of the rule that matched, for text rules; the category, for a low category. */
  readonly matched: string | null;
}

type TermMatcher = (text: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileTerm(term: string): TermMatcher {
  if (/[^\x00-\x7f]/.test(term)) {
    return (text) => text.includes(term);
  }
  const open = term.endsWith('*');
  const words = (open ? term.slice(0, -1) : term).split(' ').map(escapeRegExp).join('\\s+');
  const pattern = new RegExp(`\\b${words}${open ? '[a-z]*' : '\\b'}`, 'i');
  return (text) => pattern.test(text);
}

interface CompiledRule {
  readonly rule: SeverityTextRule;
  readonly terms: ReadonlyArray<readonly [string, TermMatcher]>;
}

function compileRules(rules: readonly SeverityTextRule[]): readonly CompiledRule[] {
  return rules.map((rule) => ({ rule, terms: rule.terms.map((term) => [term, compileTerm(term)] as const) }));
}

const CRITICAL = compileRules(CRITICAL_TEXT_RULES);
const HIGH = compileRules(HIGH_TEXT_RULES);

function firstMatch(rules: readonly CompiledRule[], text: string): SeverityDecision | null {
  for (const { rule, terms } of rules) {
    for (const [term, matches] of terms) {
      if (matches(text)) return { severity: rule.severity, reason: rule.reason, matched: term };
    }
  }
  return null;
}

/** The severity of a new complaint and why; see the rules at the top of this file. */
export function deriveSeverity(input: SeverityInput): SeverityDecision {
  if (input.given) return { severity: input.given, reason: 'given', matched: null };
  const critical = firstMatch(CRITICAL, input.text);
  if (critical !== null) return critical;
  const category = input.category.trim().toLowerCase();
  if (LOW_SEVERITY_CATEGORIES.includes(category)) return { severity: 'low', reason: 'low_category', matched: category };
  return firstMatch(HIGH, input.text) ?? { severity: 'normal', reason: 'default', matched: null };
}
