import { generateReference } from '@app/domain';
import { randomInt } from 'node:crypto';

/**
 * A new complaint reference. `randomInt` draws from node's buffered CSPRNG, one system call per
 * several thousand draws, where `randomBytes` per reference costs a system call per complaint.
 */
export function newReference(): string {
  return generateReference((size) => Uint8Array.from({ length: size }, () => randomInt(256)));
}
