import { describe, expect, it } from 'vitest';
import { compareSemver, formatSemver, parseSemver, semverProblem, withoutPrerelease } from '../../../personas/game/milestones/semver.js';

describe('parseSemver', () => {
  it('parses the three numbers, pre-release and build identifiers', () => {
    expect(parseSemver('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: [], build: [] });
    expect(parseSemver('1.0.0-rc.1+build.7')).toEqual({ major: 1, minor: 0, patch: 0, prerelease: ['rc', '1'], build: ['build', '7'] });
    expect(parseSemver('0.0.0-alpha-x.0+001')).toEqual({ major: 0, minor: 0, patch: 0, prerelease: ['alpha-x', '0'], build: ['001'] });
    expect(formatSemver(parseSemver('10.20.30-beta.2+exp.sha.5114f85'))).toBe('10.20.30-beta.2+exp.sha.5114f85');
  });

  it.each([
    ['1.2', 'give all three numbers'],
    ['v1.2.3', 'without the leading "v"'],
    ['01.2.3', 'leading zeros'],
    ['1.2.3-01', 'leading zero'],
    ['1.2.3-rc..1', 'empty'],
    ['1.2.3+', 'the form is'],
    ['1.2.3-rc_1', 'the form is'],
    ['', 'the form is'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(semverProblem(text)).toContain(problem);
    expect(() => parseSemver(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('compareSemver', () => {
  it('orders the semver.org example chain', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];
    for (let i = 0; i + 1 < chain.length; i++) {
      expect(compareSemver(chain[i] as string, chain[i + 1] as string)).toBe(-1);
      expect(compareSemver(chain[i + 1] as string, chain[i] as string)).toBe(1);
    }
  });

  it('compares numbers numerically, not as text', () => {
    expect(compareSemver('1.10.0', '1.9.0')).toBe(1);
    expect(compareSemver('1.0.0-rc.10', '1.0.0-rc.9')).toBe(1);
  });

  it('ignores build metadata', () => {
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(compareSemver('1.0.0-rc.1+a', '1.0.0-rc.1')).toBe(0);
  });

  it('drops a pre-release tag, keeping the build', () => {
    expect(formatSemver(withoutPrerelease(parseSemver('1.0.0-rc.2+b7')))).toBe('1.0.0+b7');
  });
});
