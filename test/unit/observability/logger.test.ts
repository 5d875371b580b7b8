import { describe, expect, it } from 'vitest';
import { createLogger, setLogLevel } from '../../../src/observability/logger.js';

describe('setLogLevel', () => {
  it('reaches the root, its children and theirs, from any logger of the family', () => {
    const root = createLogger('info');
    const child = root.child({ role: 'links' });
    const grandchild = child.child({ component: 'mo' });
    setLogLevel(child, 'debug');
    expect([root.level, child.level, grandchild.level]).toEqual(['debug', 'debug', 'debug']);
    const later = grandchild.child({ bind: 'x' });
    setLogLevel(later, 'error');
    expect([root.level, child.level, grandchild.level, later.level]).toEqual(['error', 'error', 'error', 'error']);
  });
});
