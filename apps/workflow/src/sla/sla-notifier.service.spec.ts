import type { DeadlineTimer } from '../timers/timer-jobs';
import { firingRounds } from './sla-notifier.service';

describe('firingRounds', () => {
  const at = '2026-11-23T10:00:00.000Z';
  const timer = (complaintId: string, kind: DeadlineTimer['kind'], phase: DeadlineTimer['phase']): DeadlineTimer => ({ complaintId, kind, phase, version: 1, at });

  it('fires breaches before warnings, and each complaint at most once per round', () => {
    const timers = [timer('a', 'first_response', 'warning'), timer('b', 'resolution', 'breach'), timer('a', 'first_response', 'breach'), timer('a', 'resolution', 'breach')];
    const rounds = firingRounds(timers);
    expect(rounds).toEqual([[1, 2], [3], [0]]);
    for (const round of rounds) expect(new Set(round.map((index) => timers[index]?.complaintId)).size).toBe(round.length);
  });

  it('keeps every timer exactly once', () => {
    const timers = Array.from({ length: 50 }, (_, index) => timer(`c${index % 7}`, index % 2 === 0 ? 'first_response' : 'resolution', index % 3 === 0 ? 'warning' : 'breach'));
    expect(firingRounds(timers).flat().sort((a, b) => a - b)).toEqual(timers.map((_, index) => index));
  });
});
