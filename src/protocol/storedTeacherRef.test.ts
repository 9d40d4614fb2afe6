import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from './config';

describe('stored teachers in the config', () => {
  it('accepts a user: teacher with its classes, and still refuses unknown shipped ids', () => {
    const config = resolveConfig({ dataset: 'mnist', teacher: 'user:abc-123', teacherClasses: [0, 1], studentClasses: [2, 3] });
    expect(config.teacher).toBe('user:abc-123');
    expect(() => resolveConfig({ teacher: 'user:../x' })).toThrow(ConfigError);
    expect(() => resolveConfig({ teacher: 'nope' })).toThrow(ConfigError);
  });
});
