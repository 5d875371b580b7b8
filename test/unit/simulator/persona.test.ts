/**
 * The SMSC simulator's personas (README "The SMSC simulator"): parsing `name[:arg]`, and what each one does with
 * the Nth submit.
 */
import { describe, it, expect } from 'vitest';
import {
  PERSONA_HELP,
  parsePersona,
  personaName,
  reactToSubmit,
  type Persona,
  type SubmitReaction,
} from '../../../src/simulator/persona.js';
import { STATUS } from '../../../src/smpp/command-status.js';

describe('parsePersona', () => {
  it.each<[string, Persona]>([
    ['happy', { name: 'happy' }],
    ['black-hole', { name: 'black-hole' }],
    ['hang', { name: 'hang' }],
    ['throttling', { name: 'throttling', every: 10 }],
    ['throttling:', { name: 'throttling', every: 10 }],
    ['throttling:5', { name: 'throttling', every: 5 }],
    ['throttling:1', { name: 'throttling', every: 1 }],
    ['throttling:0', { name: 'throttling', every: 1 }],
    ['throttling:0x10', { name: 'throttling', every: 16 }],
    ['bind-refused', { name: 'bind-refused', status: STATUS.ESME_RBINDFAIL }],
    ['bind-refused:0x0e', { name: 'bind-refused', status: 0x0e }],
    ['bind-refused:15', { name: 'bind-refused', status: 15 }],
    ['slow', { name: 'slow', delayMs: 200 }],
    ['slow:1500', { name: 'slow', delayMs: 1500 }],
    ['slow:0', { name: 'slow', delayMs: 0 }],
    ['disconnect-after', { name: 'disconnect-after', count: 100 }],
    ['disconnect-after:3', { name: 'disconnect-after', count: 3 }],
    ['disconnect-after:0', { name: 'disconnect-after', count: 1 }],
    ['garbage', { name: 'garbage', after: 1 }],
    ['garbage:4', { name: 'garbage', after: 4 }],
    ['reject', { name: 'reject', status: STATUS.ESME_RINVDSTADR }],
    ['reject:0x58', { name: 'reject', status: 0x58 }],
    ['reject:0x45', { name: 'reject', status: 0x45 }],
    ['reject:8', { name: 'reject', status: 8 }],
    ['swallow:4670000001', { name: 'swallow', destination: '4670000001' }],
    // an argument to a persona that takes none is ignored
    ['happy:5', { name: 'happy' }],
  ])('%s', (spec, persona) => {
    expect(parsePersona(spec)).toEqual(persona);
  });

  it.each([
    ['an unknown name', 'grumpy', /unknown persona "grumpy"/],
    ['a name in capitals', 'Happy', /unknown persona "Happy"/],
    ['nothing', '', /unknown persona ""/],
    ['a negative count', 'throttling:-1', /persona throttling: expected a non-negative integer, got "-1"/],
    ['a fraction', 'slow:1.5', /persona slow: expected a non-negative integer, got "1.5"/],
    ['words', 'disconnect-after:many', /persona disconnect-after: expected a non-negative integer, got "many"/],
    ['bad hex', 'reject:0xzz', /persona reject: expected a non-negative integer, got "0xzz"/],
    ['bad status', 'bind-refused:abc', /persona bind-refused: expected a non-negative integer/],
    ['swallow without a destination', 'swallow', /persona swallow: give the destination/],
  ])('%s is an error', (_what, spec, message) => {
    expect(() => parsePersona(spec)).toThrow(message);
  });

  it('an unknown name lists the personas', () => {
    expect(() => parsePersona('nope')).toThrow(PERSONA_HELP);
    for (const name of [
      'happy',
      'throttling',
      'black-hole',
      'hang',
      'bind-refused',
      'slow',
      'disconnect-after',
      'garbage',
      'reject',
      'swallow',
    ]) {
      expect(PERSONA_HELP).toContain(`  ${name}`);
    }
  });
});

describe('personaName', () => {
  it.each<[Persona, string]>([
    [{ name: 'happy' }, 'happy'],
    [{ name: 'black-hole' }, 'black-hole'],
    [{ name: 'hang' }, 'hang'],
    [{ name: 'throttling', every: 7 }, 'throttling:7'],
    [{ name: 'bind-refused', status: 0x0e }, 'bind-refused:0xe'],
    [{ name: 'slow', delayMs: 250 }, 'slow:250'],
    [{ name: 'disconnect-after', count: 5 }, 'disconnect-after:5'],
    [{ name: 'garbage', after: 2 }, 'garbage:2'],
    [{ name: 'reject', status: 0x58 }, 'reject:0x58'],
  ])('%j → %s, which parses back to the same persona', (persona, name) => {
    expect(personaName(persona)).toBe(name);
    expect(parsePersona(name)).toEqual(persona);
  });
});

describe('reactToSubmit', () => {
  const OK: SubmitReaction = { kind: 'respond', status: STATUS.ESME_ROK, delayMs: 0 };

  /** Reactions to submits 1..n, counted across the simulator and within one session alike. */
  const first = (p: Persona, n: number): SubmitReaction[] => Array.from({ length: n }, (_, i) => reactToSubmit(p, i + 1, i + 1));

  it('happy answers everything at once', () => {
    expect(first({ name: 'happy' }, 5)).toEqual(Array(5).fill(OK));
  });

  it('throttling:3 answers every 3rd submit ESME_RTHROTTLED, counted across the simulator', () => {
    const T: SubmitReaction = { kind: 'respond', status: STATUS.ESME_RTHROTTLED, delayMs: 0 };
    expect(first({ name: 'throttling', every: 3 }, 9)).toEqual([OK, OK, T, OK, OK, T, OK, OK, T]);
    // the session index does not matter
    expect(reactToSubmit({ name: 'throttling', every: 3 }, 6, 1)).toEqual(T);
    expect(reactToSubmit({ name: 'throttling', every: 3 }, 7, 3)).toEqual(OK);
  });

  it('throttling:1 throttles every submit', () => {
    expect(first({ name: 'throttling', every: 1 }, 3).every((r) => r.kind === 'respond' && r.status === STATUS.ESME_RTHROTTLED)).toBe(true);
  });

  it.each<[Persona]>([[{ name: 'black-hole' }], [{ name: 'hang' }]])('%j never answers a submit', (p) => {
    expect(first(p, 4)).toEqual(Array(4).fill({ kind: 'ignore' }));
  });

  it('bind-refused answers a submit (should one come) with ESME_RINVBNDSTS', () => {
    expect(reactToSubmit({ name: 'bind-refused', status: 0x0d }, 1, 1)).toEqual({
      kind: 'respond',
      status: STATUS.ESME_RINVBNDSTS,
      delayMs: 0,
    });
  });

  it('slow:MS answers every submit after MS', () => {
    expect(first({ name: 'slow', delayMs: 750 }, 3)).toEqual(Array(3).fill({ kind: 'respond', status: STATUS.ESME_ROK, delayMs: 750 }));
  });

  it('disconnect-after:3 drops the session at its 3rd submit, counted within the session', () => {
    const p: Persona = { name: 'disconnect-after', count: 3 };
    expect(first(p, 4)).toEqual([OK, OK, { kind: 'disconnect' }, { kind: 'disconnect' }]);
    // a new session starts counting again, whatever the simulator total
    expect(reactToSubmit(p, 100, 1)).toEqual(OK);
    expect(reactToSubmit(p, 3, 2)).toEqual(OK);
  });

  it('garbage:2 sends bytes that are not a PDU from the 2nd submit of a session', () => {
    const p: Persona = { name: 'garbage', after: 2 };
    expect(first(p, 3)).toEqual([OK, { kind: 'garbage' }, { kind: 'garbage' }]);
    expect(reactToSubmit(p, 50, 1)).toEqual(OK);
  });

  it('reject:STATUS refuses every submit with it', () => {
    expect(first({ name: 'reject', status: 0x0b }, 3)).toEqual(Array(3).fill({ kind: 'respond', status: 0x0b, delayMs: 0 }));
  });

  it('swallow:DEST ignores submits to DEST and answers the others at once', () => {
    const p = parsePersona('swallow:4670000001');
    expect(reactToSubmit(p, 1, 1, '4670000001')).toEqual({ kind: 'ignore' });
    expect(reactToSubmit(p, 2, 2, '4670000002')).toEqual(OK);
    expect(personaName(p)).toBe('swallow:4670000001');
  });

  it('the default personas parsed from their names behave as documented', () => {
    expect(reactToSubmit(parsePersona('throttling'), 10, 10)).toEqual({ kind: 'respond', status: STATUS.ESME_RTHROTTLED, delayMs: 0 });
    expect(reactToSubmit(parsePersona('throttling'), 9, 9)).toEqual(OK);
    expect(reactToSubmit(parsePersona('garbage'), 1, 1)).toEqual({ kind: 'garbage' });
    expect(reactToSubmit(parsePersona('disconnect-after'), 99, 99)).toEqual(OK);
    expect(reactToSubmit(parsePersona('disconnect-after'), 100, 100)).toEqual({ kind: 'disconnect' });
    expect(reactToSubmit(parsePersona('reject'), 1, 1)).toEqual({ kind: 'respond', status: STATUS.ESME_RINVDSTADR, delayMs: 0 });
  });
});
