// Synthetic people and subjects for the journeys: valid check characters, unique per call.
import { idNumberCheckChar, usccCheckChar } from '../../src/domain/validation/index.ts';

let n = 0;
export function person(name: string) {
  n += 1;
  const seq = String(n).padStart(3, '0');
  const stamp = String(Date.now() % 10000).padStart(4, '0');
  const first17 = `44030519900${(n % 9) + 1}${String(10 + (n % 18)).padStart(2, '0')}${seq}`.slice(0, 17);
  return {
    name, certificateNumber: first17 + idNumberCheckChar(first17), validFrom: '2020-01-01',
    mobile: `139${stamp}${seq}${n % 10}`.slice(0, 11), emergency: `137${stamp}${seq}${n % 10}`.slice(0, 11), email: `p${stamp}${seq}@example.test`,
  };
}

export function uscc(): string {
  const first17 = `91440300MA5${String(Date.now() % 1_000_000).padStart(6, '0')}`.slice(0, 17);
  return first17 + usccCheckChar(first17);
}
