/**
 * Realistic traffic for the three channel topics, generated from a seed: hotline calls and in-store
 * tickets as their JSON documents, and emails as the raw RFC 5322 bytes an email gateway publishes
 * (MIME in several charsets, attachments, replies threaded onto earlier messages). A share of the
 * messages are exact re-deliveries and a share are malformed, as real channel systems send them.
 *
 * Pure: no clock, no I/O and no Math.random. The same seed and the same sequence of `now` values give
 * the same bytes, so a run that showed a problem can be repeated exactly.
 */
import { deflateSync } from 'node:zlib';
import iconv from 'iconv-lite';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { encode as encodeQuotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp';
import { encodeHotlineCall, encodeInstoreTicket, type HotlineCallV1, type InstoreTicketV1 } from '@app/contracts';

// ---------------------------------------------------------------------------------------------------
// Public shape
// ---------------------------------------------------------------------------------------------------

export const SIMULATED_CHANNELS = ['hotline', 'email', 'instore'] as const;
export type SimulatedChannel = (typeof SIMULATED_CHANNELS)[number];

export const SIMULATED_KINDS = ['valid', 'duplicate', 'reply', 'malformed'] as const;
export type SimulatedKind = (typeof SIMULATED_KINDS)[number];

export interface SimulatedMessage {
  readonly channel: SimulatedChannel;
  /** The Kafka message key: call id, sender address, or store and receipt. */
  readonly key: string;
  /** The Kafka message value, exactly as the channel system would publish it. */
  readonly value: Buffer;
  /**
   * `valid`: a new complaint. `duplicate`: the bytes of an earlier valid or reply message, re-sent.
   * `reply`: an email answering an earlier generated email. `malformed`: refused by intake.
   */
  readonly kind: SimulatedKind;
  /**
   * One ASCII line saying what the message is. For a malformed one it contains `expect <code>`,
   * the failure code intake's decoder gives it (and so the dead-letter reason code).
   */
  readonly note: string;
}

export interface TrafficOptions {
  readonly seed: number;
  /** Share of all messages that re-send an earlier valid or reply message byte for byte. */
  readonly duplicateShare: number;
  /** Share of all messages that cannot become a complaint. */
  readonly malformedShare: number;
  /** Share of all messages that are emails replying to an earlier generated email. */
  readonly replyShare: number;
  /** Relative weights of the channels for new complaints and malformed messages. */
  readonly channelWeights: Readonly<Record<SimulatedChannel, number>>;
  /** How many returning customers the traffic is drawn from. */
  readonly customers: number;
  /** The clock used when `next()` is called without `now`; it advances a little per message. */
  readonly startAt: Date;
}

export const DEFAULT_TRAFFIC_OPTIONS: TrafficOptions = {
  seed: 1,
  duplicateShare: 0.05,
  malformedShare: 0.02,
  replyShare: 0.1,
  channelWeights: { hotline: 0.45, email: 0.35, instore: 0.2 },
  customers: 300,
  startAt: new Date('2026-11-23T09:00:00.000Z'),
};

export class InvalidTrafficOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTrafficOptionsError';
  }
}

/** The complete options, or an InvalidTrafficOptionsError naming the first bad one. */
export function resolveTrafficOptions(overrides: Partial<TrafficOptions> = {}): TrafficOptions {
  const options: TrafficOptions = {
    ...DEFAULT_TRAFFIC_OPTIONS,
    ...overrides,
    channelWeights: { ...DEFAULT_TRAFFIC_OPTIONS.channelWeights, ...overrides.channelWeights },
  };
  if (!Number.isInteger(options.seed)) throw new InvalidTrafficOptionsError('seed must be an integer');
  const shares = { duplicateShare: options.duplicateShare, malformedShare: options.malformedShare, replyShare: options.replyShare };
  for (const [name, share] of Object.entries(shares)) {
    if (!Number.isFinite(share) || share < 0 || share > 1) {
      throw new InvalidTrafficOptionsError(`${name} must be between 0 and 1; got ${share}`);
    }
  }
  if (options.duplicateShare + options.malformedShare + options.replyShare > 1) {
    throw new InvalidTrafficOptionsError('duplicateShare + malformedShare + replyShare must not exceed 1');
  }
  const weights = Object.values(options.channelWeights);
  if (weights.some((weight) => !Number.isFinite(weight) || weight < 0) || weights.every((weight) => weight === 0)) {
    throw new InvalidTrafficOptionsError('channelWeights must be non-negative and not all zero');
  }
  if (!Number.isInteger(options.customers) || options.customers < 1) {
    throw new InvalidTrafficOptionsError('customers must be a positive integer');
  }
  if (Number.isNaN(options.startAt.getTime())) throw new InvalidTrafficOptionsError('startAt must be a valid date');
  return options;
}

// ---------------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------------

/** mulberry32: a tiny 32-bit PRNG, good enough for test traffic and identical on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

class Random {
  private readonly source: () => number;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  float(): number {
    return this.source();
  }

  /** An integer from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.source() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.source() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.source() * items.length)] as T;
  }

  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as Array<[T, number]>;
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let point = this.source() * total;
    for (const [value, weight] of entries) {
      if (point < weight) return value;
      point -= weight;
    }
    const last = entries.filter(([, weight]) => weight > 0).pop();
    if (last === undefined) throw new Error('weighted pick with no positive weight');
    return last[0];
  }

  digits(count: number): string {
    let out = '';
    for (let index = 0; index < count; index += 1) out += String(this.int(0, 9));
    return out;
  }

  token(length: number): string {
    let out = '';
    for (let index = 0; index < length; index += 1) out += this.pick([...ID_ALPHABET]);
    return out;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let index = 0; index < length; index += 1) out[index] = this.int(0, 255);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------
// Customers, stores, texts
// ---------------------------------------------------------------------------------------------------

type Language = 'en' | 'zh-Hans' | 'zh-Hant' | 'fr';

const CATEGORY_WEIGHTS = {
  product_quality: 30,
  service: 18,
  billing: 12,
  delivery: 16,
  food_safety: 8,
  staff_behaviour: 10,
  store_environment: 6,
} as const;
type Category = keyof typeof CATEGORY_WEIGHTS;

type Severity = NonNullable<HotlineCallV1['severity']>;

interface Template {
  readonly subject: string;
  readonly description: string;
}

interface LanguageProfile {
  readonly locale: string;
  readonly utcOffsetMinutes: number;
  /** Small appliances: every complaint text fits each of them. */
  readonly products: readonly string[];
  readonly amount: (random: Random) => string;
  readonly texts: Readonly<Record<Category, readonly Template[]>>;
  /** Follow-ups a customer sends when nothing has happened yet. */
  readonly followUps: readonly string[];
  readonly letter: (name: string, body: string) => string;
  /** The legacy charset this customer's mail program may still use, with the share of mails in it. */
  readonly legacyCharset: { readonly charset: LegacyCharset; readonly share: number };
}

const LANGUAGE_WEIGHTS: Readonly<Record<Language, number>> = { en: 55, 'zh-Hans': 30, 'zh-Hant': 8, fr: 7 };

const PROFILES: Readonly<Record<Language, LanguageProfile>> = {
  en: {
    locale: 'en-GB',
    utcOffsetMinutes: 0,
    products: ['kettle', 'toaster', 'blender', 'vacuum cleaner', 'hair dryer', 'coffee machine', 'rice cooker', 'microwave'],
    amount: (random) => `£${random.int(3, 180)}.${random.digits(2)}`,
    texts: {
      product_quality: [
        {
          subject: 'My {product} broke after {days} days',
          description:
            'I bought a {product} at store {store} and it stopped working after {days} days. I still have the receipt (order {order}). I would like a replacement or a refund.',
        },
        {
          subject: 'Faulty {product}',
          description: 'The {product} I bought last week has a cracked casing and will not switch on. This is the second time this has happened to me.',
        },
        {
          subject: 'Burning smell from the {product}',
          description: 'The {product} gives off a smell of burning plastic every time it is switched on. I am worried it is not safe to use.',
        },
      ],
      service: [
        {
          subject: 'On hold for 40 minutes',
          description: 'I have called three times about order {order} and was kept on hold for over 40 minutes each time. Nobody called me back as promised.',
        },
        {
          subject: 'Refund refused at the till',
          description: 'I tried to return an unopened {product} with the receipt at store {store} and the refund was refused at the till.',
        },
      ],
      billing: [
        {
          subject: 'Charged twice for order {order}',
          description: 'My card was charged twice ({amount} each time) for order {order}. Please refund the duplicate payment.',
        },
        {
          subject: 'Wrong price charged',
          description: 'The shelf price of the {product} at store {store} was {amount}, but I was charged more at the till.',
        },
      ],
      delivery: [
        {
          subject: 'Order {order} never arrived',
          description: 'Order {order} was marked as delivered {days} days ago but nothing arrived. My neighbours have not seen it either.',
        },
        {
          subject: 'Parcel arrived damaged',
          description: 'The box was crushed and the {product} inside was broken when it was delivered today (order {order}).',
        },
      ],
      food_safety: [
        {
          subject: 'Mouldy bread',
          description: 'The loaf I bought yesterday at store {store} was mouldy inside although its date was still a week away.',
        },
        {
          subject: 'The milk had gone off',
          description: 'The milk I bought at store {store} was sour on the day I bought it. My son drank some and was sick in the night.',
        },
      ],
      staff_behaviour: [
        {
          subject: 'Rude member of staff',
          description: 'A member of staff at the customer service desk of store {store} was rude to my elderly mother and laughed at her question.',
        },
      ],
      store_environment: [
        {
          subject: 'Wet floor and no sign',
          description: 'I nearly slipped on a wet floor by the entrance of store {store}; there was no warning sign out.',
        },
      ],
    },
    followUps: [
      'Any news? I am still waiting for an answer about this.',
      'It has been a week and nobody has replied.',
      'Thank you, but the problem is not solved yet.',
    ],
    letter: (name, body) => `Hello,\n\n${body}\n\nRegards,\n${name}`,
    legacyCharset: { charset: 'ISO-8859-1', share: 0.1 },
  },
  'zh-Hans': {
    locale: 'zh-CN',
    utcOffsetMinutes: 8 * 60,
    products: ['电水壶', '烤面包机', '搅拌机', '吸尘器', '吹风机', '咖啡机', '电饭煲', '微波炉'],
    amount: (random) => `${random.int(20, 1500)}元`,
    texts: {
      product_quality: [
        {
          subject: '{product}用了{days}天就坏了',
          description: '我在贵店（{store}）买的{product}，只用了{days}天就不能用了。订单号{order}，我有购物小票，希望换货或者退款。',
        },
        { subject: '{product}质量有问题', description: '收到的{product}外壳有裂缝，而且无法开机。这已经是第二次了。' },
      ],
      service: [
        {
          subject: '客服电话一直打不通',
          description: '关于订单{order}，我打了三次客服电话，每次都要等四十多分钟，说好的回电也没有人打来。',
        },
        { subject: '拒绝退货', description: '我带着小票去{store}店退一件没有拆封的{product}，收银员拒绝给我退款。' },
      ],
      billing: [{ subject: '订单{order}重复扣款', description: '订单{order}被重复扣款两次，每次{amount}，请尽快退还多扣的钱。' }],
      delivery: [
        { subject: '订单{order}一直没有收到', description: '订单{order}显示{days}天前已经签收，但是我根本没有收到货。' },
        { subject: '包裹破损', description: '快递送到的时候箱子已经压坏了，里面的{product}也摔坏了。订单号{order}。' },
      ],
      food_safety: [
        { subject: '买的牛奶变质', description: '昨天在{store}店买的牛奶已经变质，孩子喝了以后呕吐。' },
        { subject: '面包发霉', description: '昨天在{store}店买的面包里面发霉了，可是保质期还有一个星期。' },
      ],
      staff_behaviour: [{ subject: '店员态度恶劣', description: '{store}店服务台的店员对我母亲态度很差，还嘲笑她的问题。' }],
      store_environment: [{ subject: '地面湿滑没有警示牌', description: '{store}店门口的地面很滑，我差点摔倒，也没有放警示牌。' }],
    },
    followUps: ['请问处理得怎么样了？我还在等回复。', '已经一个星期了，还是没有人回复。', '谢谢，但是问题还没有解决。'],
    letter: (name, body) => `您好：\n${body}\n谢谢！\n${name}`,
    legacyCharset: { charset: 'GB2312', share: 0.45 },
  },
  'zh-Hant': {
    locale: 'zh-TW',
    utcOffsetMinutes: 8 * 60,
    products: ['電熱水壺', '烤麵包機', '果汁機', '吸塵器', '吹風機', '咖啡機', '電鍋', '微波爐'],
    amount: (random) => `${random.int(100, 6000)}元`,
    texts: {
      product_quality: [
        {
          subject: '{product}用了{days}天就壞了',
          description: '我在貴店（{store}）買的{product}，只用了{days}天就不能用了。訂單編號{order}，我有收據，希望換貨或退款。',
        },
      ],
      service: [
        {
          subject: '客服電話一直打不通',
          description: '關於訂單{order}，我打了三次客服電話，每次都要等四十多分鐘，答應回電也沒有人打來。',
        },
      ],
      billing: [{ subject: '訂單{order}重複扣款', description: '訂單{order}被重複扣款兩次，每次{amount}，請盡快退還。' }],
      delivery: [{ subject: '訂單{order}一直沒有收到', description: '訂單{order}顯示已經簽收，但是我根本沒有收到商品。' }],
      food_safety: [{ subject: '買的牛奶變質', description: '昨天在{store}店買的牛奶已經變質，孩子喝了以後嘔吐。' }],
      staff_behaviour: [{ subject: '店員態度惡劣', description: '{store}店服務台的店員對我母親態度很差。' }],
      store_environment: [{ subject: '地板濕滑沒有警示牌', description: '{store}店門口的地板很滑，我差點摔倒。' }],
    },
    followUps: ['請問處理得怎麼樣了？我還在等回覆。', '已經一個星期了，還是沒有人回覆。'],
    letter: (name, body) => `您好：\n${body}\n謝謝！\n${name}`,
    legacyCharset: { charset: 'Big5', share: 0.55 },
  },
  fr: {
    locale: 'fr-FR',
    utcOffsetMinutes: 60,
    products: ['une machine à café', 'un grille-pain', 'un aspirateur', 'une bouilloire', 'un sèche-cheveux'],
    amount: (random) => `${random.int(5, 300)},${random.digits(2)} euros`,
    texts: {
      product_quality: [
        {
          subject: 'Réclamation : appareil en panne',
          description: "J'ai acheté {product} au magasin {store} et il ne fonctionne plus après {days} jours. Merci de me le remplacer ou de me rembourser.",
        },
      ],
      service: [
        { subject: 'Remboursement refusé', description: "On m'a refusé le remboursement d'un article non ouvert, avec le ticket de caisse (commande {order})." },
      ],
      billing: [{ subject: 'Double débit, commande {order}', description: 'Ma carte a été débitée deux fois ({amount}) pour la commande {order}.' }],
      delivery: [{ subject: 'Commande {order} jamais reçue', description: "La commande {order} est indiquée comme livrée mais je n'ai rien reçu." }],
      food_safety: [{ subject: 'Lait tourné', description: 'Le lait acheté hier au magasin {store} était tourné. Mon fils en a bu et a été malade.' }],
      staff_behaviour: [{ subject: 'Employé impoli', description: "Un employé de l'accueil du magasin {store} a été très impoli avec ma mère âgée." }],
      store_environment: [{ subject: 'Sol mouillé sans panneau', description: "J'ai failli glisser sur le sol mouillé à l'entrée du magasin {store} ; aucun panneau." }],
    },
    followUps: ["Avez-vous des nouvelles ? J'attends toujours une réponse.", "Cela fait une semaine et personne ne m'a répondu."],
    letter: (name, body) => `Bonjour,\n\n${body}\n\nCordialement,\n${name}`,
    legacyCharset: { charset: 'ISO-8859-1', share: 0.6 },
  },
};

interface Customer {
  readonly language: Language;
  readonly name: string;
  /** As the customer types it; capitals vary, intake lower-cases it. */
  readonly email: string;
  /** The ways the customer's one number gets written down. */
  readonly phoneSpellings: readonly string[];
  readonly loyaltyId: string | null;
  readonly homeStore: string;
}

const EN_FIRST = ['Jane', 'Oliver', 'Amelia', 'Harry', 'Priya', 'Mohammed', 'Sophie', 'George', 'Emily', 'Jack', 'Chloe', 'Daniel'];
const EN_LAST = ['Doe', 'Smith', 'Patel', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Khan', 'Walker'];
const ZH_HANS_SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['张', 'zhang'], ['王', 'wang'], ['李', 'li'], ['刘', 'liu'], ['陈', 'chen'],
  ['杨', 'yang'], ['赵', 'zhao'], ['黄', 'huang'], ['周', 'zhou'], ['吴', 'wu'],
];
const ZH_HANS_GIVEN: ReadonlyArray<readonly [string, string]> = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'],
  ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['杰', 'jie'], ['涛', 'tao'],
];
const ZH_HANT_SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['陳', 'chen'], ['林', 'lin'], ['黃', 'huang'], ['張', 'chang'], ['李', 'lee'], ['王', 'wang'], ['吳', 'wu'], ['蔡', 'tsai'],
];
const ZH_HANT_GIVEN: ReadonlyArray<readonly [string, string]> = [
  ['志明', 'chihming'], ['淑芬', 'shufen'], ['家豪', 'chiahao'], ['雅婷', 'yating'], ['俊傑', 'chunchieh'], ['怡君', 'yichun'],
];
const FR_FIRST = ['Renée', 'Émile', 'Léa', 'Chloé', 'Hugo', 'Zoé', 'Jérôme', 'Céline'];
const FR_LAST = ['Lefèvre', 'Dubois', 'Moreau', 'Girard', 'Lambert', 'Mercier'];

const STORE_COUNT = 50;
const AGENT_COUNT = 40;
const SUPPORT_ADDRESS = 'Customer Service <complaints@shop.example>';

function pad(value: number, length: number): string {
  return String(value).padStart(length, '0');
}

function storeId(index: number): string {
  return `S${pad(index, 3)}`;
}

function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/**
 * Mobile numbers in ranges that libphonenumber's full metadata (what intake validates with) holds as
 * allocated, each in the ways people write it down. Not every 07911 number is allocated, so only the
 * sub-ranges that are come up.
 */
const UK_MOBILE_PREFIXES = ['79110', '79112', '79118', '7400', '7480', '7512', '7588', '7733', '7823', '7960'];
const FR_MOBILE_PREFIXES = ['61', '62', '64', '65', '66', '67', '68'];
const CN_MOBILE_PREFIXES = ['135', '138', '139', '158', '186'];
const TW_MOBILE_PREFIXES = ['912', '928', '933', '955', '988'];

function phoneSpellings(random: Random, language: Language): string[] {
  if (language === 'fr' && random.chance(0.5)) {
    const number = `${random.pick(FR_MOBILE_PREFIXES)}${random.digits(7)}`;
    const pairs = number.slice(1).match(/../g) ?? [];
    return [`+33 ${number.slice(0, 1)} ${pairs.join(' ')}`, `+33${number}`];
  }
  switch (language) {
    case 'en':
    case 'fr': {
      const prefix = random.pick(UK_MOBILE_PREFIXES);
      const number = `${prefix}${random.digits(10 - prefix.length)}`;
      const [head, tail] = [number.slice(0, 4), number.slice(4)];
      // The national forms rely on intake's default phone region, GB unless configured otherwise.
      return [`+44 ${head} ${tail}`, `0${head} ${tail}`, `+44${number}`, `0${head}-${tail.slice(0, 3)}-${tail.slice(3)}`];
    }
    case 'zh-Hans': {
      const number = `${random.pick(CN_MOBILE_PREFIXES)}${random.digits(8)}`;
      return [`+86 ${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`, `+86${number}`, `+86-${number.slice(0, 3)}-${number.slice(3, 7)}-${number.slice(7)}`];
    }
    case 'zh-Hant': {
      const number = `${random.pick(TW_MOBILE_PREFIXES)}${random.digits(6)}`;
      return [`+886 ${number.slice(0, 3)} ${number.slice(3, 6)} ${number.slice(6)}`, `+886${number}`];
    }
  }
}

function makeCustomer(random: Random, serial: number): Customer {
  const language = random.weighted(LANGUAGE_WEIGHTS);
  let name: string;
  let local: string;
  let domain: string;
  switch (language) {
    case 'en': {
      const first = random.pick(EN_FIRST);
      const last = random.pick(EN_LAST);
      name = `${first} ${last}`;
      local = random.chance(0.3) ? `${first}.${last}${serial}` : `${first.toLowerCase()}.${last.toLowerCase()}${serial}`;
      domain = random.pick(['example.com', 'example.co.uk', 'example.net']);
      break;
    }
    case 'zh-Hans': {
      const [surname, surnamePinyin] = random.pick(ZH_HANS_SURNAMES);
      const [given, givenPinyin] = random.pick(ZH_HANS_GIVEN);
      name = `${surname}${given}`;
      local = `${surnamePinyin}.${givenPinyin}${serial}`;
      domain = random.pick(['example.cn', 'example.com.cn']);
      break;
    }
    case 'zh-Hant': {
      const [surname, surnamePinyin] = random.pick(ZH_HANT_SURNAMES);
      const [given, givenPinyin] = random.pick(ZH_HANT_GIVEN);
      name = `${surname}${given}`;
      local = `${givenPinyin}.${surnamePinyin}${serial}`;
      domain = 'example.com.tw';
      break;
    }
    case 'fr': {
      const first = random.pick(FR_FIRST);
      const last = random.pick(FR_LAST);
      name = `${first} ${last}`;
      local = `${asciiFold(first)}.${asciiFold(last)}${serial}`;
      domain = 'example.fr';
      break;
    }
  }
  const loyaltyId = random.chance(0.45)
    ? language === 'en' || language === 'fr'
      ? `LC ${random.digits(4)} ${random.digits(4)}`
      : `88${random.digits(8)}`
    : null;
  return {
    language,
    name,
    email: `${local}@${domain}`,
    phoneSpellings: phoneSpellings(random, language),
    loyaltyId,
    homeStore: storeId(random.int(1, STORE_COUNT)),
  };
}

function fill(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole: string, name: string) => slots[name] ?? whole);
}

interface Complaint {
  readonly category: Category;
  readonly subject: string;
  readonly description: string;
  readonly store: string;
  readonly order: string;
}

function severityFor(random: Random, category: Category): Severity {
  if (category === 'food_safety') return random.pick(['high', 'critical'] as const);
  return random.weighted({ low: 2, normal: 6, high: 2, critical: 0.3 } as const);
}

// ---------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------

function offsetText(offsetMinutes: number, separator: string): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60), 2)}${separator}${pad(absolute % 60, 2)}`;
}

/** RFC 3339 in the customer's zone, e.g. 2026-11-23T21:40:12+08:00, or …Z at UTC. */
function rfc3339(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return offsetMinutes === 0 ? `${local}Z` : `${local}${offsetText(offsetMinutes, ':')}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RFC 5322 Date header value in the sender's zone, e.g. Mon, 23 Nov 2026 17:00:00 +0800. */
function rfc5322Date(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const time = [local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()].map((part) => pad(part, 2)).join(':');
  return (
    `${WEEKDAYS[local.getUTCDay()] ?? 'Mon'}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()] ?? 'Jan'} ` +
    `${local.getUTCFullYear()} ${time} ${offsetText(offsetMinutes, '')}`
  );
}

function compactDate(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

// ---------------------------------------------------------------------------------------------------
// Attachments: small but real PNG and PDF files
// ---------------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small RGB PNG: a coloured square with a little noise, like a blurry phone photo of a receipt. */
function smallPng(random: Random): Buffer {
  const width = random.int(8, 24);
  const height = random.int(8, 24);
  const base = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      for (let channel = 0; channel < 3; channel += 1) {
        row[1 + x * 3 + channel] = Math.max(0, Math.min(255, (base[channel] ?? 0) + random.int(-12, 12)));
      }
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A one-page PDF with one line of text, with a correct cross-reference table. */
function smallPdf(line: string): Buffer {
  const text = line.replace(/[^ -~]/g, '?').replace(/[()\\]/g, (match) => `\\${match}`);
  const stream = `BT /F1 12 Tf 24 100 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 320 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${pad(offset, 10)} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'ascii');
}

// ---------------------------------------------------------------------------------------------------
// Email bytes
// ---------------------------------------------------------------------------------------------------

type LegacyCharset = 'GB2312' | 'Big5' | 'ISO-8859-1';
type EmailFormat =
  | 'utf-8 plain'
  | 'utf-8 html-only'
  | 'utf-8 alternative'
  | 'GB2312 quoted-printable'
  | 'Big5 8bit'
  | 'Big5 base64'
  | 'ISO-8859-1 quoted-printable';

const CRLF = '\r\n';

/** Encodes text in a legacy charset, refusing text the charset cannot carry (it would turn into `?`). */
function encodeStrict(text: string, charset: LegacyCharset): Buffer {
  const bytes = iconv.encode(text, charset);
  if (iconv.decode(bytes, charset) !== text) throw new Error(`text cannot be written in ${charset}: ${JSON.stringify(text)}`);
  return bytes;
}

/**
 * RFC 2047 encoded words for a header, split so that no word is longer than 75 characters and no
 * character is cut in two; folded onto continuation lines.
 */
function encodedWords(text: string, charset: LegacyCharset | 'UTF-8', encoding: 'B' | 'Q'): string {
  const encode = (chunk: string): string => {
    const bytes = charset === 'UTF-8' ? Buffer.from(chunk, 'utf8') : encodeStrict(chunk, charset);
    if (encoding === 'B') return bytes.toString('base64');
    let out = '';
    for (const byte of bytes) {
      const char = String.fromCharCode(byte);
      if (byte === 0x20) out += '_';
      else if (/[A-Za-z0-9!*+\-/]/.test(char)) out += char;
      else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
  };
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    const candidate = chunk + char;
    if (chunk !== '' && `=?${charset}?${encoding}?${encode(candidate)}?=`.length > 75) {
      words.push(`=?${charset}?${encoding}?${encode(chunk)}?=`);
      chunk = char;
    } else {
      chunk = candidate;
    }
  }
  if (chunk !== '') words.push(`=?${charset}?${encoding}?${encode(chunk)}?=`);
  return words.join(`${CRLF} `);
}

function quotedPrintableBody(text: string, charset: LegacyCharset): string {
  return wrapQuotedPrintable(encodeQuotedPrintable(encodeStrict(text.split('\n').join(CRLF), charset)), 76).replace(/\r?\n/g, CRLF);
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
}

interface EmailContent {
  readonly fromName: string | null;
  readonly fromAddress: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly date: string;
  readonly locale: string;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
}

/** Header lines and body, CRLF-joined; header lines are ASCII, the body may be any bytes. */
function rawMessage(headers: readonly string[], body: Buffer | string): Buffer {
  const head = Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}`, 'ascii');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'ascii') : body]);
}

function threadHeaders(content: EmailContent): string[] {
  const lines: string[] = [];
  if (content.inReplyTo !== null) lines.push(`In-Reply-To: ${content.inReplyTo}`);
  if (content.references.length > 0) lines.push(`References: ${content.references.join(`${CRLF} `)}`);
  return lines;
}

/** A single-part text/plain message in a legacy charset, as older mail programs still send it. */
function legacyEmail(content: EmailContent, format: Extract<EmailFormat, `${LegacyCharset} ${string}`>): Buffer {
  const charset: LegacyCharset = format.startsWith('GB2312') ? 'GB2312' : format.startsWith('Big5') ? 'Big5' : 'ISO-8859-1';
  const headerEncoding = charset === 'ISO-8859-1' ? 'Q' : 'B';
  const from =
    content.fromName === null ? content.fromAddress : `${encodedWords(content.fromName, charset, headerEncoding)} <${content.fromAddress}>`;
  let transferEncoding: string;
  let body: Buffer | string;
  if (format.endsWith('quoted-printable')) {
    transferEncoding = 'quoted-printable';
    body = quotedPrintableBody(content.text, charset);
  } else if (format.endsWith('base64')) {
    transferEncoding = 'base64';
    body = base64Lines(encodeStrict(content.text.split('\n').join(CRLF), charset));
  } else {
    transferEncoding = '8bit';
    body = encodeStrict(`${content.text.split('\n').join(CRLF)}${CRLF}`, charset);
  }
  return rawMessage(
    [
      `From: ${from}`,
      `To: ${SUPPORT_ADDRESS}`,
      `Subject: ${encodedWords(content.subject, charset, headerEncoding)}`,
      `Date: ${content.date}`,
      `Message-ID: ${content.messageId}`,
      ...threadHeaders(content),
      `Content-Language: ${content.locale}`,
      'MIME-Version: 1.0',
      `Content-Type: text/plain; charset=${charset}`,
      `Content-Transfer-Encoding: ${transferEncoding}`,
    ],
    body,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);
}

function htmlOf(text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return `<html><head><style>p { font-family: sans-serif }</style></head><body>${paragraphs}</body></html>`;
}

/** A UTF-8 message composed by nodemailer, as modern mail programs send them. */
async function composedEmail(
  content: EmailContent,
  format: Extract<EmailFormat, `utf-8 ${string}`>,
  attachments: readonly Mail.Attachment[],
  random: Random,
): Promise<Buffer> {
  // MailComposer draws its multipart boundary from crypto unless given one; taking it from the seed
  // keeps the bytes reproducible.
  const options: Mail.Options & { baseBoundary: string } = {
    baseBoundary: random.token(16).toLowerCase(),
    from: content.fromName === null ? content.fromAddress : { name: content.fromName, address: content.fromAddress },
    to: SUPPORT_ADDRESS,
    subject: content.subject,
    messageId: content.messageId,
    date: content.date,
    headers: { 'Content-Language': content.locale },
    textEncoding: random.chance(0.5) ? 'quoted-printable' : 'base64',
    ...(format === 'utf-8 html-only' ? {} : { text: content.text }),
    ...(format === 'utf-8 plain' ? {} : { html: htmlOf(content.text) }),
    ...(content.inReplyTo === null ? {} : { inReplyTo: content.inReplyTo }),
    ...(content.references.length === 0 ? {} : { references: [...content.references] }),
    ...(attachments.length === 0 ? {} : { attachments: [...attachments] }),
  };
  return new MailComposer(options).compile().build();
}

// ---------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------

/** An email conversation the customer may write into again. */
interface EmailThread {
  readonly customer: Customer;
  /** The subject of its first message, decoded. */
  readonly subject: string;
  /** Every Message-ID of the thread so far (with angle brackets), oldest first; bounded. */
  readonly messageIds: string[];
  /** What a reply quotes: the first message's complaint text. */
  readonly quotedText: string;
}

/** How many earlier messages a duplicate may repeat, and how many threads a reply may answer. */
const DUPLICATE_WINDOW = 1000;
const THREAD_WINDOW = 500;
const MAX_REFERENCES = 10;

export class TrafficGenerator {
  readonly options: TrafficOptions;
  private readonly random: Random;
  private readonly customers: readonly Customer[];
  /** Distinguishes this run's ids from another seed's, so runs with different seeds never collide. */
  private readonly runTag: string;
  private sequence = 0;
  private clock: number;
  private readonly sent: SimulatedMessage[] = [];
  private readonly threads: EmailThread[] = [];

  constructor(options: Partial<TrafficOptions> = {}) {
    this.options = resolveTrafficOptions(options);
    this.random = new Random(this.options.seed);
    this.runTag = this.random.token(6);
    this.customers = Array.from({ length: this.options.customers }, (_, index) => makeCustomer(this.random, index + 1));
    this.clock = this.options.startAt.getTime();
  }

  /**
   * The next message. `now` is when it is sent (its timestamps are derived from it); without it the
   * generator's own clock is used, which advances by a few seconds per message.
   */
  async next(now?: Date): Promise<SimulatedMessage> {
    this.sequence += 1;
    this.clock = now === undefined ? this.clock + this.random.int(200, 4000) : now.getTime();
    const at = new Date(this.clock);
    const { duplicateShare, malformedShare, replyShare } = this.options;
    const point = this.random.float();
    let message: SimulatedMessage;
    if (point < malformedShare) {
      message = await this.malformed(at);
    } else if (point < malformedShare + duplicateShare && this.sent.length > 0) {
      message = this.duplicate();
    } else if (point < malformedShare + duplicateShare + replyShare && this.threads.length > 0) {
      message = await this.reply(at);
    } else {
      message = await this.fresh(at);
    }
    if (message.kind === 'valid' || message.kind === 'reply') remember(this.sent, message, DUPLICATE_WINDOW);
    return message;
  }

  // ---- choosing ----

  /** Returning customers: a few complain often, most now and then. */
  private customer(): Customer {
    const index = Math.floor(this.random.float() ** 2 * this.customers.length);
    return this.customers[Math.min(index, this.customers.length - 1)] as Customer;
  }

  private complaint(customer: Customer): Complaint {
    const profile = PROFILES[customer.language];
    const category = this.random.weighted(CATEGORY_WEIGHTS);
    const template = this.random.pick(profile.texts[category]);
    const store = this.random.chance(0.7) ? customer.homeStore : storeId(this.random.int(1, STORE_COUNT));
    const order = this.random.digits(7);
    const slots = {
      product: this.random.pick(profile.products),
      days: String(this.random.int(2, 14)),
      order,
      store,
      amount: profile.amount(this.random),
    };
    return { category, subject: fill(template.subject, slots), description: fill(template.description, slots), store, order };
  }

  private fresh(at: Date): Promise<SimulatedMessage> {
    const channel = this.random.weighted(this.options.channelWeights);
    switch (channel) {
      case 'hotline':
        return Promise.resolve(this.hotline(at));
      case 'instore':
        return Promise.resolve(this.instore(at));
      case 'email':
        return this.email(at);
    }
  }

  private duplicate(): SimulatedMessage {
    const original = this.random.pick(this.sent);
    return { ...original, kind: 'duplicate', note: `re-sent: ${original.note}` };
  }

  // ---- hotline ----

  private hotlineCall(at: Date): { call: HotlineCallV1; customer: Customer } {
    const customer = this.customer();
    const profile = PROFILES[customer.language];
    const complaint = this.complaint(customer);
    const callId = `cti-${compactDate(at)}-${this.runTag}-${pad(this.sequence, 6)}`;
    const call: HotlineCallV1 = {
      schemaVersion: 1,
      callId,
      source: 'telephony',
      callerNumber: this.random.pick(customer.phoneSpellings),
      agentId: `agent-${pad(this.random.int(1, AGENT_COUNT), 4)}`,
      category: complaint.category,
      description: complaint.description,
      callStartedAt: rfc3339(new Date(at.getTime() - this.random.int(20, 900) * 1000), profile.utcOffsetMinutes),
      locale: profile.locale,
      ...(this.random.chance(0.3) ? { callerEmail: customer.email } : {}),
      ...(customer.loyaltyId !== null && this.random.chance(0.4) ? { loyaltyId: customer.loyaltyId } : {}),
      ...(this.random.chance(0.8) ? { storeId: complaint.store } : {}),
      ...(this.random.chance(0.3) ? { severity: severityFor(this.random, complaint.category) } : {}),
      ...(this.random.chance(0.5) ? { subject: complaint.subject } : {}),
    };
    return { call, customer };
  }

  private hotline(at: Date): SimulatedMessage {
    const { call, customer } = this.hotlineCall(at);
    return {
      channel: 'hotline',
      key: call.callId,
      value: encodeHotlineCall(call),
      kind: 'valid',
      note: `hotline call ${call.callId} (${PROFILES[customer.language].locale}, ${call.category})`,
    };
  }

  // ---- in-store ----

  private instoreTicket(at: Date): { ticket: InstoreTicketV1; customer: Customer } {
    const customer = this.customer();
    const profile = PROFILES[customer.language];
    const complaint = this.complaint(customer);
    const store = complaint.store;
    const receipt = this.random.chance(0.75)
      ? `R-${store.slice(1).padStart(4, '0')}-${compactDate(at)}-${this.runTag}-${pad(this.sequence, 6)}`
      : `T ${this.runTag} ${pad(this.sequence, 6)}`;
    // At least one way to reach the customer; which ones depends on what the staff member asked.
    const contactWays = this.random.weighted({ phone: 5, email: 2, loyalty: 2, all: 2 } as const);
    const contact: InstoreTicketV1['customer'] = {
      ...(this.random.chance(0.6) ? { name: customer.name } : {}),
      ...(contactWays === 'phone' || contactWays === 'all' || (contactWays === 'loyalty' && customer.loyaltyId === null)
        ? { phone: this.random.pick(customer.phoneSpellings) }
        : {}),
      ...(contactWays === 'email' || contactWays === 'all' ? { email: customer.email } : {}),
      ...((contactWays === 'loyalty' || contactWays === 'all') && customer.loyaltyId !== null ? { loyaltyId: customer.loyaltyId } : {}),
    };
    const photoCount = this.random.chance(0.4) ? this.random.int(1, 3) : 0;
    const day = at.toISOString().slice(0, 10);
    const photos: NonNullable<InstoreTicketV1['photos']> = Array.from({ length: photoCount }, (_, index) =>
      this.random.chance(0.6)
        ? {
            url: `https://photos.example.com/${store}/${day}/${this.runTag}-${this.sequence}-${index + 1}.jpg`,
            contentType: 'image/jpeg',
            sizeBytes: this.random.int(80_000, 3_000_000),
          }
        : { storageKey: `instore/${store}/${day}/${this.runTag}-${this.sequence}-${index + 1}.heic`, contentType: 'image/heic' },
    );
    const ticket: InstoreTicketV1 = {
      schemaVersion: 1,
      storeId: store,
      staffId: `staff-${store.slice(1)}-${pad(this.random.int(1, 12), 2)}`,
      receiptOrTicketNumber: receipt,
      customer: contact,
      category: complaint.category,
      description: complaint.description,
      occurredAt: rfc3339(new Date(at.getTime() - this.random.int(60, 1800) * 1000), profile.utcOffsetMinutes),
      locale: profile.locale,
      ...(this.random.chance(0.5) ? { severity: severityFor(this.random, complaint.category) } : {}),
      ...(photos.length > 0 ? { photos } : {}),
    };
    return { ticket, customer };
  }

  private instore(at: Date): SimulatedMessage {
    const { ticket, customer } = this.instoreTicket(at);
    const photos = ticket.photos?.length ?? 0;
    return {
      channel: 'instore',
      key: `${ticket.storeId}/${ticket.receiptOrTicketNumber}`,
      value: encodeInstoreTicket(ticket),
      kind: 'valid',
      note:
        `in-store ticket ${ticket.storeId} ${ticket.receiptOrTicketNumber} ` +
        `(${PROFILES[customer.language].locale}, ${ticket.category}, ${photos} photo${photos === 1 ? '' : 's'})`,
    };
  }

  // ---- email ----

  private messageId(customer: Customer, at: Date): string {
    const domain = customer.email.slice(customer.email.indexOf('@') + 1).toLowerCase();
    const stamp = at.toISOString().replace(/\D/g, '').slice(0, 14);
    return `<${stamp}.${this.runTag}.${this.sequence}.${this.random.token(4)}@mail.${domain}>`;
  }

  private emailFormat(customer: Customer, legacyAllowed: boolean): EmailFormat {
    const legacy = PROFILES[customer.language].legacyCharset;
    if (legacyAllowed && this.random.chance(legacy.share)) {
      switch (legacy.charset) {
        case 'GB2312':
          return 'GB2312 quoted-printable';
        case 'Big5':
          return this.random.chance(0.5) ? 'Big5 8bit' : 'Big5 base64';
        case 'ISO-8859-1':
          return 'ISO-8859-1 quoted-printable';
      }
    }
    return this.random.weighted({ 'utf-8 plain': 5, 'utf-8 html-only': 3, 'utf-8 alternative': 2 } as const);
  }

  private attachments(customer: Customer, complaint: { order: string } | null): Mail.Attachment[] {
    const chinese = customer.language === 'zh-Hans' || customer.language === 'zh-Hant';
    const count = this.random.int(1, 2);
    return Array.from({ length: count }, (_, index): Mail.Attachment => {
      if (index === 0 && this.random.chance(0.6)) {
        return {
          filename: chinese ? `照片${index + 1}.png` : `photo-${index + 1}.png`,
          content: smallPng(this.random),
          contentType: 'image/png',
        };
      }
      const order = complaint?.order ?? this.random.digits(7);
      return {
        filename: chinese ? `小票-${order}.pdf` : `receipt-${order}.pdf`,
        content: smallPdf(`Receipt for order ${order}`),
        contentType: 'application/pdf',
      };
    });
  }

  private async buildEmail(content: EmailContent, format: EmailFormat, attachments: readonly Mail.Attachment[]): Promise<Buffer> {
    switch (format) {
      case 'utf-8 plain':
      case 'utf-8 html-only':
      case 'utf-8 alternative':
        return composedEmail(content, format, attachments, this.random);
      case 'GB2312 quoted-printable':
      case 'Big5 8bit':
      case 'Big5 base64':
      case 'ISO-8859-1 quoted-printable':
        return legacyEmail(content, format);
    }
  }

  private async email(at: Date): Promise<SimulatedMessage> {
    const customer = this.customer();
    const profile = PROFILES[customer.language];
    const complaint = this.complaint(customer);
    const format = this.emailFormat(customer, true);
    const attachments = format.startsWith('utf-8') && this.random.chance(0.3) ? this.attachments(customer, complaint) : [];
    const messageId = this.messageId(customer, at);
    const value = await this.buildEmail(
      {
        fromName: this.random.chance(0.85) ? customer.name : null,
        fromAddress: customer.email,
        subject: complaint.subject,
        text: profile.letter(customer.name, complaint.description),
        messageId,
        date: rfc5322Date(at, profile.utcOffsetMinutes),
        locale: profile.locale,
        inReplyTo: null,
        references: [],
      },
      format,
      attachments,
    );
    remember(this.threads, { customer, subject: complaint.subject, messageIds: [messageId], quotedText: complaint.description }, THREAD_WINDOW);
    return {
      channel: 'email',
      key: customer.email.toLowerCase(),
      value,
      kind: 'valid',
      note: `email ${messageId} ${format}, ${describeAttachments(attachments)} (${profile.locale}, ${complaint.category})`,
    };
  }

  private async reply(at: Date): Promise<SimulatedMessage> {
    const thread = this.random.pick(this.threads);
    const customer = thread.customer;
    const profile = PROFILES[customer.language];
    const format = this.emailFormat(customer, this.random.chance(0.5));
    const attachments = format.startsWith('utf-8') && this.random.chance(0.2) ? this.attachments(customer, null) : [];
    const inReplyTo = thread.messageIds[thread.messageIds.length - 1] ?? '';
    const messageId = this.messageId(customer, at);
    const quoted = `> ${thread.quotedText}`;
    const value = await this.buildEmail(
      {
        fromName: customer.name,
        fromAddress: customer.email,
        subject: `Re: ${thread.subject}`,
        text: `${this.random.pick(profile.followUps)}\n\n${customer.name}\n\n${quoted}`,
        messageId,
        date: rfc5322Date(at, profile.utcOffsetMinutes),
        locale: profile.locale,
        inReplyTo,
        references: [...thread.messageIds],
      },
      format,
      attachments,
    );
    thread.messageIds.push(messageId);
    // Keep the first message (the thread's root) and the latest ones, as mail programs do.
    if (thread.messageIds.length > MAX_REFERENCES) thread.messageIds.splice(1, thread.messageIds.length - MAX_REFERENCES);
    return {
      channel: 'email',
      key: customer.email.toLowerCase(),
      value,
      kind: 'reply',
      note: `email reply ${messageId} to ${inReplyTo} ${format}, ${describeAttachments(attachments)} (${profile.locale})`,
    };
  }

  // ---- malformed ----

  private async malformed(at: Date): Promise<SimulatedMessage> {
    const channel = this.random.weighted(this.options.channelWeights);
    switch (channel) {
      case 'hotline':
        return this.malformedHotline(at);
      case 'instore':
        return this.malformedInstore(at);
      case 'email':
        return this.malformedEmail(at);
    }
  }

  private malformedHotline(at: Date): SimulatedMessage {
    const { call } = this.hotlineCall(at);
    const document: Record<string, unknown> = { ...call };
    const fault = this.random.pick(['truncated', 'wrong-types', 'version', 'missing', 'unknown-field', 'not-utf8', 'no-text'] as const);
    const bad = this.malformedDocument(document, fault, ['agentId', 'callId', 'callerNumber', 'category'], (doc) => {
      doc['callerNumber'] = Number(call.callerNumber.replace(/\D/g, '').slice(-10));
      doc['severity'] = 3;
    });
    return { channel: 'hotline', key: call.callId, value: bad.value, kind: 'malformed', note: `malformed hotline call, ${bad.note}` };
  }

  private malformedInstore(at: Date): SimulatedMessage {
    const { ticket } = this.instoreTicket(at);
    const document: Record<string, unknown> = { ...ticket };
    const fault = this.random.pick(
      ['truncated', 'wrong-types', 'version', 'missing', 'unknown-field', 'not-utf8', 'no-text', 'no-contact', 'bad-photo'] as const,
    );
    let bad: { value: Buffer; note: string };
    if (fault === 'no-contact') {
      document['customer'] = { name: ticket.customer.name ?? 'Walk-in customer' };
      bad = { value: jsonBytes(document), note: 'expect invalid_document: customer has no phone, email or loyalty id' };
    } else if (fault === 'bad-photo') {
      document['photos'] = [{ contentType: 'image/jpeg', sizeBytes: 120_000 }];
      bad = { value: jsonBytes(document), note: 'expect invalid_document: photo with neither url nor storageKey' };
    } else {
      bad = this.malformedDocument(document, fault, ['storeId', 'staffId', 'receiptOrTicketNumber', 'occurredAt'], (doc) => {
        doc['storeId'] = Number(ticket.storeId.slice(1));
        doc['photos'] = 'none';
      });
    }
    return {
      channel: 'instore',
      key: `${ticket.storeId}/${ticket.receiptOrTicketNumber}`,
      value: bad.value,
      kind: 'malformed',
      note: `malformed in-store ticket, ${bad.note}`,
    };
  }

  /** The faults both JSON channels share, applied to a copy of a valid document. */
  private malformedDocument(
    document: Record<string, unknown>,
    fault: 'truncated' | 'wrong-types' | 'version' | 'missing' | 'unknown-field' | 'not-utf8' | 'no-text',
    required: readonly string[],
    wrongTypes: (document: Record<string, unknown>) => void,
  ): { value: Buffer; note: string } {
    switch (fault) {
      case 'truncated': {
        // Cut between characters, not bytes: a cut inside a multi-byte character would be not_utf8.
        const characters = Array.from(JSON.stringify(document));
        const cut = Math.floor(characters.length * (0.3 + this.random.float() * 0.5));
        return { value: Buffer.from(characters.slice(0, cut).join(''), 'utf8'), note: 'expect not_json: document cut off mid-way' };
      }
      case 'wrong-types':
        wrongTypes(document);
        return { value: jsonBytes(document), note: 'expect invalid_document: fields of the wrong type' };
      case 'version':
        document['schemaVersion'] = this.random.pick([2, 3]);
        return { value: jsonBytes(document), note: `expect unknown_schema_version: schemaVersion ${String(document['schemaVersion'])}` };
      case 'missing': {
        const field = this.random.pick(required);
        delete document[field];
        return { value: jsonBytes(document), note: `expect invalid_document: ${field} missing` };
      }
      case 'unknown-field':
        document[this.random.pick(['priority', 'customerMood', 'tillId'])] = 'urgent';
        return { value: jsonBytes(document), note: 'expect invalid_document: a field the schema does not have' };
      case 'not-utf8': {
        // A legacy POS writing Windows-1252: the pound sign becomes the lone byte 0xA3, never valid UTF-8.
        document['description'] = `Customer was charged £${this.random.int(3, 99)}.${this.random.digits(2)} twice at the till.`;
        const value = iconv.encode(JSON.stringify(document), 'windows-1252');
        return { value, note: 'expect not_utf8: document written in Windows-1252' };
      }
      case 'no-text':
        document['description'] = this.random.pick(['', '   ', '\n\t ']);
        return { value: jsonBytes(document), note: 'expect no_text: empty description' };
    }
  }

  private async malformedEmail(at: Date): Promise<SimulatedMessage> {
    const customer = this.customer();
    const profile = PROFILES[customer.language];
    const messageId = this.messageId(customer, at);
    const date = rfc5322Date(at, profile.utcOffsetMinutes);
    const fault = this.random.pick(['garbage', 'json', 'no-from', 'group-from', 'bad-from', 'no-text'] as const);
    const plain = (headers: readonly string[], body: string): Buffer =>
      rawMessage(
        [...headers, `To: ${SUPPORT_ADDRESS}`, `Date: ${date}`, `Message-ID: ${messageId}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'],
        Buffer.from(body, 'utf8'),
      );
    let value: Buffer;
    let note: string;
    switch (fault) {
      case 'garbage':
        value = this.random.bytes(this.random.int(64, 600));
        note = 'expect no_sender: random bytes instead of MIME';
        break;
      case 'json':
        value = Buffer.from(JSON.stringify({ from: customer.email, body: 'mis-routed gateway status record' }), 'utf8');
        note = 'expect no_sender: a JSON record on the email topic';
        break;
      case 'no-from':
        value = plain(['Subject: Complaint'], 'The From header of this message was lost.');
        note = 'expect no_sender: no From header';
        break;
      case 'group-from':
        value = plain(['From: undisclosed-recipients:;', 'Subject: Complaint'], 'Sent from a list that hides its members.');
        note = 'expect no_sender: From names an empty group';
        break;
      case 'bad-from':
        value = plain([`From: ${asciiFold(customer.name) || 'customer'} <${customer.email.replace('@', '-at-')}>`, 'Subject: Complaint'], 'Spam-proofed address.');
        note = 'expect no_sender: From address has no @';
        break;
      case 'no-text':
        value = plain([`From: ${customer.email}`, 'Subject: '], '');
        note = 'expect no_text: no subject and an empty body';
        break;
    }
    return { channel: 'email', key: customer.email.toLowerCase(), value, kind: 'malformed', note: `malformed email ${messageId}, ${note}` };
  }
}

function jsonBytes(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document), 'utf8');
}

function remember<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

function describeAttachments(attachments: readonly Mail.Attachment[]): string {
  if (attachments.length === 0) return 'no attachments';
  const types = attachments.map((attachment) => attachment.contentType ?? 'application/octet-stream');
  return `${attachments.length} attachment${attachments.length === 1 ? '' : 's'} (${types.join(', ')})`;
}
