import { describe, expect, it } from 'vitest';
import { useColor } from '../../../src/cli/admin-command.js';

describe('useColor', () => {
  it('colours only on a terminal, and never with NO_COLOR set to something', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(undefined, {})).toBe(false);
  });
});
