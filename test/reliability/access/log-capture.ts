import { LogSink } from '@app/platform/testing/log-sink';
import { ServiceHarness, type HarnessOptions } from '@app/testing/service-harness';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';

/**
 * The service harness with every line its services log kept in `logs` (masked, exactly as it would be
 * printed) instead of printed: the services are built as the harness builds them, with the platform's
 * LOG_DESTINATION pointed at the sink.
 */
export class LogCapturingHarness extends ServiceHarness {
  readonly logs: LogSink;

  constructor(options: HarnessOptions = {}) {
    const logs = new LogSink();
    super({ ...options, logDestination: logs });
    this.logs = logs;
  }

  override async start(): Promise<this> {
    // nestjs-pino keeps the first logger of the process for lines logged outside a request.
    __resetOutOfContextForTests();
    return super.start();
  }
}

/** A customer's phone number as sent, and the digits that identify it in any format. */
export interface PhoneUnderTest {
  readonly sent: string;
  /** The national significant number: what is left of the number in any of its formats. */
  readonly significant: string;
}

export interface PersonalDataFinding {
  readonly value: string;
  readonly line: string;
}

function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (sequence) => {
    try {
      return decodeURIComponent(sequence);
    } catch {
      return sequence;
    }
  });
}

/** Digits with the separators people and machines put between them, in any script once NFKC-normalised. */
const DIGIT_RUN = /[+(]?\d(?:[\s().\-+]*\d)*/g;

/**
 * The phone numbers and email addresses that appear unmasked in log lines. A line is read as it is and
 * percent-decoded, with full-width and other compatibility characters folded (NFKC); a phone number is
 * found when any run of digits and separators contains its significant digits, whatever the format,
 * and an email address when its mailbox (the local part) appears.
 */
export function unmaskedPersonalData(lines: readonly string[], phones: readonly PhoneUnderTest[], emails: readonly string[]): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  for (const line of lines) {
    const readings = [line, percentDecoded(line)].map((text) => text.normalize('NFKC'));
    const digitRuns = readings.flatMap((text) => (text.match(DIGIT_RUN) ?? []).map((run) => run.replace(/\D/g, '')));
    for (const phone of phones) {
      if (digitRuns.some((digits) => digits.includes(phone.significant))) findings.push({ value: phone.sent, line });
    }
    const lowered = readings.map((text) => text.toLowerCase());
    for (const email of emails) {
      // Without the +tag of plus-addressing: the mailbox is what identifies the customer.
      const localPart = (email.slice(0, email.lastIndexOf('@')).split('+')[0] ?? '').toLowerCase();
      if (lowered.some((text) => text.includes(localPart))) findings.push({ value: email, line });
    }
  }
  return findings;
}
